// The queue behind Store.write: write blocks run one at a time; on SQLite the queued blocks share one
// BEGIN IMMEDIATE … COMMIT (group commit, one fsync), each in its own savepoint, and settle only once that
// commit is on disk (the fsync runs off the main thread while the next batch proceeds).
import type { WalSync } from './wal-sync.js';
import type { Logger } from '../log.js';
import type { SqlQuery } from './open-store.js';
import { StoreError } from './store-errors.js';

/** How long a write waits for another process to release the database (a backup, a stray sqlite3 shell). */
const LOCK_WAIT_MS = 10_000;
/** Write blocks per transaction at most (a burst of reservations shares one commit). */
const MAX_BATCH = 64;

const isBusy = (error: unknown): boolean => /SQLITE_BUSY|database is locked/i.test(String((error as Error | undefined)?.message ?? error));

interface PendingWrite<T> {
	fn: (tx: T) => Promise<unknown>;
	resolve: (value: unknown) => void;
	reject: (error: unknown) => void;
}

type Outcome = { ok: true; result: unknown; hooks: Array<() => void> } | { ok: false; error: unknown };

/** Runs write blocks, each given the handle `T` (the store's Tx). */
export class WriteQueue<T> {
	private queued: Array<PendingWrite<T>> = [];
	private draining = false;
	private drained: Promise<void> = Promise.resolve();
	/** After-commit hooks of the block running now. */
	private pending: Array<() => void> = [];
	/** Batches committed and waiting for their fsync settle in commit order, through this chain. */
	private settling: Promise<void> = Promise.resolve();
	private readonly tx: T;

	/**
	 * `bind` builds the handle every block gets from the function that registers an after-commit hook;
	 * `sql` is the SQLite connection (undefined on Redis, where blocks are only serialized).
	 */
	constructor(
		bind: (afterCommit: (fn: () => void) => void) => T,
		private readonly sql: SqlQuery | undefined,
		private readonly logger: Logger,
		private readonly wal?: Pick<WalSync, 'sync'>,
	) {
		this.tx = bind((fn) => {
			this.pending.push(fn);
		});
	}

	/** Queues `fn`; settles once its block has committed (or failed). */
	run<R>(fn: (tx: T) => Promise<R>): Promise<R> {
		return new Promise<R>((resolve, reject) => {
			this.queued.push({ fn, resolve: resolve as (value: unknown) => void, reject });
			if (!this.draining) {
				this.draining = true;
				this.drained = this.drain();
			}
		});
	}

	/** Resolves once every queued block has settled. */
	async idle(): Promise<void> {
		while (this.draining) await this.drained;
		await this.settling;
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
	private async block(w: PendingWrite<T>): Promise<Outcome> {
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

	private settle(w: PendingWrite<T>, outcome: Outcome): void {
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
	private async runBatch(batch: Array<PendingWrite<T>>): Promise<void> {
		const sql = this.sql;
		if (!sql) {
			for (const w of batch) this.settle(w, await this.block(w));
			return;
		}
		const outcomes: Outcome[] = [];
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
		const settle = () => batch.forEach((w, i) => this.settle(w, outcomes[i] ?? { ok: false, error: new StoreError('write block lost') }));
		if (!this.wal) return settle();
		// Nothing is reported done (and no after-commit hook runs) before the commit is on disk; meanwhile the next
		// batch may run, and it settles after this one.
		const synced = this.wal.sync();
		this.settling = Promise.all([this.settling, synced]).then(settle, (error: unknown) => {
			this.logger.error({ err: error }, 'could not make a commit durable (fsync of the SQLite WAL failed)');
			for (const w of batch) w.reject(new StoreError(`the store could not confirm a write reached the disk: ${(error as Error).message}`));
		});
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
}
