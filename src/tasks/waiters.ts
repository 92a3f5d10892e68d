// Which job waits for which hiapi task, so a callback can wake it. hiapi delivers callbacks at least once, maybe
// twice or concurrently: each task wakes its job at most once, and a report that arrives before the job started
// waiting (a fast task, a busy store) is kept briefly rather than lost.
import type { TaskSnapshot } from '../hiapi/index.js';
import { BoundedSet } from '../util/bounded-set.js';

/** Reports for tasks nobody waits for yet are kept this long, at most EARLY_MAX of them. */
const EARLY_TTL_MS = 10 * 60_000;
const EARLY_MAX = 1000;
/** Finished tasks remembered, so a late duplicate is recognised as one. */
const DONE_MAX = 10_000;

export interface Pushed {
	snapshot: TaskSnapshot;
	/** When the report arrived (epoch ms). */
	at: number;
}

export type DeliverResult = 'woke' | 'duplicate' | 'unknown' | 'not-final';

interface Waiter {
	resolve: (p: Pushed) => void;
	woken: boolean;
}

export class TaskWaiters {
	private readonly waiting = new Map<string, Waiter>();
	private readonly early = new Map<string, Pushed>();
	private readonly done = new BoundedSet<string>(DONE_MAX);

	constructor(private readonly now: () => number = Date.now) {}

	/** Starts waiting for `taskId`: `pushed` resolves with the first final report for it. Call `release` when done. */
	register(taskId: string): { pushed: Promise<Pushed>; release: () => void } {
		let resolve: (p: Pushed) => void = () => undefined;
		const pushed = new Promise<Pushed>((r) => (resolve = r));
		const waiter: Waiter = { resolve, woken: false };
		this.waiting.set(taskId, waiter);
		const early = this.early.get(taskId);
		if (early) {
			this.early.delete(taskId);
			this.wake(waiter, early);
		}
		return {
			pushed,
			release: () => {
				if (this.waiting.get(taskId) === waiter) this.waiting.delete(taskId);
				this.done.add(taskId);
			},
		};
	}

	/** A verified report from hiapi. Only final ones (success or failure) wake a job. */
	deliver(snapshot: TaskSnapshot, at: number = this.now()): DeliverResult {
		if (snapshot.phase !== 'success' && snapshot.phase !== 'failed') return 'not-final';
		const waiter = this.waiting.get(snapshot.taskId);
		if (waiter) {
			if (waiter.woken) return 'duplicate';
			this.wake(waiter, { snapshot, at });
			return 'woke';
		}
		if (this.done.has(snapshot.taskId) || this.early.has(snapshot.taskId)) return 'duplicate';
		this.keepEarly(snapshot.taskId, { snapshot, at });
		return 'unknown';
	}

	get waitingCount(): number {
		return this.waiting.size;
	}

	private wake(waiter: Waiter, pushed: Pushed): void {
		waiter.woken = true;
		waiter.resolve(pushed);
	}

	private keepEarly(taskId: string, pushed: Pushed): void {
		const cutoff = this.now() - EARLY_TTL_MS;
		for (const [id, p] of this.early) {
			if (p.at >= cutoff && this.early.size < EARLY_MAX) break;
			this.early.delete(id); // oldest first (insertion order)
		}
		this.early.set(taskId, pushed);
	}
}
