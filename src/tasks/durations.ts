// How long recent hiapi tasks took (submit → success), kept in the store so polling stays tuned across restarts.
// Bounded (the last KEEP), held in memory and written at most every SAVE_EVERY_MS, off the hot path.
import { z } from 'zod';
import type { Logger } from '../log.js';
import { type Store } from '../storage/store.js';
import { CORRUPT } from '../records/read.js';

const KEY = 'polls:durations';
export const KEEP = 200;
const SAVE_EVERY_MS = 30_000;

const schema = z.object({ v: z.literal(1), ms: z.array(z.number().positive()) });

export class DurationHistory {
	private values: number[] = [];
	private changes = 0;
	private saved = 0;
	private timer: NodeJS.Timeout | undefined;
	private saving: Promise<void> = Promise.resolve();

	constructor(
		private readonly store: Store,
		private readonly logger: Logger,
	) {}

	async load(): Promise<void> {
		const stored = await this.store.get(KEY, schema);
		if (stored === CORRUPT) this.logger.warn('task duration history unreadable; polling starts from scratch');
		else if (stored) this.values = [...stored.ms.slice(-KEEP), ...this.values].slice(-KEEP);
	}

	/** The recorded durations, oldest first. */
	get durations(): readonly number[] {
		return this.values;
	}

	/** Counts every recorded duration, so a plan knows when it is stale. */
	get version(): number {
		return this.changes;
	}

	add(ms: number): void {
		if (!Number.isFinite(ms) || ms <= 0) return;
		this.values.push(Math.round(ms));
		if (this.values.length > KEEP) this.values.splice(0, this.values.length - KEEP);
		this.changes += 1;
		this.timer ??= setTimeout(() => {
			this.timer = undefined;
			void this.flush();
		}, SAVE_EVERY_MS).unref();
	}

	/** Writes the history now (also on shutdown). */
	flush(): Promise<void> {
		if (this.timer) clearTimeout(this.timer);
		this.timer = undefined;
		if (this.saved === this.changes) return this.saving;
		this.saved = this.changes;
		const ms = [...this.values];
		this.saving = this.saving
			.then(() => this.store.write((tx) => tx.set(KEY, { v: 1, ms })))
			.catch((error: unknown) => this.logger.warn({ err: error }, 'could not save the task duration history'));
		return this.saving;
	}
}
