// A member's history: their last delivered images, newest first. A marker is filed when a result card reaches
// Discord (historyFiler, which the REST delivery calls: no change to the executor), naming the message when it was public; the
// job itself stays the vault's, so what retention prunes drops out of the history too.
import { z } from 'zod';
import { customIdsIn } from '../images/job-place.js';
import type { Logger } from '../log.js';
import { isCard, type Reply } from '../messages/reply.js';
import { buildCustomId } from '../records/custom-id.js';
import { isJob, type Job } from '../records/job.js';
import type { Read } from '../records/read.js';
import type { HistoryMarker } from '../records/member.js';
import type { Vault } from '../vault/vault.js';
import type { HistoryIndex } from './history-index.js';

/** /history shows at most this many images, this many per page. */
export const HISTORY_MAX = 25;
export const HISTORY_PAGE_SIZE = 5;

export interface HistoryEntry {
	job: Job;
	/** What was charged, in micro-dollars. */
	cost: number;
	message?: HistoryMarker['message'];
}

export class History {
	constructor(
		readonly index: HistoryIndex,
		private readonly vault: Pick<Vault, 'job' | 'reservation'>,
		private readonly logger: Logger,
	) {}

	/** Files a delivered job (never throws: a history that misses an image must not fail its delivery). */
	async record(job: Job, message: HistoryMarker['message']): Promise<void> {
		try {
			await this.index.add(job.userId, { v: 1, jobId: job.id, createdAt: job.createdAt, ...(message && !job.private ? { message } : {}) });
		} catch (error) {
			this.logger.warn({ err: error, jobId: job.id }, 'could not file the image in its member’s history');
		}
	}

	/** The member's newest delivered images still kept (HISTORY_MAX at most); markers of pruned or unreadable jobs are forgotten. */
	async entries(userId: string): Promise<HistoryEntry[]> {
		const markers = await this.index.newest(userId, HISTORY_MAX * 2);
		const loaded = await Promise.all(markers.map(async (m): Promise<{ m: HistoryMarker; job: Read<Job> }> => ({ m, job: await this.vault.job(m.jobId) })));
		const entries: HistoryEntry[] = [];
		const gone: HistoryMarker[] = [];
		for (const { m, job } of loaded) {
			// Only the member's own delivered jobs: a marker is untrusted like any stored record.
			if (!isJob(job) || job.userId !== userId) {
				gone.push(m);
				continue;
			}
			if (job.state !== 'delivered' && job.deliveredAt === undefined) continue;
			if (entries.length < HISTORY_MAX) entries.push({ job, cost: 0, ...(m.message ? { message: m.message } : {}) });
		}
		if (gone.length > 0)
			await this.index.remove(userId, gone).catch((error: unknown) => this.logger.warn({ err: error }, 'could not forget stale history markers'));
		await Promise.all(
			entries.map(async (e) => {
				const reservation = await this.vault.reservation(e.job.id).catch(() => undefined);
				e.cost = reservation && reservation.state !== 'refunded' ? reservation.amount : e.job.price * (e.job.count ?? 1);
			}),
		);
		return entries;
	}
}

/** What Discord answers to a message send or edit (only the part history keeps). */
const sentSchema = z.object({ id: z.string().regex(/^\d{1,20}$/), channel_id: z.string().regex(/^\d{1,20}$/) });

/** True when `reply` is a job's result: it carries that job's own Delete button. */
function isResultOf(job: Job, reply: Reply): boolean {
	if (!isCard(reply)) return false;
	return customIdsIn([reply.card]).includes(buildCustomId({ command: 'imagine', action: 'delete', jobId: job.id }));
}

/** Files each delivered result in its member's history, with the message when Discord said which (for createDelivery's onSent). */
export function historyFiler(history: History): (job: Job, reply: Reply, sent: unknown) => Promise<void> {
	return async (job, reply, sent) => {
		if (!isResultOf(job, reply)) return;
		const message = sentSchema.safeParse(sent);
		await history.record(job, message.success ? { guildId: job.guildId, channelId: message.data.channel_id, messageId: message.data.id } : undefined);
	};
}
