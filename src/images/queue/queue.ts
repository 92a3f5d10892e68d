// Which job runs when, behind one small interface: in process (SQLite, one bot) or across the fleet (BullMQ
// on Redis). Both hand every job to the same JobExecutor; only the waiting line and its limits differ.
import type { Job } from '../../records/job.js';

export interface QueueStats {
	running: number;
	queued: number;
}

export interface JobQueue {
	readonly kind: 'local' | 'fleet';
	/** False once stop() has begun: new images are refused ("restarting"). */
	readonly accepting: boolean;
	/**
	 * Claims one of the member's job slots synchronously, so two simultaneous commands cannot both pass; undefined
	 * when they are at MAX_JOBS_PER_USER. (The fleet counts inside the vault's atomic step instead.)
	 */
	claim(userId: string): (() => void) | undefined;
	/** Queues a created job; `release` frees the member's slot when it ends here. If it fails, the job stays open in the vault. */
	enqueue(job: Job, release: () => void): Promise<void>;
	/** Picks up jobs left open (a restart, or a process of the fleet that died). Returns how many. */
	resume(): Promise<number>;
	/** Stops taking jobs (accepting turns false), lets running ones finish for up to graceMs, then leaves the rest open for later. */
	stop(graceMs: number): Promise<{ finished: number; leftOpen: number }>;
	stats(): QueueStats;
}
