// The vault on the embedded store (SQLite by default): `open` and `close` each run as one Store.write block,
// which is one SQLite transaction, and the store serializes every write in this process. One process per
// file (src/sqlite-lock.ts) makes that enough. Each operation touches a fixed set of small records, so its
// cost does not grow with the number of members who spent this period.
import { jobKeys, jobSchema, taskIdsOf, type Job } from '../records/job.js';
import {
	GLOBAL_SCOPE,
	capNotesSchema,
	counterSchema,
	dayTotalSchema,
	emptyCounter,
	heldReservation,
	indexMarkerSchema,
	keys,
	reservationSchema,
	utcDay,
	type Reservation,
	type StoredCounter,
} from '../records/budget.js';
import { type Store, type Tx } from '../storage/store.js';
import { CORRUPT, type Read } from '../records/read.js';
import {
	checkClose,
	checkOpen,
	checkSave,
	filedAs,
	type CloseRequest,
	type CloseResult,
	type Counter,
	type Counters,
	type OpenRequest,
	type OpenResult,
	type TopRow,
	type Vault,
} from './vault.js';

const MARKER = { v: 1 } as const;
const PRUNE_BATCH = 200;

/** Writes a new job and marks it open. */
async function insertJob(tx: Tx, job: Job): Promise<void> {
	await tx.set(jobKeys.job(job.id), job);
	await tx.set(jobKeys.open(job.id), MARKER);
}

/** Writes the final record, closes the job and files it for retention. */
async function closeJob(tx: Tx, job: Job & { finishedAt: number }): Promise<void> {
	await tx.set(jobKeys.job(job.id), job);
	await tx.delete(jobKeys.open(job.id));
	await tx.set(jobKeys.done(job.finishedAt, job.id), MARKER);
}

const counterOf = (read: Read<StoredCounter>): Counter => (read === undefined || read === CORRUPT ? emptyCounter() : read);

export class LocalVault implements Vault {
	readonly kind = 'local' as const;

	constructor(private readonly store: Store) {}

	async open(request: OpenRequest): Promise<OpenResult> {
		const amount = checkOpen(request);
		const { job, scope, periodKey, limits } = request;
		return this.store.write(async (tx): Promise<OpenResult> => {
			if ((await tx.get(keys.reservation(job.id), reservationSchema)) !== undefined) return { status: 'duplicate' };
			if ((await tx.get(jobKeys.job(job.id), jobSchema)) !== undefined) return { status: 'duplicate' };
			const counters = await this.countersIn(tx, scope, periodKey, job.userId);
			const over = (c: Counter, limit: number | undefined) => limit !== undefined && c.spent + c.reserved + amount > limit;
			if (counters.corrupt) return { status: 'refused', reason: 'corrupt', counters };
			if (over(counters.global, limits.global)) return { status: 'refused', reason: 'global', counters };
			if (over(counters.pool, limits.guildCap)) return { status: 'refused', reason: 'guild', counters };
			if (over(counters.account, limits.user)) return { status: 'refused', reason: 'user', counters };

			const reservation: Reservation = heldReservation(job, scope, periodKey, request.now);
			await this.adjust(tx, reservation, (c) => {
				c.reserved += amount;
			});
			await tx.set(keys.reservation(job.id), reservation);
			await tx.set(keys.reservationIndex(scope, periodKey, reservation.createdAt, job.id), MARKER);
			await insertJob(tx, job);
			return { status: 'created', counters };
		});
	}

	async close(request: CloseRequest): Promise<CloseResult> {
		const { ended, images, charge: asked } = checkClose(request);
		const { job, guildCap } = request;
		return this.store.write(async (tx): Promise<CloseResult> => {
			const open = (await tx.get(jobKeys.open(job.id), indexMarkerSchema)) !== undefined;
			const reservation = await tx.get(keys.reservation(job.id), reservationSchema);
			// Without a readable reservation there is no money to move, but an open job still ends (or it would resume forever).
			if (reservation === undefined || reservation === CORRUPT) {
				if (open) await closeJob(tx, job);
				return { status: 'missing' };
			}
			// Ended earlier: no money moves, and a job still open is filed as its reservation ended.
			if (reservation.state !== 'held') {
				if (open) await closeJob(tx, filedAs(job, reservation.state));
				return { status: 'already-closed' };
			}
			// The whole hold is released; what was delivered (never more than was held) is charged.
			const charge = Math.min(asked, reservation.amount);
			await this.adjust(tx, reservation, (c) => {
				c.reserved = Math.max(0, c.reserved - reservation.amount);
				c.spent += charge;
				c.images += images;
			});
			const taskId = taskIdsOf(job);
			await tx.set(keys.reservation(job.id), {
				...reservation,
				state: ended,
				endedAt: job.finishedAt,
				...(taskId ? { taskId } : {}),
				// Once committed, the reservation says what was charged (the export, the charges list).
				...(ended === 'committed' ? { amount: charge, images } : {}),
			});
			await closeJob(tx, job);
			const pool = counterOf(await tx.get(keys.pool(reservation.scope, reservation.periodKey), counterSchema));
			if (ended === 'refunded') return { status: 'closed', ended, capNotes: [], poolSpent: pool.spent };
			await this.addToDay(tx, reservation.scope, utcDay(job.finishedAt), charge, images);
			return { status: 'closed', ended, capNotes: await this.noteCap(tx, reservation, pool.spent, guildCap), poolSpent: pool.spent };
		});
	}

	async save(job: Job): Promise<void> {
		checkSave(job);
		return this.store.write(async (tx) => {
			// A job another run already closed keeps its final record.
			if ((await tx.get(jobKeys.open(job.id), indexMarkerSchema)) === undefined) return;
			await tx.set(jobKeys.job(job.id), job);
			const taskId = taskIdsOf(job);
			if (taskId) {
				const reservation = await tx.get(keys.reservation(job.id), reservationSchema);
				if (reservation && reservation !== CORRUPT) await tx.set(keys.reservation(job.id), { ...reservation, taskId });
			}
		});
	}

	job(id: string): Promise<Read<Job>> {
		return this.store.get(jobKeys.job(id), jobSchema);
	}

	async openJobs(): Promise<Array<{ id: string; createdAt: number }>> {
		const out: Array<{ id: string; createdAt: number }> = [];
		for await (const { key } of this.store.scan(jobKeys.openPrefix, indexMarkerSchema)) {
			const id = key.slice(jobKeys.openPrefix.length);
			const job = await this.job(id);
			out.push({ id, createdAt: job && job !== CORRUPT ? job.createdAt : 0 });
		}
		return out.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
	}

	/** Finished jobs before `cutoff` go a batch at a time (one short write each, so nothing waits long behind it). */
	async prune(cutoff: number): Promise<number> {
		let pruned = 0;
		for (;;) {
			const done: string[] = [];
			for await (const { key } of this.store.scan(jobKeys.donePrefix, indexMarkerSchema, { batch: PRUNE_BATCH })) {
				const finishedAt = Number(key.slice(jobKeys.donePrefix.length, jobKeys.donePrefix.length + 13));
				if (finishedAt >= cutoff || done.length >= PRUNE_BATCH) break;
				done.push(key);
			}
			if (done.length === 0) return pruned;
			await this.store.write(async (tx) => {
				for (const key of done) {
					await tx.delete(jobKeys.job(key.slice(jobKeys.donePrefix.length + 14)));
					await tx.delete(key);
				}
			});
			pruned += done.length;
			if (done.length < PRUNE_BATCH) return pruned;
		}
	}

	counters(scope: string, periodKey: string, userId: string): Promise<Counters> {
		// Read through a write block, so counters are never seen halfway through another operation.
		return this.store.write((tx) => this.countersIn(tx, scope, periodKey, userId));
	}

	async reservation(id: string): Promise<Reservation | undefined> {
		const read = await this.store.get(keys.reservation(id), reservationSchema);
		return read === CORRUPT ? undefined : read;
	}

	async top(scope: string, periodKey: string, limit: number): Promise<TopRow[]> {
		const prefix = keys.accountPrefix(scope, periodKey);
		const best: TopRow[] = [];
		for await (const { key, value } of this.store.scan(prefix, counterSchema)) {
			if (!value || value === CORRUPT || (value.spent === 0 && value.images === 0)) continue;
			best.push({ userId: key.slice(prefix.length), ...(value.name ? { name: value.name } : {}), spent: value.spent, images: value.images });
			// Keep only the leaders: memory stays near `limit` rows however many members spent.
			if (best.length > limit * 4) {
				best.sort(byTop);
				best.length = limit;
			}
		}
		return best.sort(byTop).slice(0, limit);
	}

	async *charges(scope: string, periodKey: string): AsyncGenerator<Reservation> {
		const prefix = keys.reservationIndexPrefix(scope, periodKey);
		for await (const { key } of this.store.scan(prefix, indexMarkerSchema)) {
			const reservation = await this.reservation(key.slice(prefix.length + 14));
			if (reservation) yield reservation;
		}
	}

	async day(scope: string, date: string): Promise<{ spent: number; images: number }> {
		const stored = await this.store.get(keys.day(scope, date), dayTotalSchema);
		return stored && stored !== CORRUPT ? { spent: stored.spent, images: stored.images } : { spent: 0, images: 0 };
	}

	resetSpend(scope: string, periodKey: string, userId: string): Promise<number | 'corrupt'> {
		return this.store.write(async (tx) => {
			const key = keys.account(scope, periodKey, userId);
			const before = await tx.get(key, counterSchema);
			// A corrupt account is replaced by an empty one: the repair moderators are told to use.
			await tx.set(key, before === undefined || before === CORRUPT ? emptyCounter() : { ...before, spent: 0 });
			return before === CORRUPT ? 'corrupt' : (before?.spent ?? 0);
		});
	}

	private async countersIn(tx: Pick<Tx, 'get'>, scope: string, periodKey: string, userId: string): Promise<Counters> {
		const [account, pool, global] = await Promise.all([
			tx.get(keys.account(scope, periodKey, userId), counterSchema),
			tx.get(keys.pool(scope, periodKey), counterSchema),
			tx.get(keys.pool(GLOBAL_SCOPE, periodKey), counterSchema),
		]);
		const name = account && account !== CORRUPT && account.name ? { name: account.name } : {};
		return {
			account: { ...plain(counterOf(account)), ...name },
			pool: plain(counterOf(pool)),
			global: plain(counterOf(global)),
			corrupt: account === CORRUPT || pool === CORRUPT || global === CORRUPT,
		};
	}

	/** Applies `change` to the member's account, the scope's pool and the global pool of the reservation's period. */
	private async adjust(tx: Tx, r: Reservation, change: (c: StoredCounter) => void): Promise<void> {
		const account = keys.account(r.scope, r.periodKey, r.userId);
		for (const key of [account, keys.pool(r.scope, r.periodKey), keys.pool(GLOBAL_SCOPE, r.periodKey)]) {
			const stored = await tx.get(key, counterSchema);
			// A corrupt record stays as it is (and blocks reservations) until a moderator resets it.
			if (stored === CORRUPT) continue;
			const next = stored ?? emptyCounter();
			change(next);
			if (key === account && r.userName) next.name = r.userName;
			await tx.set(key, next);
		}
	}

	private async addToDay(tx: Tx, scope: string, date: string, amount: number, images: number): Promise<void> {
		const key = keys.day(scope, date);
		const day = await tx.get(key, dayTotalSchema);
		const base = day === undefined || day === CORRUPT ? { spent: 0, images: 0 } : day;
		await tx.set(key, { v: 1, spent: base.spent + amount, images: base.images + images });
	}

	/** Marks 80 % and 100 % of a server's cap once per period; returns the thresholds newly reached. */
	private async noteCap(tx: Tx, r: Reservation, poolSpent: number, cap: number | undefined): Promise<Array<80 | 100>> {
		if (r.scope === 'dm' || r.scope === GLOBAL_SCOPE || cap === undefined || cap === 0) return [];
		const notesKey = keys.capNotes(r.scope, r.periodKey);
		const stored = await tx.get(notesKey, capNotesSchema);
		const sent = stored === undefined || stored === CORRUPT ? [] : stored.sent;
		const due = ([80, 100] as const).filter((t) => !sent.includes(t) && poolSpent * 100 >= cap * t);
		if (due.length > 0) await tx.set(notesKey, { v: 1, sent: [...sent, ...due] });
		return due;
	}
}

const plain = (c: Counter): Counter => ({ spent: c.spent, reserved: c.reserved, images: c.images });
const byTop = (a: TopRow, b: TopRow) => b.spent - a.spent || b.images - a.images;
