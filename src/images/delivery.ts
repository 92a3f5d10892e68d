// How a job's messages reach Discord after the interaction was acknowledged: edit the original response
// while its token lives, else post in the channel where the bot may. Needs no Interaction object, so a
// job resumed after a restart (or by another process) delivers the same way.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Job } from '../records/job.js';
import type { Logger } from '../log.js';
import { withMention } from '../messages/cards.js';
import { pickLocale, type Locale } from '../messages/i18n.js';
import { isCard, type Reply } from '../messages/reply.js';
import { truncate } from '../util/text.js';

/** Interaction tokens live 15 minutes; stop using one a little before that. */
export const TOKEN_LIFETIME_MS = 15 * 60_000 - 30_000;

/** The two REST calls delivery needs (implemented over discord.js REST in app/discord-rest.ts). */
export interface Delivery {
	editOriginal(job: Job, reply: Reply): Promise<void>;
	postInChannel(job: Job, reply: Reply): Promise<void>;
	/** A new message on the interaction (ephemeral: only the member who asked sees it). */
	followUp(job: Job, reply: Reply, options: { ephemeral: boolean }): Promise<void>;
}

export type Delivered = 'reply' | 'channel' | 'undeliverable';

/**
 * The language of a job's card and progress: a public job's follow the server (guild_locale), else the requester;
 * a private job's, or a personal-scope one's (no server of the bot's), the requester's. A job from before: English.
 */
export function cardLocale(job: Pick<Job, 'private' | 'guildId' | 'locale' | 'guildLocale'>): Locale {
	return job.private || job.guildId === null ? pickLocale(job.locale) : pickLocale(job.guildLocale, job.locale);
}

/**
 * Edits the original response, retrying transient Discord failures while the token lives; once it has
 * expired, posts in the channel mentioning the user where the bot may, else reports 'undeliverable'.
 */
export async function deliverReply(delivery: Delivery, job: Job, reply: Reply, log: Logger, now: () => number, signal?: AbortSignal): Promise<Delivered> {
	let delay = 1000;
	while (now() - job.createdAt < TOKEN_LIFETIME_MS) {
		// Shutting down: stop retrying (the job stays open and is delivered by whoever resumes it).
		signal?.throwIfAborted();
		try {
			await delivery.editOriginal(job, reply);
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
			await sleep(delay, undefined, signal ? { signal } : {});
			delay = Math.min(delay * 2, 30_000);
		}
	}
	if (!job.canPostInChannel) return 'undeliverable';
	try {
		const post = isCard(reply)
			? withMention(reply, job.userId)
			: { ...reply, content: truncate(`<@${job.userId}> ${reply.content}`, 2000), mentionUsers: [job.userId] };
		await delivery.postInChannel(job, post);
		return 'channel';
	} catch (error) {
		log.error({ err: error, channelId: job.channelId }, 'posting in the channel failed');
		return 'undeliverable';
	}
}
