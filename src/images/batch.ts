// Running a batch (`/imagine count:` 2–4): one job, one reservation of price × count, one hiapi task per image
// (Idempotency-Key `<interaction id>-<i>`), one message with every image made. The tasks are stored on the job
// once submitted, so a job picked up again (restart, another process of the fleet) re-submits nothing new (a
// repeated key gives the same task) and waits for the same tasks; hiapi's answer decides each image. Each image
// is charged only when delivered: the close commits the k delivered and releases the rest in one step.
import type { Standing } from '../budget/ledger-core.js';
import { expiresAtMs, HiapiError, type DownloadedImage, type HiapiClient, type HiapiErrorKind, type TaskSnapshot } from '../hiapi/index.js';
import type { Logger } from '../log.js';
import { batchTexts } from '../messages/batch-texts.js';
import { batchReply, type ImageFile } from '../messages/cards.js';
import type { Reply } from '../messages/reply.js';
import type { Metrics } from '../metrics.js';
import { finalPrompt, idempotencyKeyOf, type BatchImage, type Job } from '../records/job.js';
import type { TaskWatch } from '../tasks/watch.js';
import { cardLocale, type Delivered } from './delivery.js';
import type { Progress } from './progress.js';

/** What a batch needs from the executor that runs it. */
export interface BatchHost {
	hiapi: HiapiClient;
	tasks: TaskWatch;
	metrics: Metrics;
	taskTimeoutMs: number;
	now: () => number;
	progress: Progress;
	log: Logger;
	standing(job: Job): Promise<Standing>;
	save(job: Job, patch: Partial<Job>): Promise<Job>;
	deliver(job: Job, reply: Reply, signal: AbortSignal): Promise<Delivered>;
	/** Commits a delivered job (its images say how many were delivered); true when committed now. */
	commitDelivered(job: Job, outcome: string, signal: AbortSignal): Promise<boolean>;
}

/** One image's end: made (attached or linked) or failed, with why. */
type Made = { ok: true; url: string; expiresAt: number | undefined; image: DownloadedImage | undefined };
type Failed = { ok: false; kind: HiapiErrorKind | 'internal'; contentFilter: boolean; error: unknown };

const kindOf = (error: unknown): HiapiErrorKind | 'internal' => (error instanceof HiapiError ? error.kind : 'internal');
const isContentFilter = (error: unknown) =>
	error instanceof HiapiError && /nsfw|safety|moderat|content|policy/i.test(`${error.code ?? ''} ${error.upstreamMessage ?? ''}`);

/** Every image failed: the first failure, for the executor's usual failure path (refund, failure text). */
export class BatchFailed extends Error {
	constructor(readonly first: unknown) {
		super('every image of the batch failed');
	}
}

/** How many images of `count` at `price` each fit what is left under every limit (0 when even one does not; below `count`). */
export function imagesThatFit(s: Pick<Standing, 'remaining' | 'guild' | 'global' | 'corrupt'>, price: number, count: number): number {
	if (s.corrupt || count <= 1 || price <= 0) return 0;
	const left = Math.min(s.remaining, s.guild?.remaining ?? Infinity, s.global?.remaining ?? Infinity);
	return Math.max(0, Math.min(count - 1, Math.floor(left / price)));
}

/** Which images go as attachments: in order, while their total stays within the limit; the rest are linked. */
export function splitByTotal<T extends { image: { bytes: Buffer } | undefined }>(made: readonly T[], limit: number): { attached: T[]; linked: T[] } {
	const attached: T[] = [];
	const linked: T[] = [];
	let total = 0;
	for (const m of made) {
		const size = m.image?.bytes.length;
		if (size !== undefined && total + size <= limit) {
			total += size;
			attached.push(m);
		} else linked.push(m);
	}
	return { attached, linked };
}

/**
 * Submits what was not submitted yet (all at once), storing every task before waiting for any. A submit that
 * fails marks its image failed; a shutdown leaves the job as it was (a later run repeats the same keys).
 */
async function submitAll(h: BatchHost, job: Job, signal: AbortSignal): Promise<Job> {
	const count = job.count ?? 1;
	const images: BatchImage[] = job.images ?? Array.from({ length: count }, () => ({ state: 'pending' as const }));
	if (job.state === 'submitted' && !images.some((i) => i.state === 'pending')) return job;
	h.progress.update('submitting');
	const t0 = h.now();
	const answers = await Promise.allSettled(
		images.map(async (image, i): Promise<BatchImage> => {
			if (image.state !== 'pending') return image;
			const { taskId } = await h.hiapi.submit(
				{ prompt: finalPrompt(job.prompt, job.style), aspectRatio: job.aspectRatio },
				{ idempotencyKey: idempotencyKeyOf(job, i), deadline: h.now() + h.taskTimeoutMs, signal },
			);
			return { state: 'submitted', taskId };
		}),
	);
	signal.throwIfAborted();
	const next = answers.map((a): BatchImage => (a.status === 'fulfilled' ? a.value : { state: 'failed', outcome: kindOf(a.reason) }));
	answers.forEach((a, i) => a.status === 'rejected' && h.log.warn({ err: a.reason, image: i }, 'batch image not submitted'));
	const saved = await h.save(job, { state: 'submitted', images: next, submittedAt: job.submittedAt ?? h.now() });
	h.log.info({ taskIds: next.map((i) => i.taskId ?? null), ms: h.now() - t0 }, 'batch tasks submitted');
	return saved;
}

/** Waits for one image's task and downloads it (a link when too large to attach at all). */
async function makeOne(h: BatchHost, job: Job, image: BatchImage, signal: AbortSignal, onReady: () => void): Promise<Made | Failed> {
	try {
		if (image.state === 'failed' || !image.taskId) {
			// Failed at submit (stored): the same kind of error again, so an all-failed batch is told why.
			const kind = (image.outcome as HiapiErrorKind | 'internal' | undefined) ?? 'internal';
			const error = kind === 'internal' ? new Error('batch image failed earlier') : new HiapiError(kind, 'batch image failed at submit');
			return { ok: false, kind, contentFilter: false, error };
		}
		const submittedAt = job.submittedAt ?? h.now();
		const result = await h.tasks.wait(image.taskId, {
			submittedAt,
			deadline: submittedAt + h.taskTimeoutMs,
			signal,
			onProgress: (s: TaskSnapshot) => h.progress.update(s.phase === 'queued' ? 'queued' : 'running'),
		});
		const output = result.output[0];
		if (!output) throw new HiapiError('bad_response', 'task succeeded without output');
		h.metrics.hiapiLatency.observe({ op: 'task' }, (h.now() - submittedAt) / 1000);
		let downloaded: DownloadedImage | undefined;
		try {
			downloaded = await h.hiapi.download(output.url, { maxBytes: job.attachmentSizeLimit, signal });
		} catch (error) {
			if (!(error instanceof HiapiError && error.kind === 'too_large')) throw error;
		}
		onReady();
		return { ok: true, url: output.url, expiresAt: expiresAtMs(output.expireAt), image: downloaded };
	} catch (error) {
		if (signal.aborted) throw error;
		h.log.warn({ err: error, taskId: image.taskId, kind: kindOf(error) }, 'batch image failed');
		if (error instanceof HiapiError) h.metrics.hiapiErrors.inc({ kind: error.kind });
		return { ok: false, kind: kindOf(error), contentFilter: isContentFilter(error), error };
	}
}

/**
 * Runs a batch to delivery. Returns how it was delivered, or 'undeliverable' (nothing charged: the caller
 * refunds). Throws BatchFailed when no image was made, and anything a shutdown or a bug throws.
 */
export async function runBatch(h: BatchHost, initial: Job, signal: AbortSignal): Promise<{ job: Job; how: Delivered; standing: Standing }> {
	let job = await submitAll(h, initial, signal);
	const images = job.images ?? [];
	const count = images.length;
	let ready = 0;
	h.progress.update('queued');
	const results = await Promise.all(images.map((image) => makeOne(h, job, image, signal, () => h.progress.setReady(++ready))));
	const made = results.flatMap((r, i) => (r.ok ? [{ ...r, i }] : []));
	const failed = results.filter((r): r is Failed => !r.ok);
	if (made.length === 0) throw new BatchFailed(failed[0]?.error ?? new HiapiError('bad_response', 'no image in the batch'));
	await h.progress.close();

	const final: BatchImage[] = images.map((image, i) => {
		const r = results[i] as Made | Failed;
		return r.ok ? { ...image, state: 'delivered' } : { ...image, state: 'failed', outcome: r.kind };
	});
	job = { ...job, images: final };
	const standing = await h.standing(job);
	const { attached, linked } = splitByTotal(made, job.attachmentSizeLimit);
	const info = {
		prompt: job.prompt,
		aspectRatio: job.aspectRatio,
		seconds: (h.now() - job.createdAt) / 1000,
		price: job.price * made.length,
		remaining: standing.remaining,
		requesterId: job.userId,
		kind: job.kind,
		style: job.style?.name,
	};
	// The card is public: its words (and the note on it) follow the server's language, else the requester's.
	const locale = cardLocale(job);
	const text = batchTexts(locale);
	const note =
		failed.length > 0
			? text.failedNote(
					made.length,
					count,
					failed.map((f) => text.failReason(f.kind, f.contentFilter)),
				)
			: undefined;
	const reply = batchReply(
		job.id,
		info,
		attached.map((m) => m.image as ImageFile),
		linked.map((m) => ({ url: m.url, expiresAt: m.expiresAt })),
		note,
		locale,
	);
	const how = await h.deliver(job, reply, signal);
	if (how === 'undeliverable') return { job, how, standing };
	const outcome = `${how}:batch ${made.length}/${count}${linked.length > 0 ? ` (${linked.length} linked)` : ''}`;
	if (await h.commitDelivered(job, outcome, signal)) h.metrics.spendCommitted.inc((job.price * made.length) / 1_000_000);
	h.log.info(
		{ how, made: made.length, failed: failed.length, linked: linked.length, totalMs: h.now() - job.createdAt, charged: job.price * made.length },
		'image delivered',
	);
	return { job, how, standing };
}
