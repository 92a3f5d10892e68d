// The /imagine job lifecycle: reserved → submitted → delivered | refunded.
// Each state is written to the store before the step that depends on it, so a restart resumes
// every open job and every reservation ends exactly once.
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type { APIEmbed } from 'discord.js';
import { HiapiError, type DownloadedImage, type HiapiClient, type HiapiErrorKind, type TaskSnapshot } from './hiapi/index.js';
import type { Ledger, ReserveResult, Who } from './ledger.js';
import type { Logger } from './log.js';
import { failureMessage, imageEmbed, progressText, discordTime, truncate } from './messages.js';
import type { Metrics } from './metrics.js';
import { CORRUPT, type Store, type Tx } from './store.js';
import type { TaskWatch } from './task-watch.js';

/** Interaction tokens live 15 minutes; stop using one a little before that. */
export const TOKEN_LIFETIME_MS = 15 * 60_000 - 30_000;
const PROGRESS_EVERY_MS = 5000;

export const jobSchema = z.object({
	v: z.literal(1),
	/** The interaction id: also the reservation id and the hiapi Idempotency-Key. */
	id: z.string(),
	token: z.string(),
	applicationId: z.string(),
	userId: z.string(),
	guildId: z.string().nullable(),
	channelId: z.string(),
	prompt: z.string(),
	aspectRatio: z.string(),
	price: z.number().int().positive(),
	attachmentSizeLimit: z.number().int().positive(),
	/** The bot may post with attachments in the channel (from the interaction's app_permissions). */
	canPostInChannel: z.boolean(),
	state: z.enum(['reserved', 'submitted', 'delivered', 'refunded']),
	taskId: z.string().optional(),
	outcome: z.string().optional(),
	createdAt: z.number(),
	updatedAt: z.number(),
	submittedAt: z.number().optional(),
	finishedAt: z.number().optional(),
});
export type Job = z.infer<typeof jobSchema>;
export type NewJob = Omit<Job, 'v' | 'state' | 'createdAt' | 'updatedAt'>;

const openSchema = z.object({ v: z.literal(1), ids: z.array(z.string()) });
const OPEN_KEY = 'jobs:open';
const jobKey = (id: string) => `jobs:${id}`;

export interface ReplyFile {
	name: string;
	data: Buffer;
	contentType: string;
}
export interface Reply {
	content: string;
	embeds?: APIEmbed[];
	files?: ReplyFile[];
	/** User ids that may be pinged; nobody else ever is. */
	mentionUsers?: string[];
}

/** How jobs reach Discord after the interaction was acknowledged (implemented over discord.js REST in bot.ts). */
export interface Delivery {
	editOriginal(job: Job, reply: Reply): Promise<void>;
	postInChannel(job: Job, reply: Reply): Promise<void>;
}

export interface JobRunnerOptions {
	store: Store;
	ledger: Ledger;
	hiapi: HiapiClient;
	delivery: Delivery;
	logger: Logger;
	metrics: Metrics;
	/** Waits for hiapi tasks: adaptive polling and callbacks. */
	tasks: TaskWatch;
	taskTimeoutMs: number;
	maxConcurrent: number;
	maxPerUser: number;
	now?: () => number;
}

type Running = { job: Job; abort: AbortController; done: Promise<void> };

export class JobRunner {
	private readonly queue: Job[] = [];
	private readonly running = new Map<string, Running>();
	/** Slots claimed per user: queued + running + being created. */
	private readonly perUser = new Map<string, number>();
	private readonly releases = new Map<string, () => void>();
	private accepting = true;
	private readonly now: () => number;

	constructor(private readonly o: JobRunnerOptions) {
		this.now = o.now ?? Date.now;
	}

	get isAccepting(): boolean {
		return this.accepting;
	}

	get queueLength(): number {
		return this.queue.length;
	}

	get runningCount(): number {
		return this.running.size;
	}

	/**
	 * Claims one of the user's job slots synchronously, so two simultaneous commands cannot both pass the check.
	 * Returns a release function, or undefined when the user is at MAX_JOBS_PER_USER.
	 */
	claimSlot(userId: string): (() => void) | undefined {
		if ((this.perUser.get(userId) ?? 0) >= this.o.maxPerUser) return undefined;
		return this.takeSlot(userId);
	}

	private takeSlot(userId: string): () => void {
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

	/** Reserves the price and persists the job in one atomic write. */
	async create(input: NewJob): Promise<ReserveResult & { job?: Job }> {
		const who: Who = { guildId: input.guildId, userId: input.userId };
		return this.o.store.write(async (tx) => {
			const result = await this.o.ledger.reserveIn(tx, input.id, who, input.price);
			if (!result.ok) return result;
			const at = this.now();
			const job: Job = { v: 1, ...input, state: 'reserved', createdAt: at, updatedAt: at };
			await tx.set(jobKey(job.id), job);
			await this.updateOpen(tx, (ids) => [...ids, job.id]);
			return { ...result, job };
		});
	}

	/** Queues a created job; `release` frees the user's slot when it ends. */
	start(job: Job, release: () => void): void {
		this.queue.push(job);
		this.releases.set(job.id, release);
		this.o.metrics.queueLength.set(this.queue.length);
		this.pump();
	}

	/** The interaction could not be acknowledged: give the money back, nothing else to do. */
	async abandon(job: Job, why: string): Promise<void> {
		await this.finish(job, 'refunded', `abandoned: ${why}`);
	}

	/** Picks up every job a previous run left open. */
	async resume(): Promise<number> {
		const open = await this.o.store.get(OPEN_KEY, openSchema);
		if (open === CORRUPT) {
			this.o.logger.error('open job index is unreadable; open jobs cannot be resumed automatically');
			return 0;
		}
		let resumed = 0;
		for (const id of open?.ids ?? []) {
			const job = await this.o.store.get(jobKey(id), jobSchema);
			if (job === undefined || job === CORRUPT) {
				this.o.logger.error({ jobId: id, corrupt: job === CORRUPT }, 'open job record missing or unreadable; refunding its reservation');
				await this.o.ledger.refund(id);
				await this.o.store.write((tx) => this.updateOpen(tx, (ids) => ids.filter((x) => x !== id)));
				continue;
			}
			if (job.state === 'delivered' || job.state === 'refunded') continue;
			this.o.logger.info({ jobId: job.id, userId: job.userId, guildId: job.guildId, taskId: job.taskId, state: job.state }, 'resuming job');
			// Resumed jobs count against the user's limit even if that means going over it briefly.
			this.start(job, this.takeSlot(job.userId));
			resumed += 1;
		}
		return resumed;
	}

	/**
	 * Stops taking jobs, lets running ones finish for up to graceMs, then aborts the rest.
	 * Aborted and queued jobs stay persisted and resume on the next start.
	 */
	async stop(graceMs: number): Promise<{ finished: number; leftOpen: number }> {
		this.accepting = false;
		const waiting = this.queue.splice(0);
		this.o.metrics.queueLength.set(0);
		await Promise.all(waiting.map((job) => this.progressors.get(job.id)?.close() ?? Promise.resolve()));
		const running = [...this.running.values()];
		const all = Promise.allSettled(running.map((r) => r.done));
		const timedOut = await Promise.race([all.then(() => false), sleep(graceMs, true, { ref: false })]);
		if (timedOut) for (const r of this.running.values()) r.abort.abort();
		await all;
		const leftOpen = waiting.length + running.filter((r) => r.abort.signal.aborted).length;
		return { finished: running.length - running.filter((r) => r.abort.signal.aborted).length, leftOpen };
	}

	private pump(): void {
		while (this.accepting && this.running.size < this.o.maxConcurrent && this.queue.length > 0) {
			const job = this.queue.shift() as Job;
			const abort = new AbortController();
			const entry: Running = { job, abort, done: Promise.resolve() };
			this.running.set(job.id, entry);
			entry.done = this.run(job, abort.signal)
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
		this.o.metrics.queueLength.set(this.queue.length);
		// Tell everyone still waiting where they stand.
		this.queue.forEach((job, index) => this.progress(job).update('waiting', index + 1));
	}

	private readonly progressors = new Map<string, Progress>();

	private progress(job: Job): Progress {
		let p = this.progressors.get(job.id);
		if (!p) {
			p = new Progress(job, this.o.delivery, this.o.logger, this.now);
			this.progressors.set(job.id, p);
		}
		return p;
	}

	private async run(initial: Job, signal: AbortSignal): Promise<void> {
		let job = initial;
		const log = this.o.logger.child({ jobId: job.id, interactionId: job.id, userId: job.userId, guildId: job.guildId });
		const progress = this.progress(job);
		const started = this.now();
		try {
			if (job.state === 'reserved') {
				progress.update('submitting');
				const t0 = this.now();
				const { taskId } = await this.o.hiapi.submit(
					{ prompt: job.prompt, aspectRatio: job.aspectRatio },
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
			const standing = await this.o.ledger.standing({ guildId: job.guildId, userId: job.userId });
			const seconds = (this.now() - job.createdAt) / 1000;
			const info = { prompt: job.prompt, aspectRatio: job.aspectRatio, seconds, price: job.price, remaining: standing.remaining };
			let reply: Reply;
			if (image) {
				const fileName = `imagine-${job.id}.${image.extension}`;
				reply = { content: '', embeds: [imageEmbed({ ...info, fileName })], files: [{ name: fileName, data: image.bytes, contentType: image.contentType }] };
			} else {
				const expires =
					output.expireAt === undefined
						? undefined
						: new Date(typeof output.expireAt === 'number' && output.expireAt < 1e12 ? output.expireAt * 1000 : output.expireAt).getTime();
				reply = {
					content: `The image is larger than Discord allows here, so here is a link${expires && Number.isFinite(expires) ? ` (it expires ${discordTime(expires, 'R')})` : ''}:\n${output.url}`,
					embeds: [imageEmbed(info)],
				};
			}
			const how = await this.deliver(job, reply, log);
			if (how === 'undeliverable') {
				await this.finish(job, 'refunded', 'undeliverable');
				log.warn({ taskId }, 'image could not be delivered (interaction expired, no permission to post in the channel); refunded');
				return;
			}
			await this.finish(job, 'delivered', image ? `${how}:attached` : `${how}:linked`);
			this.o.metrics.delivery.observe((this.now() - succeededAt) / 1000);
			this.o.metrics.spendCommitted.inc(job.price / 1_000_000);
			log.info(
				{ taskId, how, linked: !image, bytes: image?.bytes.length, ms: this.now() - started, totalMs: this.now() - job.createdAt, price: job.price },
				'image delivered',
			);
		} catch (error) {
			await progress.close();
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
			await this.deliver(job, { content: failureMessage(kind, job.id, { contentFilter }) }, log).catch(() => undefined);
		} finally {
			this.progressors.delete(job.id);
		}
	}

	/**
	 * Edits the original response, retrying transient Discord failures while the token lives; once it has
	 * expired, posts in the channel mentioning the user where the bot may, else reports 'undeliverable'.
	 */
	private async deliver(job: Job, reply: Reply, log: Logger): Promise<'reply' | 'channel' | 'undeliverable'> {
		let delay = 1000;
		while (this.now() - job.createdAt < TOKEN_LIFETIME_MS) {
			try {
				await this.o.delivery.editOriginal(job, reply);
				return 'reply';
			} catch (error) {
				const code = (error as { code?: unknown }).code;
				const status = (error as { status?: unknown }).status;
				if (code === 50027 || code === 10015) break; // token expired or unknown: the reply is gone
				if (typeof status === 'number' && status >= 400 && status < 500 && status !== 429) {
					log.error({ err: error, status, code }, 'Discord refused the reply edit');
					break;
				}
				log.warn({ err: error, status, code, retryInMs: delay }, 'editing the reply failed; retrying');
				await sleep(delay);
				delay = Math.min(delay * 2, 30_000);
			}
		}
		if (!job.canPostInChannel) return 'undeliverable';
		try {
			await this.o.delivery.postInChannel(job, { ...reply, content: truncate(`<@${job.userId}> ${reply.content}`, 2000), mentionUsers: [job.userId] });
			return 'channel';
		} catch (error) {
			log.error({ err: error, channelId: job.channelId }, 'posting in the channel failed');
			return 'undeliverable';
		}
	}

	/** Ends the job and its reservation in one atomic write. Idempotent. */
	private async finish(job: Job, state: 'delivered' | 'refunded', outcome: string): Promise<void> {
		await this.o.store.write(async (tx) => {
			const current = await tx.get(jobKey(job.id), jobSchema);
			if (current !== CORRUPT && (current?.state === 'delivered' || current?.state === 'refunded')) return;
			if (state === 'delivered') await this.o.ledger.commitIn(tx, job.id);
			else await this.o.ledger.refundIn(tx, job.id);
			const at = this.now();
			await tx.set(jobKey(job.id), { ...job, state, outcome, updatedAt: at, finishedAt: at } satisfies Job);
			await this.updateOpen(tx, (ids) => ids.filter((x) => x !== job.id));
		});
		this.o.metrics.jobs.inc({ outcome: state === 'delivered' ? 'delivered' : (outcome.split(':')[0] ?? outcome) });
	}

	private async save(job: Job, patch: Partial<Job>): Promise<Job> {
		const next: Job = { ...job, ...patch, updatedAt: this.now() };
		await this.o.store.write((tx) => tx.set(jobKey(job.id), next));
		return next;
	}

	private async updateOpen(tx: Tx, change: (ids: string[]) => string[]): Promise<void> {
		const open = await tx.get(OPEN_KEY, openSchema);
		const ids = open === undefined || open === CORRUPT ? [] : open.ids;
		await tx.set(OPEN_KEY, { v: 1, ids: change(ids) });
	}
}

/** Progress edits on the deferred reply: at most one every 5 s, never after the final answer. */
class Progress {
	private phase: Parameters<typeof progressText>[0] | undefined;
	private position: number | undefined;
	private shown = '';
	private lastEdit = 0;
	private timer: NodeJS.Timeout | undefined;
	private inFlight: Promise<void> = Promise.resolve();
	private closed = false;

	constructor(
		private readonly job: Job,
		private readonly delivery: Delivery,
		private readonly logger: Logger,
		private readonly now: () => number,
	) {}

	update(phase: NonNullable<Progress['phase']>, position?: number): void {
		if (this.closed) return;
		this.phase = phase;
		this.position = position;
		if (!this.timer) this.timer = setInterval(() => this.flush(), 1000);
		this.timer.unref();
		this.flush();
	}

	private flush(): void {
		if (this.closed || !this.phase) return;
		// A place in line is worth showing at once; everything else waits 5 s, so a fast job is edited once.
		const since = this.lastEdit || (this.phase === 'waiting' ? 0 : this.job.createdAt);
		if (this.now() - since < PROGRESS_EVERY_MS) return;
		if (this.now() - this.job.createdAt > TOKEN_LIFETIME_MS) return;
		const text = progressText(this.phase, this.now() - this.job.createdAt, this.position);
		if (text === this.shown) return;
		this.shown = text;
		this.lastEdit = this.now();
		this.inFlight = this.inFlight
			.then(() => this.delivery.editOriginal(this.job, { content: text }))
			.catch((error: unknown) => this.logger.debug({ err: error, jobId: this.job.id }, 'progress edit failed'));
	}

	/** Stops edits and waits for one in flight, so it cannot land after the final answer. */
	async close(): Promise<void> {
		this.closed = true;
		if (this.timer) clearInterval(this.timer);
		await this.inFlight;
	}
}
