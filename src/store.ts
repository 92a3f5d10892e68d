// Keyv behind one small interface: typed records validated on read, and serialized writes
// that are atomic on SQLite (one connection, BEGIN IMMEDIATE … COMMIT around each write block).
import { accessSync, constants, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import KeyvSqlite from '@keyv/sqlite';
import Keyv, { type KeyvStoreAdapter } from 'keyv';
import type { RedisClientType } from '@keyv/redis';
import type { z } from 'zod';
import type { Logger } from './log.js';

/** Returned instead of a value when a stored record fails validation: callers must choose a safe reading. */
export const CORRUPT = Symbol('corrupt record');
export type Read<T> = T | undefined | typeof CORRUPT;

export interface Tx {
	get<T>(key: string, schema: z.ZodType<T>): Promise<Read<T>>;
	set(key: string, value: unknown): Promise<void>;
	delete(key: string): Promise<void>;
	/** Runs `fn` once the block has committed (never if it rolls back): for telling others about a change. */
	afterCommit(fn: () => void): void;
}

export class StoreError extends Error {
	override name = 'StoreError';
}

type SqlQuery = (sql: string, ...params: unknown[]) => Promise<unknown>;
export type RedisClient = RedisClientType;

/** Every key is stored as `imagine-bot:<key>`. */
const NAMESPACE = 'imagine-bot';

export class Store {
	private queue: Promise<unknown> = Promise.resolve();
	private pending: Array<() => void> = [];
	// Writes are only reachable through write(), so nothing can bypass the queue.
	private readonly tx: Tx = {
		get: (key, schema) => this.get(key, schema),
		set: async (key, value) => {
			await this.keyv.set(key, value);
		},
		delete: async (key) => {
			await this.keyv.delete(key);
		},
		afterCommit: (fn) => {
			this.pending.push(fn);
		},
	};

	/** The node-redis client when the store is on Redis (money scripts, job queue). */
	redis: RedisClient | undefined;

	private constructor(
		private readonly keyv: Keyv,
		private readonly sql: SqlQuery | undefined,
		private readonly logger: Logger,
		readonly kind: 'sqlite' | 'redis',
	) {}

	static async open(url: string, logger: Logger): Promise<Store> {
		if (url.startsWith('sqlite://')) {
			const file = url.slice('sqlite://'.length);
			if (file !== ':memory:') {
				const dir = dirname(resolve(file));
				try {
					mkdirSync(dir, { recursive: true });
					accessSync(dir, constants.W_OK);
				} catch {
					throw new StoreError(
						`STORE_URL: cannot create or write the directory ${dir} (running as uid ${process.getuid?.() ?? '?'}); fix its permissions or point STORE_URL elsewhere`,
					);
				}
			}
			const adapter = new KeyvSqlite({ uri: url, busyTimeout: 5000 });
			const store = new Store(Store.keyv(adapter, logger), adapter.query as SqlQuery, logger, 'sqlite');
			try {
				await store.sql?.('PRAGMA journal_mode = WAL');
				await store.keyv.get('health');
			} catch (error) {
				throw new StoreError(`STORE_URL: cannot open the SQLite database ${file}: ${(error as Error).message}`);
			}
			return store;
		}
		if (/^rediss?:\/\//.test(url)) {
			// Loaded only when used: it costs ~30 MiB of memory that SQLite users never need.
			const { default: KeyvRedis, createClient } = await import('@keyv/redis');
			// One node-redis client for Keyv, the money scripts and the job queue. While the connection is down,
			// commands fail at once (no offline queue) and the client keeps reconnecting in the background.
			const client = createClient({
				url,
				disableOfflineQueue: true,
				socket: { connectTimeout: 5000, reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 5000) },
			});
			let reported = false;
			client.on('error', (error: unknown) => {
				if (!reported) logger.warn({ err: error }, 'redis connection error; reconnecting');
				reported = true;
			});
			client.on('ready', () => (reported = false));
			try {
				await Promise.race([client.connect(), new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 5 s')), 5000).unref())]);
			} catch (error) {
				client.destroy();
				throw new StoreError(`STORE_URL: cannot reach Redis: ${(error as Error).message}`);
			}
			const adapter = new KeyvRedis(client, { throwOnConnectError: true, throwOnErrors: true });
			const store = new Store(Store.keyv(adapter, logger), undefined, logger, 'redis');
			store.redis = client;
			return store;
		}
		throw new StoreError('STORE_URL: must start with sqlite:// or redis://');
	}

	private static keyv(adapter: KeyvStoreAdapter, logger: Logger): Keyv {
		const keyv = new Keyv({ store: adapter, namespace: NAMESPACE, throwOnErrors: true });
		// Without a listener an adapter error event would crash the process.
		keyv.on('error', (error: unknown) => logger.error({ err: error }, 'store error'));
		return keyv;
	}

	async get<T>(key: string, schema: z.ZodType<T>): Promise<Read<T>> {
		return this.validate(key, await this.keyv.get(key), schema);
	}

	private validate<T>(key: string, raw: unknown, schema: z.ZodType<T>): Read<T> {
		if (raw === undefined) return undefined;
		const parsed = schema.safeParse(raw);
		if (parsed.success) return parsed.data;
		this.logger.error({ key, issues: parsed.error.issues.slice(0, 3) }, 'corrupt record in store');
		return CORRUPT;
	}

	/**
	 * Runs `fn` alone: writes from this process never interleave, so read-modify-write inside is race-free.
	 * On SQLite the block is one transaction, so a crash never leaves half of it written.
	 */
	write<R>(fn: (tx: Tx) => Promise<R>): Promise<R> {
		const block = async (): Promise<R> => {
			if (!this.sql) return fn(this.tx);
			await this.sql('BEGIN IMMEDIATE');
			try {
				const result = await fn(this.tx);
				await this.sql('COMMIT');
				return result;
			} catch (error) {
				await this.sql('ROLLBACK').catch(() => undefined);
				throw error;
			}
		};
		const run = async (): Promise<R> => {
			this.pending = [];
			try {
				const result = await block();
				for (const fn of this.pending) {
					try {
						fn();
					} catch (error) {
						this.logger.error({ err: error }, 'after-commit hook failed');
					}
				}
				return result;
			} finally {
				this.pending = [];
			}
		};
		const result = this.queue.then(run, run);
		this.queue = result.catch(() => undefined);
		return result;
	}

	/**
	 * Records whose key starts with `prefix`, in key order (or reversed). For listings and background work,
	 * never a hot path: SQLite pages through the primary-key index, so memory stays bounded. `keys` skips
	 * records before they are validated.
	 */
	async *scan<T>(
		prefix: string,
		schema: z.ZodType<T>,
		options: { reverse?: boolean; batch?: number; keys?: (key: string) => boolean } = {},
	): AsyncGenerator<{ key: string; value: Read<T> }> {
		const batch = options.batch ?? 500;
		if (!this.sql) {
			// Keyv's Redis adapter can only SCAN the whole namespace; the fleet issue gives Redis real indexes.
			const found: Array<[string, unknown]> = [];
			const iterator = this.keyv.iterator?.bind(this.keyv);
			if (!iterator) throw new StoreError('this store cannot list records');
			for await (const [key, value] of iterator(undefined) as AsyncIterable<[string, unknown]>) {
				if (key.startsWith(prefix) && (options.keys?.(key) ?? true)) found.push([key, value]);
			}
			found.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
			if (options.reverse) found.reverse();
			for (const [key, raw] of found) yield { key, value: this.validate(key, raw, schema) };
			return;
		}
		const full = `${NAMESPACE}:${prefix}`;
		let low = full;
		let high = `${full}\uffff`;
		for (;;) {
			const rows = (await this.sql(
				options.reverse
					? 'SELECT key, value FROM keyv WHERE key >= ? AND key < ? ORDER BY key DESC LIMIT ?'
					: 'SELECT key, value FROM keyv WHERE key > ? AND key < ? ORDER BY key ASC LIMIT ?',
				low,
				high,
				batch,
			)) as Array<{ key: string; value: string }>;
			for (const row of rows) {
				const key = row.key.slice(NAMESPACE.length + 1);
				if (options.keys && !options.keys(key)) continue;
				let stored: { value?: unknown; expires?: number | null };
				try {
					stored = JSON.parse(row.value) as typeof stored;
				} catch {
					this.logger.error({ key }, 'unparseable record in store');
					yield { key, value: CORRUPT };
					continue;
				}
				if (typeof stored.expires === 'number' && stored.expires < Date.now()) continue;
				yield { key, value: this.validate(key, stored.value, schema) };
			}
			if (rows.length < batch) return;
			const last = (rows.at(-1) as { key: string }).key;
			if (options.reverse) high = last;
			else low = last;
		}
	}

	/** True when the store answers a read. */
	async ping(): Promise<boolean> {
		try {
			await this.keyv.get('health');
			return true;
		} catch {
			return false;
		}
	}

	async close(): Promise<void> {
		await this.queue;
		await this.keyv.disconnect();
	}
}
