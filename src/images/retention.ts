// Finished jobs older than JOB_RETENTION_DAYS go, a batch at a time in the background, hourly; their buttons
// then say "too old". Open jobs are never pruned.
import type { Logger } from '../log.js';
import { DAY_MS } from '../util/period.js';
import type { Vault } from '../vault/vault.js';

const EVERY_MS = 3_600_000;

export class Retention {
	private timer: NodeJS.Timeout | undefined;

	constructor(
		private readonly vault: Pick<Vault, 'prune'>,
		private readonly days: number,
		private readonly logger: Logger,
		private readonly now: () => number = Date.now,
	) {}

	/** Prunes once now and then every hour. */
	start(): void {
		this.timer ??= setInterval(() => void this.prune(), EVERY_MS).unref();
		void this.prune();
	}

	/** Deletes finished jobs older than the retention; returns how many went (a failure is logged, never thrown). */
	async prune(): Promise<number> {
		try {
			const pruned = await this.vault.prune(this.now() - this.days * DAY_MS);
			if (pruned > 0) this.logger.info({ pruned, retentionDays: this.days }, 'pruned old job records');
			return pruned;
		} catch (error) {
			this.logger.error({ err: error }, 'pruning old jobs failed');
			return 0;
		}
	}

	stop(): void {
		if (this.timer) clearInterval(this.timer);
		this.timer = undefined;
	}
}
