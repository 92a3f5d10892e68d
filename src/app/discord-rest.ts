// What the core sends to Discord outside an interaction handler, over discord.js REST by id: job delivery on
// the interaction webhook (no Interaction object needed, so it works after a restart or on another process)
// and posts in a channel (the log channel needs no cache and no gateway event).
import { MessageFlags, Routes, type Client } from 'discord.js';
import type { Delivery } from '../images/delivery.js';
import type { Job } from '../records/job.js';
import { isCard, type Reply } from '../messages/reply.js';
import type { ChannelPoster } from '../moderation/mod-log.js';

/** Job delivery over the interaction webhook; `onSent` hears of each message Discord accepted (a member's history). */
export function createDelivery(client: Client, onSent?: (job: Job, reply: Reply, message: unknown) => Promise<void>): Delivery {
	// A card carries the IS_COMPONENTS_V2 flag and no content or embeds; an edit turning the text progress message
	// into a card must also clear its content (Discord keeps omitted fields, and refuses text beside the flag).
	const payload = (reply: Reply, edit: boolean) => {
		const files = reply.files ?? [];
		const common = {
			attachments: files.map((f, i) => ({ id: String(i), filename: f.name })),
			allowed_mentions: { parse: [], users: reply.mentionUsers ?? [] },
		};
		const body = isCard(reply)
			? { ...common, ...(edit ? { content: null } : {}), components: [reply.card], flags: MessageFlags.IsComponentsV2 }
			: { ...common, content: reply.content, embeds: reply.embeds ?? [], components: reply.components ?? [] };
		return { body, files: files.map((f) => ({ name: f.name, data: f.data, contentType: f.contentType })) };
	};
	return {
		async editOriginal(job, reply) {
			const sent = await client.rest.patch(Routes.webhookMessage(job.applicationId, job.token, '@original'), { ...payload(reply, true), auth: false });
			await onSent?.(job, reply, sent);
		},
		async postInChannel(job, reply) {
			await onSent?.(job, reply, await client.rest.post(Routes.channelMessages(job.channelId), payload(reply, false)));
		},
		async followUp(job, reply, { ephemeral }) {
			const { body, files } = payload(reply, false);
			await client.rest.post(Routes.webhook(job.applicationId, job.token), {
				body: { ...body, flags: ('flags' in body ? body.flags : 0) | (ephemeral ? MessageFlags.Ephemeral : 0) },
				files,
				auth: false,
			});
		},
	};
}

/** Posting in a channel by id over REST: the log channel needs no cache and no gateway event. */
export function createChannelPoster(client: Client): ChannelPoster {
	return {
		async post(channelId, message) {
			await client.rest.post(Routes.channelMessages(channelId), { body: { ...message, allowed_mentions: { parse: [] } } });
		},
	};
}
