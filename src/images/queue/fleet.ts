// The fleet's waiting line (Redis mode): one BullMQ queue shared by every bot process. Job ids come from the
// interaction (a job is never queued twice), MAX_CONCURRENT_JOBS is BullMQ's global concurrency, and a job
// held by a process that stops answering is taken over once its lock lapses (stalled-job recovery). The job
// itself lives in the vault; BullMQ carries only its id, so whoever picks it up resumes from its stored state.
import type { RedisClientType } from '@keyv/redis';
import { Queue, Worker, type Job as BullJob } from 'bullmq';
import type { JobExecutor } from '../executor.js';
import type { Vault } from '../../vault/vault.js';
import type { Job } from '../../records/job.js';
import type { Logger } from '../../log.js';
import type { Metrics } from '../../metrics.js';
import type { JobQueue, QueueStats } from './queue.js';

const QUEUE = 'imagine-jobs';
/** BullMQ refuses ids that look like integers, and interaction ids are snowflakes. */
const bullId = (jobId: string) => `job-${jobId}`;

export interface FleetQueueOptions {
	client: RedisClientType;
	vault: Pick<Vault, 'openJobs'>;
	maxConcurrent: number;
	/** How long a process may go silent before another takes its jobs over. */
	lockMs: number;
	logger: Logger;
	metrics: Metrics;
}

export class FleetQueue implements JobQueue {
	readonly kind = 'fleet' as const;
	private readonly queue: Queue<{ id: string }>;
	private worker: Worker<{ id: string }> | undefined;
	/** Jobs running on this process, with how to abort them at shutdown. */
	private readonly running = new Map<string, AbortController>();
	/** Jobs this process queued and has not yet seen start: it keeps their place in line up to date. */
	private readonly waitingHere = new Map<string, Job>();
	private timers: NodeJS.Timeout[] = [];
	private queuedCount = 0;
	private stopping = false;

	constructor(
		private readonly executor: JobExecutor,
		private readonly o: FleetQueueOptions,
	) {
		this.queue = new Queue(QUEUE, { connection: o.client, prefix: 'ib:q', defaultJobOptions: { removeOnComplete: true, removeOnFail: true } });
		this.queue.on('error', (error: unknown) => o.logger.warn({ err: error }, 'job queue error'));
	}

	get accepting(): boolean {
		return !this.stopping;
	}

	/** The fleet counts members' jobs inside the vault's atomic step; nothing to claim here. */
	claim(): () => void {
		return () => undefined;
	}

	/** `release` is a no-op here: the vault frees the member's slot when the job closes, on whichever process. */
	async enqueue(job: Job): Promise<void> {
		this.waitingHere.set(job.id, job);
		await this.queue.add('image', { id: job.id }, { jobId: bullId(job.id) });
		void this.updatePlaces();
	}

	/**
	 * Starts this process's worker and sweeps for open jobs no queue knows about (a process died between storing
	 * a job and queueing it, or a job was left open at shutdown): they are queued again, under the same id.
	 */
	async resume(): Promise<number> {
		await this.queue.setGlobalConcurrency(this.o.maxConcurrent);
		this.worker = new Worker(QUEUE, (bull) => this.process(bull), {
			connection: this.o.client,
			prefix: 'ib:q',
			concurrency: this.o.maxConcurrent,
			lockDuration: this.o.lockMs,
			stalledInterval: Math.max(1000, Math.floor(this.o.lockMs / 2)),
			// A job whose process keeps dying is still only a job: keep taking it over.
			maxStalledCount: 1000,
		});
		this.worker.on('error', (error: unknown) => this.o.logger.warn({ err: error }, 'job worker error'));
		// A process stopped renewing its lock (it died or froze): its job goes back in line for any process.
		this.worker.on('stalled', (bullJobId: string) => this.o.logger.warn({ bullJobId }, 'job stalled: its process stopped answering; queued again'));
		this.worker.on('failed', (bull: BullJob<{ id: string }> | undefined, error: Error) =>
			this.o.logger.error({ err: error, jobId: bull?.data.id }, 'job failed in the queue; the open-job sweep will queue it again'),
		);
		this.timers.push(
			setInterval(() => void this.sweep().catch((error: unknown) => this.o.logger.warn({ err: error }, 'open-job sweep failed')), 15_000).unref(),
		);
		this.timers.push(setInterval(() => void this.updatePlaces(), 2000).unref());
		return this.sweep(0);
	}

	private async sweep(minAgeMs = 15_000): Promise<number> {
		let queued = 0;
		for (const { id, createdAt } of await this.o.vault.openJobs()) {
			if (Date.now() - createdAt < minAgeMs || this.running.has(id)) continue;
			if (await this.queue.getJob(bullId(id))) continue;
			// The same id: if another process queued it meanwhile, BullMQ keeps one.
			await this.queue.add('image', { id }, { jobId: bullId(id) });
			this.o.logger.info({ jobId: id }, 'open job queued again');
			queued += 1;
		}
		return queued;
	}

	private async process(bull: BullJob<{ id: string }>): Promise<void> {
		const id = bull.data.id;
		const queuedHere = this.waitingHere.delete(id);
		const job = await this.executor.runnable(id);
		if (!job) return;
		const abort = new AbortController();
		this.running.set(id, abort);
		this.o.metrics.runningJobs.set(this.running.size);
		try {
			// Queued by another process, or left half-done by one that died: say where it stood when this one took it.
			if (!queuedHere || job.state !== 'reserved') this.o.logger.info({ jobId: id, state: job.state, taskId: job.taskId }, 'picked up job from the fleet');
			await this.executor.run(job, abort.signal);
		} finally {
			this.running.delete(id);
			this.o.metrics.runningJobs.set(this.running.size);
		}
	}

	/** Places in line are fleet-wide: the shared queue's order, shown for the jobs this process queued. */
	private async updatePlaces(): Promise<void> {
		try {
			const waiting = await this.queue.getJobs(['waiting', 'prioritized'], 0, 500, true);
			this.queuedCount = waiting.length;
			this.o.metrics.queueLength.set(waiting.length);
			const stillWaiting = new Set<string>();
			waiting.forEach((bull, index) => {
				const job = this.waitingHere.get(bull.data.id);
				if (!job) return;
				stillWaiting.add(job.id);
				this.executor.progress(job).update('waiting', index + 1);
			});
			// Jobs another process started are no longer this one's to show.
			for (const id of this.waitingHere.keys()) if (!stillWaiting.has(id) && !this.running.has(id)) this.waitingHere.delete(id);
		} catch (error) {
			this.o.logger.debug({ err: error }, 'could not read places in line');
		}
	}

	async stop(graceMs: number): Promise<{ finished: number; leftOpen: number }> {
		this.stopping = true;
		for (const timer of this.timers) clearInterval(timer);
		const waiting = [...this.waitingHere.keys()];
		await Promise.all(waiting.map((id) => this.executor.dropProgress(id)));
		const running = this.running.size;
		let aborted = 0;
		// Stop fetching at once; running jobs get the grace, then are aborted and stay open (another process, or
		// this one's next start, picks them up).
		const closing = this.worker?.close() ?? Promise.resolve();
		const timer = setTimeout(() => {
			for (const abort of this.running.values()) {
				abort.abort();
				aborted += 1;
			}
		}, graceMs);
		await closing;
		clearTimeout(timer);
		await this.queue.close();
		return { finished: running - aborted, leftOpen: aborted };
	}

	stats(): QueueStats {
		return { running: this.running.size, queued: this.queuedCount };
	}
}
