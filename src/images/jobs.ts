// What commands see of jobs: create one (the atomic reservation), start it, find it for its buttons. Behind it,
// the executor runs one job to its end and the queue decides when (in process, or across the fleet).
import type { CreateResult, JobExecutor } from './executor.js';
import type { Job, NewJob } from '../records/job.js';
import type { Logger } from '../log.js';
import type { JobQueue } from './queue/queue.js';
import type { Read } from '../records/read.js';

export type { CreateResult } from './executor.js';

export class JobRunner {
	private accepting = true;

	constructor(
		readonly executor: JobExecutor,
		readonly queue: JobQueue,
		private readonly logger: Logger,
	) {}

	get isAccepting(): boolean {
		return this.accepting;
	}

	get queueLength(): number {
		return this.queue.stats().queued;
	}

	get runningCount(): number {
		return this.queue.stats().running;
	}

	/** Claims one of the member's job slots synchronously; undefined at MAX_JOBS_PER_USER. */
	claimSlot(userId: string): (() => void) | undefined {
		return this.queue.claim(userId);
	}

	/** Reserves the price and stores the job in one atomic step; once per interaction id. */
	create(input: NewJob): Promise<CreateResult> {
		return this.executor.create(input);
	}

	/** A stored job (what a button needs after any restart), undefined once pruned. */
	find(id: string): Promise<Read<Job>> {
		return this.executor.find(id);
	}

	prune(retentionMs: number): Promise<number> {
		return this.executor.prune(retentionMs);
	}

	/** Queues a created job. If queueing fails, the job stays open in the vault and is picked up later. */
	start(job: Job, release: () => void): void {
		this.queue
			.enqueue(job, release)
			.catch((error: unknown) => this.logger.error({ err: error, jobId: job.id }, 'could not queue the job; it stays open and is retried'));
	}

	/** The interaction could not be acknowledged: give the money back, nothing else to do. */
	abandon(job: Job, why: string): Promise<void> {
		return this.executor.abandon(job, why);
	}

	resume(): Promise<number> {
		return this.queue.resume();
	}

	/** Refuses new images, then lets running jobs finish for up to graceMs; the rest stay open for later. */
	stop(graceMs: number): Promise<{ finished: number; leftOpen: number }> {
		this.accepting = false;
		return this.queue.stop(graceMs);
	}
}
