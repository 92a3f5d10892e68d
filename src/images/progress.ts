// Progress edits on a job's message while it waits and generates (a batch's say how many of its images are ready).
import { cardLocale, TOKEN_LIFETIME_MS, type Delivery } from './delivery.js';
import type { Job } from '../records/job.js';
import type { Logger } from '../log.js';
import { progressText } from '../messages/texts.js';
import { batchTexts } from '../messages/batch-texts.js';

const PROGRESS_EVERY_MS = 5000;

/** Progress edits on the deferred reply: at most one every 5 s, never after the final answer. */
export class Progress {
	private phase: Parameters<typeof progressText>[0] | undefined;
	private position: number | undefined;
	private shown = '';
	private lastEdit = 0;
	private timer: NodeJS.Timeout | undefined;
	private inFlight: Promise<void> = Promise.resolve();
	private closed = false;
	/** A batch's images ready so far. */
	private ready = 0;

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

	/** A batch: `n` of its images are ready (shown with the next edit). */
	setReady(n: number): void {
		this.ready = n;
		this.flush();
	}

	private flush(): void {
		if (this.closed || !this.phase) return;
		// A place in line is worth showing at once; everything else waits 5 s, so a fast job is edited once.
		const since = this.lastEdit || (this.phase === 'waiting' ? 0 : this.job.createdAt);
		if (this.now() - since < PROGRESS_EVERY_MS) return;
		if (this.now() - this.job.createdAt > TOKEN_LIFETIME_MS) return;
		const elapsed = this.now() - this.job.createdAt;
		const count = this.job.count ?? 1;
		// The placeholder becomes the card: the same language as the card.
		const locale = cardLocale(this.job);
		const text =
			count > 1 ? batchTexts(locale).progress(this.phase, elapsed, count, this.ready, this.position) : progressText(this.phase, elapsed, this.position, locale);
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
