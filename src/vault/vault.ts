// vault/: the two atomic money-and-job steps (open, close) and their stored state: local (SQLite transaction) or redis (Lua).
// The vault: where money and jobs are kept, behind one small interface with the two atomic steps the bot
// relies on. `open` checks every limit and, in one step, holds the price of every image asked for (price ×
// count), records the reservation and stores the job; `close` ends the reservation exactly once together with
// the job's final record: it commits the images delivered (k × price, all of a batch or part of it) and
// releases the rest.
// Locally that step is one SQLite transaction; on Redis it is one Lua script, so it holds across processes.
import { chargedImages, heldAmount, type Job } from '../records/job.js';
import type { Reservation } from '../records/budget.js';
import type { Read } from '../records/read.js';

export interface Counter {
	spent: number;
	reserved: number;
	images: number;
}

/** A member's account, their scope's pool (server or DMs) and the operator's pool, in one period. */
export interface Counters {
	account: Counter & { name?: string };
	pool: Counter;
	global: Counter;
	/** One of them could not be read: nothing may be reserved against it. */
	corrupt: boolean;
}

/** Limits for one reservation, resolved by the ledger (undefined = none). All integer micro-dollars. */
export interface Limits {
	user: number;
	guildCap: number | undefined;
	global: number | undefined;
}

export interface OpenRequest {
	/** The job as it will be stored (state 'reserved'); its id is also the reservation id. */
	job: Job;
	/** 'dm' for DMs, else the guild id. */
	scope: string;
	periodKey: string;
	limits: Limits;
	/** MAX_JOBS_PER_USER enforced here (fleet-wide) when set; the local queue counts in process instead. */
	maxActivePerUser?: number;
	now: number;
}

export type RefusalReason = 'user' | 'guild' | 'global' | 'corrupt';

export type OpenResult =
	| { status: 'created'; counters: Counters }
	| { status: 'refused'; reason: RefusalReason; counters: Counters }
	/** The member already has MAX_JOBS_PER_USER images in progress (fleet mode). */
	| { status: 'busy'; counters: Counters }
	/** This id already has a reservation or a job (a repeated interaction): nothing was changed. */
	| { status: 'duplicate' };

/**
 * What both vaults refuse before touching storage, the same way (a RangeError): an amount (price × count)
 * that is not a positive safe integer of micro-dollars (a price of 0 would fit every limit), and a limit that
 * is not a non-negative safe integer (NaN would compare false and let everything through). Returns the amount.
 */
export function checkOpen(request: OpenRequest): number {
	const count = request.job.count ?? 1;
	if (!Number.isSafeInteger(count) || count < 1) throw new RangeError(`count must be a positive integer, got ${count}`);
	const amount = heldAmount(request.job);
	if (!Number.isSafeInteger(amount) || amount <= 0) throw new RangeError(`reservation amount must be a positive integer of micro-dollars, got ${amount}`);
	const limits: Array<[string, number | undefined]> = [
		['limits.user', request.limits.user],
		['limits.guildCap', request.limits.guildCap],
		['limits.global', request.limits.global],
		['maxActivePerUser', request.maxActivePerUser],
	];
	for (const [name, value] of limits) {
		if (value !== undefined && (!Number.isSafeInteger(value) || value < 0)) throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
	}
	return amount;
}

export interface CloseRequest {
	/** The job's final record (state 'delivered' or 'refunded', finishedAt set). */
	job: Job & { finishedAt: number };
	/** The server cap in force, for the 80 % / 100 % notes (undefined or 0 = none). */
	guildCap: number | undefined;
}

/** How a reservation ends: committed for `images` delivered (`charge` = images × price, the rest released) or refunded whole. */
export type Ending = { ended: 'committed'; images: number; charge: number } | { ended: 'refunded'; images: 0; charge: 0 };

/**
 * What both vaults refuse to close, the same way (a RangeError): a job that is not final, has no finish time,
 * or is delivered with no image (or more than it asked for) to charge. A vault never charges more than it holds.
 */
export function checkClose(request: CloseRequest): Ending {
	const { job } = request;
	if (!Number.isFinite(job.finishedAt)) throw new RangeError(`close needs finishedAt, got ${job.finishedAt}`);
	if (job.state === 'refunded') return { ended: 'refunded', images: 0, charge: 0 };
	if (job.state !== 'delivered') throw new RangeError(`close needs a delivered or refunded job, got state ${job.state}`);
	const images = chargedImages(job);
	if (images < 1 || images > (job.count ?? 1)) throw new RangeError(`a delivered job is charged for 1 to ${job.count ?? 1} images, got ${images}`);
	const charge = images * job.price;
	if (!Number.isSafeInteger(charge)) throw new RangeError(`charge must be a safe integer, got ${charge}`);
	return { ended: 'committed', images, charge };
}

/** What both vaults refuse to save, the same way (a RangeError): a final record (only close ends a job). */
export function checkSave(job: Job): void {
	if (job.state === 'delivered' || job.state === 'refunded') throw new RangeError(`save is for open jobs; close ends job ${job.id}`);
}

/**
 * The final record of a job whose reservation ended earlier (while the job stayed open): its state follows the
 * money, so a committed charge reads as a delivery and a refund as a refund, whatever this close asked.
 */
export function filedAs(job: CloseRequest['job'], ended: 'committed' | 'refunded'): CloseRequest['job'] {
	return { ...job, state: ended === 'committed' ? 'delivered' : 'refunded' };
}

export type CloseResult =
	| { status: 'closed'; ended: 'committed' | 'refunded'; capNotes: Array<80 | 100>; poolSpent: number }
	/** Already ended earlier (a repeat): nothing changed. */
	| { status: 'already-closed' }
	| { status: 'missing' };

export interface TopRow {
	userId: string;
	name?: string;
	spent: number;
	images: number;
}

export interface Vault {
	readonly kind: 'local' | 'redis';
	open(request: OpenRequest): Promise<OpenResult>;
	close(request: CloseRequest): Promise<CloseResult>;
	/** Stores a non-final update of an open job (state 'submitted', task id, noted on the reservation too); ignored once the job is closed. */
	save(job: Job): Promise<void>;
	/** A stored job; undefined once pruned; CORRUPT when unreadable. */
	job(id: string): Promise<Read<Job>>;
	/** Ids of open jobs, oldest first. */
	openJobs(): Promise<Array<{ id: string; createdAt: number }>>;
	/** Deletes finished jobs that ended before `cutoff`, a bounded batch at a time; returns how many went. */
	prune(cutoff: number): Promise<number>;
	counters(scope: string, periodKey: string, userId: string): Promise<Counters>;
	reservation(id: string): Promise<Reservation | undefined>;
	/** Leaders of a scope's period by spend (cost grows with the members listed, never per image). */
	top(scope: string, periodKey: string, limit: number): Promise<TopRow[]>;
	/** A scope's charges in a period, in the order they were made. */
	charges(scope: string, periodKey: string): AsyncGenerator<Reservation>;
	/** Committed spend per UTC day (YYYY-MM-DD) in a scope. */
	day(scope: string, date: string): Promise<{ spent: number; images: number }>;
	/** Zeroes a member's spend in a period (a moderator's allowance reset); returns what it was. */
	resetSpend(scope: string, periodKey: string, userId: string): Promise<number | 'corrupt'>;
	/** Releases connections (the store's own client is closed by the store). */
	dispose?(): Promise<void>;
}
