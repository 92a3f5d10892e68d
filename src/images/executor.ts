// images/: one image request end to end: start (checks, reservation, ack), the queues, the executor, delivery and progress.
// Running one job, however it is queued: reserved → submitted → delivered | refunded. Each state is stored
// (through the ledger's vault) before the step that needs it, so a job picked up again (after a restart, or
// by another process of the fleet) resumes where it was, and every reservation ends exactly once. Once the
// image is delivered it is charged: its commit is retried, then kept as "delivered, commit pending" for the
// resume path, and it is never refunded nor followed by a failure text. A batch (count > 1) runs in batch.ts.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Ledger } from '../budget/ledger.js';
import type { Standing } from '../budget/ledger-core.js';
import { expiresAtMs, HiapiError, type DownloadedImage, type HiapiClient, type HiapiErrorKind, type TaskSnapshot } from '../hiapi/index.js';
import type { Logger } from '../log.js';
import { resultReply } from '../messages/cards.js';
import type { Reply } from '../messages/reply.js';
import { failureMessage, lowBudgetText } from '../messages/texts.js';
import type { Metrics } from '../metrics.js';
import { chargedImages, finalPrompt, isJob, type Job } from '../records/job.js';
import { CORRUPT } from '../records/read.js';
import type { TaskWatch } from '../tasks/watch.js';
import { BatchFailed, runBatch } from './batch.js';
import { closeJob, jobFromReservation } from './close-job.js';
import { cardLocale, deliverReply, type Delivered, type Delivery } from './delivery.js';
import { Progress } from './progress.js';

export interface JobExecutorOptions {
	ledger: Ledger;
	hiapi: HiapiClient;
	delivery: Delivery;
	logger: Logger;
	metrics: Metrics;
	/** Waits for hiapi tasks: adaptive polling and callbacks. */
	tasks: TaskWatch;
	taskTimeoutMs: number;
	/** Waits before each retry of a delivered image's commit; after the last, it is stored as commit pending. */
	commitRetryMs?: readonly number[];
	now?: () => number;
}

const COMMIT_RETRY_MS = [250, 1000, 4000];

export class JobExecutor {
	private readonly now: () => number;
	/** Delivered jobs whose commit and commit-pending record both failed: committed by the next runnable(). */
	private readonly uncommitted = new Map<string, Job>();

	constructor(private readonly o: JobExecutorOptions) {
		this.now = o.now ?? Date.now;
	}

	/**
	 * The job to run for an open id, or undefined when there is nothing to run: a finished job's reservation is
	 * made sure to have ended, and an unreadable job is refunded from its reservation.
	 */
	async runnable(id: string): Promise<Job | undefined> {
		const job = this.uncommitted.get(id) ?? (await this.o.ledger.vault.job(id));
		if (!isJob(job)) {
			this.o.logger.error({ jobId: id, corrupt: job === CORRUPT }, 'open job record missing or unreadable; refunding its reservation');
			await this.o.ledger.close(jobFromReservation(id, await this.o.ledger.vault.reservation(id), this.now()));
			return undefined;
		}
		if (job.state === 'delivered' || job.state === 'refunded') {
			await this.o.ledger.close({ ...job, finishedAt: job.finishedAt ?? this.now() });
			return undefined;
		}
		if (job.deliveredAt !== undefined) {
			// Delivered before, its commit failed: commit it now, never run or deliver it again.
			await this.finish(job, 'delivered', job.outcome ?? 'delivered', job.deliveredAt);
			this.uncommitted.delete(id);
			this.o.metrics.spendCommitted.inc((job.price * chargedImages({ ...job, state: 'delivered' })) / 1_000_000);
			this.o.logger.info(
				{ jobId: id, taskId: job.taskId, price: job.price, deliveredAt: job.deliveredAt },
				'delivered image committed after its commit had failed',
			);
			return undefined;
		}
		return job;
	}

	private readonly progressors = new Map<string, Progress>();

	/** The progress edits of a job on this process (queues use it for places in line). */
	progress(job: Job): Progress {
		let p = this.progressors.get(job.id);
		if (!p) {
			p = new Progress(job, this.o.delivery, this.o.logger, this.now);
			this.progressors.set(job.id, p);
		}
		return p;
	}

	/** Stops a job's progress edits (it left this process's queue). */
	async dropProgress(id: string): Promise<void> {
		await this.progressors.get(id)?.close();
		this.progressors.delete(id);
	}

	/** Runs a job to its end, or until `signal` aborts (the job then stays open, to be picked up again). */
	async run(initial: Job, signal: AbortSignal): Promise<void> {
		if ((initial.count ?? 1) > 1) return this.runBatch(initial, signal);
		let job = initial;
		const log = this.o.logger.child({ jobId: job.id, interactionId: job.id, userId: job.userId, guildId: job.guildId });
		const progress = this.progress(job);
		const started = this.now();
		let delivered = false;
		try {
			if (job.state === 'reserved') {
				progress.update('submitting');
				const t0 = this.now();
				const { taskId } = await this.o.hiapi.submit(
					{ prompt: finalPrompt(job.prompt, job.style), aspectRatio: job.aspectRatio },
					{ idempotencyKey: job.id, deadline: this.now() + this.o.taskTimeoutMs, signal },
				);
				job = await this.save(job, { state: 'submitted', taskId, submittedAt: this.now() });
				log.info({ taskId, ms: this.now() - t0 }, 'task submitted');
			}
			const taskId = job.taskId as string;
			const deadline = (job.submittedAt ?? this.now()) + this.o.taskTimeoutMs;
			progress.update('queued');
			const result = await this.o.tasks.wait(taskId, {
				submittedAt: job.submittedAt ?? started,
				deadline,
				signal,
				onProgress: (s: TaskSnapshot) => progress.update(s.phase === 'queued' ? 'queued' : 'running'),
			});
			const succeededAt = this.now();
			const output = result.output[0];
			if (!output) throw new HiapiError('bad_response', 'task succeeded without output');
			this.o.metrics.hiapiLatency.observe({ op: 'task' }, (succeededAt - (job.submittedAt ?? started)) / 1000);
			let image: DownloadedImage | undefined;
			try {
				image = await this.o.hiapi.download(output.url, { maxBytes: job.attachmentSizeLimit, signal });
				this.o.metrics.hiapiLatency.observe({ op: 'download' }, (this.now() - succeededAt) / 1000);
			} catch (error) {
				if (!(error instanceof HiapiError && error.kind === 'too_large')) throw error;
				log.warn({ taskId, limit: job.attachmentSizeLimit }, 'image larger than the attachment limit; delivering a link');
			}
			await progress.close();
			const standing = await this.o.ledger.standing({ guildId: job.guildId, userId: job.userId, roleIds: job.roleIds ?? [] });
			const info = {
				prompt: job.prompt,
				aspectRatio: job.aspectRatio,
				seconds: (this.now() - job.createdAt) / 1000,
				price: job.price,
				remaining: standing.remaining,
				requesterId: job.userId,
				kind: job.kind,
				style: job.style?.name,
			};
			const reply = resultReply(job.id, info, image, { url: output.url, expiresAt: expiresAtMs(output.expireAt) }, cardLocale(job));
			const how = await this.deliver(job, reply, log, signal);
			if (how === 'undeliverable') {
				await this.finish(job, 'refunded', 'undeliverable');
				log.warn({ taskId }, 'image could not be delivered (interaction expired, no permission to post in the channel); refunded');
				return;
			}
			delivered = true;
			if (await this.commitDelivered(job, image ? `${how}:attached` : `${how}:linked`, log, signal)) {
				this.o.metrics.spendCommitted.inc(job.price / 1_000_000);
			}
			this.o.metrics.delivery.observe((this.now() - succeededAt) / 1000);
			await this.noteLowBudget(job, how, standing, log);
			log.info(
				{ taskId, how, linked: !image, bytes: image?.bytes.length, ms: this.now() - started, totalMs: this.now() - job.createdAt, price: job.price },
				'image delivered',
			);
		} catch (error) {
			await this.failed(job, error, { progress, log, delivered, signal, started });
		} finally {
			this.progressors.delete(job.id);
		}
	}

	/** A batch: its images made in parallel and delivered in one message (batch.ts), ended here like any job. */
	private async runBatch(initial: Job, signal: AbortSignal): Promise<void> {
		let job = initial;
		const log = this.o.logger.child({ jobId: job.id, interactionId: job.id, userId: job.userId, guildId: job.guildId, count: job.count });
		const progress = this.progress(job);
		const started = this.now();
		let delivered = false;
		try {
			const result = await runBatch(
				{
					...this.o,
					now: this.now,
					progress,
					log,
					standing: (j) => this.o.ledger.standing({ guildId: j.guildId, userId: j.userId, roleIds: j.roleIds ?? [] }),
					save: async (j, patch) => (job = await this.save(j, patch)),
					deliver: async (j, reply, s) => {
						const how = await this.deliver(j, reply, log, s);
						delivered = how !== 'undeliverable';
						return how;
					},
					commitDelivered: (j, outcome, s) => this.commitDelivered(j, outcome, log, s),
				},
				job,
				signal,
			);
			if (result.how === 'undeliverable') {
				await this.finish(result.job, 'refunded', 'undeliverable');
				log.warn({}, 'image could not be delivered (interaction expired, no permission to post in the channel); refunded');
			} else await this.noteLowBudget(result.job, result.how, result.standing, log);
		} catch (error) {
			await this.failed(job, error instanceof BatchFailed ? error.first : error, { progress, log, delivered, signal, started });
		} finally {
			this.progressors.delete(job.id);
		}
	}

	/** Under 20 % left: tell the requester alone, in their language (an ephemeral follow-up needs the live token). */
	private async noteLowBudget(job: Job, how: Delivered, standing: Standing, log: Logger): Promise<void> {
		if (how !== 'reply' || standing.limit <= 0 || standing.remaining * 5 >= standing.limit) return;
		const note = lowBudgetText(standing.remaining, standing.limit, job.price, standing.period.resetsAt, job.locale);
		await this.o.delivery.followUp(job, { content: note }, { ephemeral: true }).catch((error: unknown) => log.warn({ err: error }, 'low-budget note failed'));
	}

	/** A job ended without an image: refund it and say why, unless it was delivered or is only interrupted. */
	private async failed(
		job: Job,
		error: unknown,
		c: { progress: Progress; log: Logger; delivered: boolean; signal: AbortSignal; started: number },
	): Promise<void> {
		const { log, signal, started } = c;
		await c.progress.close();
		// The image is the member's now: whatever failed after it, nothing is refunded and no failure text follows.
		if (c.delivered) {
			log.error({ err: error, taskId: job.taskId }, 'error after the image was delivered; it stays charged');
			return;
		}
		if (signal.aborted) {
			log.info({ taskId: job.taskId, state: job.state }, 'job interrupted by shutdown; it resumes on the next start');
			return;
		}
		const kind: HiapiErrorKind | 'internal' = error instanceof HiapiError ? error.kind : 'internal';
		const hiapi = error instanceof HiapiError ? { status: error.status, code: error.code, upstream: error.upstreamMessage } : undefined;
		if (error instanceof HiapiError) this.o.metrics.hiapiErrors.inc({ kind });
		await this.finish(job, 'refunded', kind);
		(kind === 'internal' ? log.error.bind(log) : log.warn.bind(log))(
			{ err: error, taskId: job.taskId, kind, hiapi, ms: this.now() - started },
			'job failed; refunded',
		);
		const contentFilter = error instanceof HiapiError && /nsfw|safety|moderat|content|policy/i.test(`${error.code ?? ''} ${error.upstreamMessage ?? ''}`);
		const download = error instanceof HiapiError && error.code === 'DOWNLOAD_DEADLINE';
		await this.deliver(job, { content: failureMessage(kind, job.id, { contentFilter, download }, job.locale) }, log).catch(() => undefined);
	}

	private deliver(job: Job, reply: Reply, log: Logger, signal?: AbortSignal): Promise<Delivered> {
		return deliverReply(this.o.delivery, job, reply, log, this.now, signal);
	}

	/** Ends the job and its reservation in one atomic write. Idempotent. */
	private finish(job: Job, state: 'delivered' | 'refunded', outcome: string, at?: number): Promise<void> {
		return closeJob({ ledger: this.o.ledger, metrics: this.o.metrics, now: this.now }, job, state, outcome, at);
	}

	/**
	 * Commits a delivered image, retrying a failed commit (a busy SQLite file, a lost Redis reply: a repeat is
	 * harmless, the vault ends a reservation once). If it still fails, the job is stored as delivered with its
	 * commit pending, and remembered here in case that write fails too; runnable() commits it from the open-job
	 * sweep. Returns true when committed now.
	 */
	private async commitDelivered(job: Job, outcome: string, log: Logger, signal: AbortSignal): Promise<boolean> {
		const deliveredAt = this.now();
		let failure: unknown;
		for (const delay of [...(this.o.commitRetryMs ?? COMMIT_RETRY_MS), undefined]) {
			try {
				await this.finish(job, 'delivered', outcome, deliveredAt);
				return true;
			} catch (error) {
				failure = error;
				if (delay === undefined || signal.aborted) break;
				log.warn({ err: error, taskId: job.taskId, retryInMs: delay }, 'committing a delivered image failed; retrying');
				await sleep(delay, undefined, { signal }).catch(() => undefined);
			}
		}
		const pending: Job = { ...job, deliveredAt, outcome, updatedAt: this.now() };
		this.uncommitted.set(job.id, pending);
		const context = { err: failure, taskId: job.taskId, price: job.price };
		try {
			await this.o.ledger.vault.save(pending);
			log.error(context, 'delivered image not committed yet; stored as delivered, commit pending (the open-job sweep commits it)');
		} catch (error) {
			log.error({ ...context, saveErr: error }, 'delivered image not committed and not recorded as delivered; this process commits it on its next sweep');
		}
		return false;
	}

	/** Stores progress of an open job (the vault also notes the task on its reservation, for the export). */
	private async save(job: Job, patch: Partial<Job>): Promise<Job> {
		const next: Job = { ...job, ...patch, updatedAt: this.now() };
		await this.o.ledger.vault.save(next);
		return next;
	}
}
