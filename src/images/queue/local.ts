// The in-process waiting line (SQLite mode): FIFO under MAX_CONCURRENT_JOBS, MAX_JOBS_PER_USER counted here,
// places in line shown to members as they move. Open jobs are picked up at start-up and then by a sweep every
// 15 s (as the fleet's queue does), so a job whose close failed (a refund, a delivered image's commit) is
// finished without waiting for a restart.
import { setTimeout as sleep } from 'node:timers/promises';
import type { JobExecutor } from '../executor.js';
import type { Vault } from '../../vault/vault.js';
import type { Job } from '../../records/job.js';
import type { Logger } from '../../log.js';
import type { Metrics } from '../../metrics.js';
import type { JobQueue, QueueStats } from './queue.js';

type Running = { job: Job; abort: AbortController; done: Promise<void> };

export interface LocalQueueOptions {
	vault: Pick<Vault, 'openJobs'>;
	maxConcurrent: number;
	maxPerUser: number;
	logger: Logger;
	metrics: Metrics;
	/** How often open jobs nobody here runs or holds are picked up (default 15 s). */
	sweepEveryMs?: number;
	/** Younger open jobs are left to the command that is still queueing them (default 15 s). */
	sweepMinAgeMs?: number;
}

const SWEEP_MS = 15_000;

export class LocalQueue implements JobQueue {
	readonly kind = 'local' as const;
	private readonly waiting: Job[] = [];
	private readonly running = new Map<string, Running>();
	/** Slots claimed per member: queued + running + being created. */
	private readonly perUser = new Map<string, number>();
	private readonly releases = new Map<string, () => void>();
	private stopping = false;
	private sweeping = false;
	private timer: NodeJS.Timeout | undefined;

	constructor(
		private readonly executor: JobExecutor,
		private readonly o: LocalQueueOptions,
	) {}

	get accepting(): boolean {
		return !this.stopping;
	}

	claim(userId: string): (() => void) | undefined {
		if ((this.perUser.get(userId) ?? 0) >= this.o.maxPerUser) return undefined;
		return this.take(userId);
	}

	private take(userId: string): () => void {
		this.perUser.set(userId, (this.perUser.get(userId) ?? 0) + 1);
		let released = false;
		return () => {
			if (released) return;
			released = true;
			const left = (this.perUser.get(userId) ?? 1) - 1;
			if (left <= 0) this.perUser.delete(userId);
			else this.perUser.set(userId, left);
		};
	}

	enqueue(job: Job, release: () => void): Promise<void> {
		// A job is in line at most once: the sweep and the command that opened it may both hand it over.
		if (this.holds(job.id)) {
			release();
			return Promise.resolve();
		}
		this.waiting.push(job);
		this.releases.set(job.id, release);
		this.pump();
		return Promise.resolve();
	}

	/** Picks up every open job now, then keeps sweeping for ones left open while running. */
	async resume(): Promise<number> {
		const resumed = await this.sweep(0);
		this.timer ??= setInterval(
			() => void this.sweep(this.o.sweepMinAgeMs ?? SWEEP_MS).catch((error: unknown) => this.o.logger.warn({ err: error }, 'open-job sweep failed')),
			this.o.sweepEveryMs ?? SWEEP_MS,
		).unref();
		return resumed;
	}

	private holds(id: string): boolean {
		return this.running.has(id) || this.waiting.some((j) => j.id === id);
	}

	/** Queues open jobs at least `minAgeMs` old that this process neither runs nor holds in line. */
	private async sweep(minAgeMs: number): Promise<number> {
		if (this.sweeping || this.stopping) return 0;
		this.sweeping = true;
		let resumed = 0;
		try {
			for (const { id, createdAt } of await this.o.vault.openJobs()) {
				if (this.stopping) break;
				if (Date.now() - createdAt < minAgeMs || this.holds(id)) continue;
				try {
					// runnable() also finishes what needs no run: a closed job's reservation, a delivered image's commit.
					const job = await this.executor.runnable(id);
					if (!job || this.holds(id)) continue;
					this.o.logger.info({ jobId: job.id, userId: job.userId, guildId: job.guildId, taskId: job.taskId, state: job.state }, 'resuming job');
					// Resumed jobs count against the member's limit even if that means going over it briefly.
					await this.enqueue(job, this.take(job.userId));
					resumed += 1;
				} catch (error) {
					this.o.logger.warn({ err: error, jobId: id }, 'could not pick up an open job; the next sweep tries again');
				}
			}
		} finally {
			this.sweeping = false;
		}
		return resumed;
	}

	async stop(graceMs: number): Promise<{ finished: number; leftOpen: number }> {
		this.stopping = true;
		if (this.timer) clearInterval(this.timer);
		const waiting = this.waiting.splice(0);
		this.o.metrics.queueLength.set(0);
		await Promise.all(waiting.map((job) => this.executor.dropProgress(job.id)));
		const running = [...this.running.values()];
		const all = Promise.allSettled(running.map((r) => r.done));
		const timedOut = await Promise.race([all.then(() => false), sleep(graceMs, true, { ref: false })]);
		if (timedOut) for (const r of this.running.values()) r.abort.abort();
		await all;
		const aborted = running.filter((r) => r.abort.signal.aborted).length;
		return { finished: running.length - aborted, leftOpen: waiting.length + aborted };
	}

	stats(): QueueStats {
		return { running: this.running.size, queued: this.waiting.length };
	}

	private pump(): void {
		while (!this.stopping && this.running.size < this.o.maxConcurrent && this.waiting.length > 0) {
			const job = this.waiting.shift() as Job;
			const abort = new AbortController();
			const entry: Running = { job, abort, done: Promise.resolve() };
			this.running.set(job.id, entry);
			entry.done = this.executor
				.run(job, abort.signal)
				.catch((error: unknown) => this.o.logger.error({ err: error, jobId: job.id }, 'job runner crashed'))
				.finally(() => {
					this.running.delete(job.id);
					if (!abort.signal.aborted) {
						this.releases.get(job.id)?.();
						this.releases.delete(job.id);
					}
					this.o.metrics.runningJobs.set(this.running.size);
					this.pump();
				});
		}
		this.o.metrics.runningJobs.set(this.running.size);
		this.o.metrics.queueLength.set(this.waiting.length);
		// Tell everyone still waiting where they stand.
		this.waiting.forEach((job, index) => this.executor.progress(job).update('waiting', index + 1));
	}
}
