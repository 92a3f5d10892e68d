// Opens the store's backend named by STORE_URL behind Keyv: a SQLite file (checked, locked, one node:sqlite
// connection) or a Redis server (one node-redis client).
import { accessSync, constants, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import Keyv, { type KeyvStoreAdapter } from 'keyv';
import type { RedisClientType } from '@keyv/redis';
import type { Logger } from '../log.js';
import { SqliteSyncAdapter } from './sqlite-adapter.js';
import { lockSqliteFile, type SqliteLock } from './sqlite-lock.js';
import { StoreError } from './store-errors.js';
import { WalSync } from './wal-sync.js';

export type SqlQuery = (sql: string, ...params: unknown[]) => Promise<unknown>;

/** Every key is stored as `imagine-bot:<key>`. */
export const NAMESPACE = 'imagine-bot';

/** How long a synchronous statement may wait for a lock, blocking the event loop. */
const SYNC_BUSY_MS = 20;

/** An open backend, ready for a Store. */
export interface Backend {
	keyv: Keyv;
	/** Raw SQL on the SQLite connection (undefined on Redis). */
	sql: SqlQuery | undefined;
	kind: 'sqlite' | 'redis';
	/** The node-redis client when the store is on Redis. */
	redis: RedisClientType | undefined;
	/** The lock that keeps a second process off the SQLite file. */
	lock: SqliteLock | undefined;
	/** Makes committed SQLite writes durable off the main thread (undefined on Redis and in memory). */
	wal: WalSync | undefined;
}

export async function openBackend(url: string, logger: Logger): Promise<Backend> {
	if (url.startsWith('sqlite://')) return openSqlite(url.slice('sqlite://'.length), logger);
	if (/^rediss?:\/\//.test(url)) return openRedis(url, logger);
	throw new StoreError('STORE_URL: must start with sqlite:// or redis://');
}

async function openSqlite(file: string, logger: Logger): Promise<Backend> {
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
		// the long wait, happens in the write queue's begin(), off the event loop.
		db.exec(`PRAGMA busy_timeout = ${SYNC_BUSY_MS}`);
		const adapter = new SqliteSyncAdapter(db);
		const keyv = createKeyv(adapter, logger);
		const sql: SqlQuery = (statement, ...params) => Promise.resolve(adapter.query(statement, params));
		await sql('PRAGMA journal_mode = WAL');
		// Commits append to the WAL without an fsync on this thread; WalSync makes them durable before a write
		// is reported done (see wal-sync.ts).
		await sql('PRAGMA synchronous = NORMAL');
		await keyv.get('health');
		return { keyv, sql, kind: 'sqlite', redis: undefined, lock, wal: file === ':memory:' ? undefined : new WalSync(`${file}-wal`) };
	} catch (error) {
		lock?.release();
		throw new StoreError(`STORE_URL: cannot open the SQLite database ${file}: ${(error as Error).message}`);
	}
}

async function openRedis(url: string, logger: Logger): Promise<Backend> {
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
	return { keyv: createKeyv(adapter, logger), sql: undefined, kind: 'redis', redis: client, lock: undefined, wal: undefined };
}

function createKeyv(adapter: KeyvStoreAdapter, logger: Logger): Keyv {
	const keyv = new Keyv({ store: adapter, namespace: NAMESPACE, throwOnErrors: true });
	// Without a listener an adapter error event would crash the process.
	keyv.on('error', (error: unknown) => logger.error({ err: error }, 'store error'));
	return keyv;
}
