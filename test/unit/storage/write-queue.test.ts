// The write queue's durability rule: on SQLite a write (and its after-commit hooks) is reported done only once
// the WAL holding its commit has been synced, off the main thread; batches settle in commit order; a failed sync
// fails the writes it covered. A real SQLite file under a real WriteQueue; the WAL sync is gated by the test.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { SqlQuery } from '../../../src/storage/open-store.js';
import { Store } from '../../../src/storage/store.js';
import { StoreError } from '../../../src/storage/store-errors.js';
import { WalSync } from '../../../src/storage/wal-sync.js';
import { WriteQueue } from '../../../src/storage/write-queue.js';

const logger = pino({ level: 'silent' });
let dir: string;

afterEach(() => rmSync(dir, { recursive: true, force: true }));

interface Tx {
	set(key: string, value: string): void;
	afterCommit(fn: () => void): void;
}

/** A WAL sync the test opens by hand, one gate per call. */
class GatedSync {
	readonly calls: Array<{ open: () => void; fail: (e: Error) => void }> = [];
	sync(): Promise<void> {
		return new Promise((resolve, reject) => this.calls.push({ open: resolve, fail: reject }));
	}
}

function setup() {
	dir = mkdtempSync(join(tmpdir(), 'write-queue-'));
	const db = new DatabaseSync(join(dir, 'q.sqlite'));
	db.exec('PRAGMA journal_mode = WAL');
	db.exec('CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT)');
	const sql: SqlQuery = (statement) => Promise.resolve(db.exec(statement));
	const wal = new GatedSync();
	const queue = new WriteQueue<Tx>(
		(afterCommit) => ({ set: (k, v) => db.prepare('INSERT OR REPLACE INTO kv VALUES (?, ?)').run(k, v), afterCommit }),
		sql,
		logger,
		wal,
	);
	const read = (k: string) => (db.prepare('SELECT v FROM kv WHERE k = ?').get(k) as { v?: string } | undefined)?.v;
	return { queue, wal, read };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('WriteQueue on SQLite', () => {
	it('reports a write and runs its hooks only once its commit is synced to disk', async () => {
		const { queue, wal, read } = setup();
		const events: string[] = [];
		const write = queue.run((tx) => {
			tx.set('a', '1');
			tx.afterCommit(() => events.push('hook'));
			return Promise.resolve('done');
		});
		void write.then(() => events.push('resolved'));
		for (let i = 0; i < 5 && wal.calls.length === 0; i++) await tick();
		expect(wal.calls).toHaveLength(1);
		expect(read('a')).toBe('1'); // committed…
		await tick();
		expect(events).toEqual([]); // …but not reported before the sync
		wal.calls[0]?.open();
		expect(await write).toBe('done');
		expect(events).toEqual(['hook', 'resolved']);
	});

	it('lets the next batch run while a sync is pending, and settles batches in commit order', async () => {
		const { queue, wal } = setup();
		const order: string[] = [];
		const first = queue.run((tx) => Promise.resolve(tx.set('a', '1'))).then(() => order.push('first'));
		for (let i = 0; i < 5 && wal.calls.length < 1; i++) await tick();
		const second = queue.run((tx) => Promise.resolve(tx.set('b', '2'))).then(() => order.push('second'));
		for (let i = 0; i < 5 && wal.calls.length < 2; i++) await tick();
		expect(wal.calls).toHaveLength(2); // the second batch committed while the first waited for its sync
		wal.calls[1]?.open(); // the later sync finishes first…
		await tick();
		expect(order).toEqual([]); // …yet nothing settles ahead of the first batch
		wal.calls[0]?.open();
		await Promise.all([first, second]);
		expect(order).toEqual(['first', 'second']);
	});

	it('fails the writes of a batch whose sync failed (their durability is unknown)', async () => {
		const { queue, wal } = setup();
		const write = queue.run((tx) => Promise.resolve(tx.set('a', '1')));
		for (let i = 0; i < 5 && wal.calls.length === 0; i++) await tick();
		wal.calls[0]?.fail(new Error('EIO'));
		await expect(write).rejects.toThrow(StoreError);
		await expect(write).rejects.toThrow(/could not confirm a write reached the disk: EIO/);
	});
});

describe('Store on a SQLite file', () => {
	it('commits without an fsync on the main thread (synchronous=NORMAL) and syncs the WAL before a write is done', async () => {
		dir = mkdtempSync(join(tmpdir(), 'write-queue-'));
		const store = await Store.open(`sqlite://${join(dir, 'store.sqlite')}`, logger);
		const syncs: number[] = [];
		const original = Object.getOwnPropertyDescriptor(WalSync.prototype, 'sync')?.value as (this: WalSync) => Promise<void>;
		WalSync.prototype.sync = function (this: WalSync) {
			syncs.push(Date.now());
			return original.call(this);
		};
		try {
			await store.write((tx) => tx.set('k', { v: 1 }));
			await store.write((tx) => tx.set('k', { v: 2 }));
			expect(syncs).toHaveLength(2);
		} finally {
			WalSync.prototype.sync = original;
			await store.close();
		}
		const db = new DatabaseSync(join(dir, 'store.sqlite'));
		try {
			expect(db.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
		} finally {
			db.close();
		}
	});
});
