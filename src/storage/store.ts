// storage/: the Keyv store (SQLite or Redis), its write queue with group commit, and the one-process-per-file lock.
// Keyv behind one small interface: typed records validated on read, ordered scans, and serialized writes that
// are atomic on SQLite (write-queue.ts). Opening the SQLite file or Redis connection is open-store.ts's job.
import type Keyv from 'keyv';
import type { RedisClientType } from '@keyv/redis';
import type { z } from 'zod';
import type { Logger } from '../log.js';
import { CORRUPT, type Read } from '../records/read.js';
import type { SqliteLock } from './sqlite-lock.js';
import { NAMESPACE, openBackend, type Backend, type SqlQuery } from './open-store.js';
import { StoreError } from './store-errors.js';
import type { WalSync } from './wal-sync.js';
import { WriteQueue } from './write-queue.js';

export interface Tx {
	get<T>(key: string, schema: z.ZodType<T>): Promise<Read<T>>;
	set(key: string, value: unknown): Promise<void>;
	delete(key: string): Promise<void>;
	/** Runs `fn` once the block has committed (never if it rolls back): for telling others about a change. */
	afterCommit(fn: () => void): void;
}

export type RedisClient = RedisClientType;

export class Store {
	private readonly keyv: Keyv;
	private readonly sql: SqlQuery | undefined;
	readonly kind: 'sqlite' | 'redis';
	/** The node-redis client when the store is on Redis (money scripts, job queue). */
	redis: RedisClient | undefined;
	/** The lock that keeps a second process off this SQLite file, released on close. */
	private lock: SqliteLock | undefined;
	private readonly wal: WalSync | undefined;
	// Writes are only reachable through write(), so nothing can bypass the queue.
	private readonly queue: WriteQueue<Tx>;

	private constructor(
		backend: Backend,
		private readonly logger: Logger,
	) {
		this.keyv = backend.keyv;
		this.sql = backend.sql;
		this.kind = backend.kind;
		this.redis = backend.redis;
		this.lock = backend.lock;
		this.wal = backend.wal;
		this.queue = new WriteQueue<Tx>(
			(afterCommit) => ({
				get: (key, schema) => this.get(key, schema),
				set: async (key, value) => {
					await this.keyv.set(key, value);
				},
				delete: async (key) => {
					await this.keyv.delete(key);
				},
				afterCommit,
			}),
			this.sql,
			logger,
			backend.wal,
		);
	}

	static async open(url: string, logger: Logger): Promise<Store> {
		return new Store(await openBackend(url, logger), logger);
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
		return this.queue.run(fn);
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
		await this.queue.idle();
		await this.wal?.close();
		await this.keyv.disconnect();
		this.lock?.release();
		this.lock = undefined;
	}
}
