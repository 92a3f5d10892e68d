// Keyv behind one small interface: typed records validated on read, and serialized writes that are atomic on
// SQLite (one connection through node:sqlite; write blocks queued together share one BEGIN IMMEDIATE … COMMIT,
// each in its own savepoint).
import { accessSync, constants, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import Keyv, { type KeyvStoreAdapter } from 'keyv';
import type { RedisClientType } from '@keyv/redis';
import type { z } from 'zod';
import type { Logger } from '../log.js';
import { CORRUPT, type Read } from '../records/read.js';
import { SqliteSyncAdapter } from './sqlite-adapter.js';
import { lockSqliteFile, type SqliteLock } from './sqlite-lock.js';


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

const CONNECTION_ERRORS = new Set([
	'ClientClosedError',
	'ClientOfflineError',
	'SocketClosedUnexpectedlyError',
	'ConnectionTimeoutError',
	'SocketTimeoutError',
	'DisconnectsClientError',
]);

/** True when an error means the store cannot be reached right now (Redis down or reconnecting), not a bug. */
export function isStoreUnreachable(error: unknown): boolean {
	for (let e: unknown = error; e instanceof Error; e = e.cause) {
		if (CONNECTION_ERRORS.has(e.name) || /ECONNREFUSED|ECONNRESET|EHOSTUNREACH|client is (closed|offline)/i.test(e.message)) return true;
	}
	return false;
}

type SqlQuery = (sql: string, ...params: unknown[]) => Promise<unknown>;
export type RedisClient = RedisClientType;

/** Every key is stored as `imagine-bot:<key>`. */
const NAMESPACE = 'imagine-bot';

/** How long a synchronous statement may wait for a lock, blocking the event loop. */
const SYNC_BUSY_MS = 20;
/** How long a write waits for another process to release the database (a backup, a stray sqlite3 shell). */
const LOCK_WAIT_MS = 10_000;
/** Write blocks per transaction at most (a burst of reservations shares one commit). */
const MAX_BATCH = 64;

const isBusy = (error: unknown): boolean => /SQLITE_BUSY|database is locked/i.test(String((error as Error | undefined)?.message ?? error));

interface PendingWrite {
	fn: (tx: Tx) => Promise<unknown>;
	resolve: (value: unknown) => void;
	reject: (error: unknown) => void;
}

export class Store {
	private queued: PendingWrite[] = [];
	private draining = false;
	private drained: Promise<void> = Promise.resolve();
	/** After-commit hooks of the block running now. */
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

	/** The lock that keeps a second process off this SQLite file, released on close. */
	private lock: SqliteLock | undefined;

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
			// One process per file: a second bot (or a migration while a bot runs) is refused, not let in to overspend.
			let lock: SqliteLock | undefined;
			try {
				if (file !== ':memory:') lock = lockSqliteFile(file);
			} catch (error) {
				throw new StoreError(`STORE_URL: ${(error as Error).message}`);
			}
			try {
				const db = new DatabaseSync(file);
				// Statements block the event loop while they wait for a lock: keep that short. Taking the write lock,
				// the long wait, happens in begin() below, off the event loop.
				db.exec(`PRAGMA busy_timeout = ${SYNC_BUSY_MS}`);
				const adapter = new SqliteSyncAdapter(db);
				const store = new Store(Store.keyv(adapter, logger), (sql, ...params) => Promise.resolve(adapter.query(sql, params)), logger, 'sqlite');
				await store.sql?.('PRAGMA journal_mode = WAL');
				await store.keyv.get('health');
				store.lock = lock;
				return store;
			} catch (error) {
				lock?.release();
				throw new StoreError(`STORE_URL: cannot open the SQLite database ${file}: ${(error as Error).message}`);
			}
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
	 * On SQLite the block is atomic (a savepoint), and its promise settles, and its after-commit hooks run, only
	 * once the transaction holding it has committed: a crash never leaves half of it written, and nothing is
	 * reported done before it is durable.
	 */
	write<R>(fn: (tx: Tx) => Promise<R>): Promise<R> {
		return new Promise<R>((resolve, reject) => {
			this.queued.push({ fn, resolve: resolve as (value: unknown) => void, reject });
			if (!this.draining) {
				this.draining = true;
				this.drained = this.drain();
			}
		});
	}

	private async drain(): Promise<void> {
		try {
			while (this.queued.length > 0) {
				// Let I/O run between batches (acknowledgements, gateway frames): with synchronous SQLite a queue of
				// write blocks would otherwise drain in one long turn of the event loop.
				await new Promise<void>((resolve) => setImmediate(resolve));
				await this.runBatch(this.queued.splice(0, MAX_BATCH));
			}
		} finally {
			this.draining = false;
		}
	}

	/** One block, collecting its after-commit hooks (dropped if it throws). */
	private async block(w: PendingWrite): Promise<{ ok: true; result: unknown; hooks: Array<() => void> } | { ok: false; error: unknown }> {
		this.pending = [];
		try {
			const result = await w.fn(this.tx);
			return { ok: true, result, hooks: this.pending };
		} catch (error) {
			return { ok: false, error };
		} finally {
			this.pending = [];
		}
	}

	private settle(w: PendingWrite, outcome: Awaited<ReturnType<Store['block']>>): void {
		if (!outcome.ok) return w.reject(outcome.error);
		for (const hook of outcome.hooks) {
			try {
				hook();
			} catch (error) {
				this.logger.error({ err: error }, 'after-commit hook failed');
			}
		}
		w.resolve(outcome.result);
	}

	/** Group commit: the queued blocks share one transaction (one fsync), each in its own savepoint. */
	private async runBatch(batch: PendingWrite[]): Promise<void> {
		const sql = this.sql;
		if (!sql) {
			for (const w of batch) this.settle(w, await this.block(w));
			return;
		}
		const outcomes: Array<Awaited<ReturnType<Store['block']>>> = [];
		try {
			await this.begin(sql);
			for (const w of batch) {
				await sql('SAVEPOINT w');
				const outcome = await this.block(w);
				await sql(outcome.ok ? 'RELEASE w' : 'ROLLBACK TO w');
				if (!outcome.ok) await sql('RELEASE w');
				outcomes.push(outcome);
			}
			await sql('COMMIT');
		} catch (error) {
			await sql('ROLLBACK').catch(() => undefined);
			for (const w of batch) w.reject(error);
			return;
		}
		batch.forEach((w, i) => this.settle(w, outcomes[i] ?? { ok: false, error: new StoreError('write block lost') }));
	}

	/** BEGIN IMMEDIATE, waiting for the write lock without blocking the event loop. */
	private async begin(sql: SqlQuery): Promise<void> {
		const deadline = Date.now() + LOCK_WAIT_MS;
		for (let pause = 5; ; pause = Math.min(100, pause * 2)) {
			try {
				await sql('BEGIN IMMEDIATE');
				return;
			} catch (error) {
				if (!isBusy(error) || Date.now() >= deadline) throw error;
			}
			await new Promise((resolve) => setTimeout(resolve, pause));
		}
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
		while (this.draining) await this.drained;
		await this.keyv.disconnect();
		this.lock?.release();
		this.lock = undefined;
	}
}
