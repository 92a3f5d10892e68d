// A Keyv store adapter over Node's built-in synchronous SQLite (node:sqlite), on the same table @keyv/sqlite
// writes (`keyv(key, value)`), so existing data files open unchanged.
// Why: every query through the sqlite3 package is a round trip to the libuv thread pool, and a write block makes
// about a dozen of them one after another. Under a burst of /imagine those hops queue behind everything else
// on the event loop and the serialized reservations wait on each other (most of the acknowledgement time).
// Synchronous statements take microseconds, so a whole write block completes within one turn of the loop.
import { EventEmitter } from 'node:events';
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { KeyvStoreAdapter, StoredData } from 'keyv';

const TABLE = 'keyv';

export class SqliteSyncAdapter extends EventEmitter implements KeyvStoreAdapter {
	readonly opts = { dialect: 'sqlite', table: TABLE };
	namespace?: string;
	private readonly select: StatementSync;
	private readonly upsert: StatementSync;
	private readonly remove: StatementSync;

	constructor(private readonly db: DatabaseSync) {
		super();
		db.exec(`CREATE TABLE IF NOT EXISTS ${TABLE}(key VARCHAR(255) PRIMARY KEY, value TEXT )`);
		this.select = db.prepare(`SELECT value FROM ${TABLE} WHERE key = ?`);
		this.upsert = db.prepare(`INSERT INTO ${TABLE} (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`);
		this.remove = db.prepare(`DELETE FROM ${TABLE} WHERE key = ?`);
	}

	/** Runs SQL on the same connection: rows for a query with parameters (or a SELECT), nothing otherwise. */
	query(sql: string, params: unknown[] = []): unknown[] | undefined {
		if (params.length === 0 && !/^\s*(SELECT|PRAGMA\s+\w+\s*$)/i.test(sql)) {
			this.db.exec(sql);
			return undefined;
		}
		return this.db.prepare(sql).all(...(params as Array<string | number | bigint | null>));
	}

	get<Value>(key: string): Promise<StoredData<Value> | undefined> {
		const row = this.select.get(key) as { value?: unknown } | undefined;
		return Promise.resolve(typeof row?.value === 'string' ? (row.value as StoredData<Value>) : undefined);
	}

	set(key: string, value: unknown): Promise<void> {
		if (typeof value !== 'string') return Promise.reject(new TypeError('SqliteSyncAdapter stores serialized strings only'));
		this.upsert.run(key, value);
		return Promise.resolve();
	}

	delete(key: string): Promise<boolean> {
		return Promise.resolve(Number(this.remove.run(key).changes) > 0);
	}

	has(key: string): Promise<boolean> {
		return Promise.resolve(this.select.get(key) !== undefined);
	}

	clear(): Promise<void> {
		this.db.prepare(`DELETE FROM ${TABLE} WHERE key LIKE ?`).run(this.namespace ? `${this.namespace}:%` : '%');
		return Promise.resolve();
	}

	disconnect(): Promise<void> {
		if (this.db.isOpen) this.db.close();
		return Promise.resolve();
	}
}
