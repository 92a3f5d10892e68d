// Which job waits for which hiapi task, so a verified callback can wake it. A wake only makes the job poll hiapi at
// once; hiapi's answer decides. hiapi delivers callbacks at least once, maybe twice or concurrently, and a report
// that arrives before the job started waiting (a fast task, a busy store) is kept briefly rather than lost.
import type { TaskSnapshot } from '../hiapi/index.js';
import { BoundedSet } from '../util/bounded-set.js';

/** Reports for tasks nobody waits for yet are kept this long, at most EARLY_MAX of them. */
const EARLY_TTL_MS = 10 * 60_000;
const EARLY_MAX = 1000;
/** Finished tasks remembered, so a late duplicate is recognised as one. */
const DONE_MAX = 10_000;

/** 'woke': the first report for a waiting task; 'duplicate': a later one, or one for a task already done. */
export type DeliverResult = 'woke' | 'duplicate' | 'unknown' | 'not-final';

export interface Registration {
	/** Subscribes the job's wait: `ring(at)` for every final report (at: its arrival, epoch ms). Returns the unsubscribe. */
	wakes: (ring: (at: number) => void) => () => void;
	release: () => void;
}

interface Waiter {
	ring: ((at: number) => void) | undefined;
	/** A report that came before the wait subscribed. */
	missed: number | undefined;
	woken: boolean;
}

export class TaskWaiters {
	private readonly waiting = new Map<string, Waiter>();
	private readonly early = new Map<string, number>();
	private readonly done = new BoundedSet<string>(DONE_MAX);

	constructor(private readonly now: () => number = Date.now) {}

	/** Starts waiting for `taskId`. Call `release` when the wait is over. */
	register(taskId: string): Registration {
		const waiter: Waiter = { ring: undefined, missed: this.early.get(taskId), woken: false };
		this.early.delete(taskId);
		waiter.woken = waiter.missed !== undefined;
		this.waiting.set(taskId, waiter);
		return {
			wakes: (ring) => {
				waiter.ring = ring;
				const missed = waiter.missed;
				waiter.missed = undefined;
				if (missed !== undefined) ring(missed);
				return () => {
					if (waiter.ring === ring) waiter.ring = undefined;
				};
			},
			release: () => {
				if (this.waiting.get(taskId) === waiter) this.waiting.delete(taskId);
				this.done.add(taskId);
			},
		};
	}

	/**
	 * A verified report from hiapi (only its task id and phase are read). A final one wakes the task's job, every
	 * time: the job polls hiapi, so a report that came too early (hiapi still says running) is followed by the next.
	 */
	deliver(report: Pick<TaskSnapshot, 'taskId' | 'phase'>, at: number = this.now()): DeliverResult {
		if (report.phase !== 'success' && report.phase !== 'failed') return 'not-final';
		const waiter = this.waiting.get(report.taskId);
		if (waiter) {
			const first = !waiter.woken;
			waiter.woken = true;
			if (waiter.ring) waiter.ring(at);
			else waiter.missed ??= at;
			return first ? 'woke' : 'duplicate';
		}
		if (this.done.has(report.taskId) || this.early.has(report.taskId)) return 'duplicate';
		this.keepEarly(report.taskId, at);
		return 'unknown';
	}

	get waitingCount(): number {
		return this.waiting.size;
	}

	private keepEarly(taskId: string, at: number): void {
		const cutoff = this.now() - EARLY_TTL_MS;
		for (const [id, arrived] of this.early) {
			if (arrived >= cutoff && this.early.size < EARLY_MAX) break;
			this.early.delete(id); // oldest first (insertion order)
		}
		this.early.set(taskId, at);
	}
}
