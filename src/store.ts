// Keyv behind one small interface: typed records validated on read, and serialized writes
// that are atomic on SQLite (one connection, BEGIN IMMEDIATE … COMMIT around each write block).
import { accessSync, constants, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Keyv, { type KeyvStoreAdapter } from 'keyv';
import type { z } from 'zod';
import type { Logger } from './log.js';
import { SqliteSyncAdapter } from './sqlite-adapter.js';

/** Returned instead of a value when a stored record fails validation: callers must choose a safe reading. */
export const CORRUPT = Symbol('corrupt record');
export type Read<T> = T | undefined | typeof CORRUPT;

export interface Tx {
	get<T>(key: string, schema: z.ZodType<T>): Promise<Read<T>>;
	set(key: string, value: unknown): Promise<void>;
	delete(key: string): Promise<void>;
}

export class StoreError extends Error {
	override name = 'StoreError';
}

/** How long a synchronous statement may wait for a lock, blocking the event loop. */
const SYNC_BUSY_MS = 20;
/** How long a write waits for another process to release the database (a backup, a stray sqlite3 shell). */
const LOCK_WAIT_MS = 10_000;

const isBusy = (error: unknown): boolean => /SQLITE_BUSY|database is locked/i.test(String((error as Error | undefined)?.message ?? error));

/** Write blocks per transaction at most (a burst of reservations shares one commit). */
const MAX_BATCH = 64;

interface PendingWrite {
	fn: (tx: Tx) => Promise<unknown>;
	resolve: (value: unknown) => void;
	reject: (error: unknown) => void;
}

type SqlQuery = (sql: string, ...params: unknown[]) => Promise<unknown>;

/** Node's built-in synchronous SQLite where available (Node ≥ 22.13), else the sqlite3 package through @keyv/sqlite. */
async function openSqlite(url: string, file: string): Promise<{ adapter: KeyvStoreAdapter; sql: SqlQuery }> {
	const builtin = await import('node:sqlite').catch(() => undefined);
	if (builtin) {
		const db = new builtin.DatabaseSync(file);
		// Statements block the event loop while they wait for a lock: keep that short. Taking the write lock, the
		// long wait, happens in begin() below, off the event loop.
		db.exec(`PRAGMA busy_timeout = ${SYNC_BUSY_MS}`);
		const adapter = new SqliteSyncAdapter(db);
		return { adapter, sql: (sql) => Promise.resolve(adapter.exec(sql)) };
	}
	const { default: KeyvSqlite } = await import('@keyv/sqlite');
	const adapter = new KeyvSqlite({ uri: url, busyTimeout: 5000 });
	return { adapter, sql: adapter.query as SqlQuery };
}

export class Store {
	private pending: PendingWrite[] = [];
	private draining = false;
	private drained: Promise<void> = Promise.resolve();
	// Writes are only reachable through write(), so nothing can bypass the queue.
	private readonly tx: Tx = {
		get: (key, schema) => this.get(key, schema),
		set: async (key, value) => {
			await this.keyv.set(key, value);
		},
		delete: async (key) => {
			await this.keyv.delete(key);
		},
	};

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
			try {
				const { adapter, sql } = await openSqlite(url, file);
				const store = new Store(Store.keyv(adapter, logger), sql, logger, 'sqlite');
				await store.sql?.('PRAGMA journal_mode = WAL');
				await store.keyv.get('health');
				return store;
			} catch (error) {
				throw new StoreError(`STORE_URL: cannot open the SQLite database ${file}: ${(error as Error).message}`);
			}
		}
		if (/^rediss?:\/\//.test(url)) {
			// Loaded only when used: it costs ~30 MiB of memory that SQLite users never need.
			const { default: KeyvRedis } = await import('@keyv/redis');
			const adapter = new KeyvRedis(url, { throwOnConnectError: true, throwErrors: true });
			const store = new Store(Store.keyv(adapter, logger), undefined, logger, 'redis');
			try {
				await store.keyv.get('health');
			} catch (error) {
				throw new StoreError(`STORE_URL: cannot reach Redis: ${(error as Error).message}`);
			}
			return store;
		}
		throw new StoreError('STORE_URL: must start with sqlite:// or redis://');
	}

	private static keyv(adapter: KeyvStoreAdapter, logger: Logger): Keyv {
		const keyv = new Keyv({ store: adapter, namespace: 'imagine-bot', throwOnErrors: true });
		// Without a listener an adapter error event would crash the process.
		keyv.on('error', (error: unknown) => logger.error({ err: error }, 'store error'));
		return keyv;
	}

	async get<T>(key: string, schema: z.ZodType<T>): Promise<Read<T>> {
		const raw: unknown = await this.keyv.get(key);
		if (raw === undefined) return undefined;
		const parsed = schema.safeParse(raw);
		if (parsed.success) return parsed.data;
		this.logger.error({ key, issues: parsed.error.issues.slice(0, 3) }, 'corrupt record in store');
		return CORRUPT;
	}

	/**
	 * Runs `fn` alone: writes from this process never interleave, so read-modify-write inside is race-free.
	 * On SQLite the block is atomic (a savepoint), and its promise settles only once the transaction holding it
	 * is committed, so a crash never leaves half of it written and nothing is reported done before it is durable.
	 */
	write<R>(fn: (tx: Tx) => Promise<R>): Promise<R> {
		return new Promise<R>((resolve, reject) => {
			this.pending.push({ fn, resolve: resolve as (value: unknown) => void, reject });
			if (!this.draining) {
				this.draining = true;
				this.drained = this.drain();
			}
		});
	}

	private async drain(): Promise<void> {
		try {
			while (this.pending.length > 0) {
				// Let I/O run between batches (acknowledgements, gateway frames): with synchronous SQLite a queue of
				// write blocks would otherwise drain in one long turn of the event loop.
				await new Promise<void>((resolve) => setImmediate(resolve));
				await this.runBatch(this.pending.splice(0, MAX_BATCH));
			}
		} finally {
			this.draining = false;
		}
	}

	/** Group commit: the queued blocks share one transaction (one fsync), each in its own savepoint. */
	private async runBatch(batch: PendingWrite[]): Promise<void> {
		const sql = this.sql;
		if (!sql) {
			for (const w of batch) await w.fn(this.tx).then(w.resolve, w.reject);
			return;
		}
		const settle: Array<() => void> = [];
		try {
			await this.begin(sql);
			for (const w of batch) {
				await sql('SAVEPOINT w');
				try {
					const result = await w.fn(this.tx);
					await sql('RELEASE w');
					settle.push(() => w.resolve(result));
				} catch (error) {
					await sql('ROLLBACK TO w');
					await sql('RELEASE w');
					settle.push(() => w.reject(error));
				}
			}
			await sql('COMMIT');
		} catch (error) {
			await sql('ROLLBACK').catch(() => undefined);
			for (const w of batch) w.reject(error);
			return;
		}
		for (const done of settle) done();
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
	}
}
