/**
 * Channel message routes: POST /channels/:id/messages (stored in the message registry; 403 Missing
 * Permissions in channels closed with denyChannel; 403 Missing Access where the bot is not: a guild that did not
 * add it, a group DM), GET /channels/:id/messages/:id (a message as stored; 404 Unknown Message once deleted, and
 * for ephemeral ones) and DELETE /channels/:id/messages/:id (the bot deleting its own messages; 404 once gone).
 */
import { MessageFlags } from 'discord-api-types/v10';
import { buildMessage } from './messages.js';
import { channelObject, messageContext } from './payloads.js';
import { type Reply, MISSING_ACCESS, UNKNOWN_CHANNEL, UNKNOWN_MESSAGE, apiError, formError } from './replies.js';
import type { RouteContext } from './router.js';
import type { EmulatorState } from './state.js';
import { DEFAULT_ATTACHMENT_LIMIT } from './util.js';

export function createChannelMessage(state: EmulatorState, ctx: RouteContext): Reply {
	const channelId = ctx.params.channelId ?? '';
	if (state.isOutsideChannel(channelId)) return MISSING_ACCESS();
	if (!channelObject(state, channelId)) return UNKNOWN_CHANNEL();
	// Permissions are checked before the body is (the bot lacks SendMessages there).
	if (state.deniedChannels.has(channelId)) return apiError(403, 50013, 'Missing Permissions');
	const built = buildMessage(null, ctx.json, ctx.files, messageContext(state, channelId, DEFAULT_ATTACHMENT_LIMIT), {
		isEdit: false,
	});
	if (!built.ok) return built.reply;
	if ((built.message.flags ?? 0) & MessageFlags.Ephemeral) {
		return formError(['flags'], 'MESSAGE_FLAGS_INVALID', 'Ephemeral messages can only be sent in response to interactions');
	}
	state.saveMessage(built.message);
	return { status: 200, body: built.message };
}

/** Ephemeral messages exist only for their interaction's webhook: the channel route does not know them. */
export function deleteChannelMessage(state: EmulatorState, ctx: RouteContext): Reply {
	const channelId = ctx.params.channelId ?? '';
	if (state.isOutsideChannel(channelId)) return MISSING_ACCESS();
	if (!channelObject(state, channelId)) return UNKNOWN_CHANNEL();
	const message = state.liveMessage(ctx.params.messageId ?? '');
	if (!message || message.channel_id !== channelId || ((message.flags ?? 0) & MessageFlags.Ephemeral) !== 0) return UNKNOWN_MESSAGE();
	state.markDeleted(message.id);
	return { status: 204 };
}

/** A channel's message; ephemeral messages are not the channel's (only their interaction's webhook knows them). */
export function getChannelMessage(state: EmulatorState, ctx: RouteContext): Reply {
	const channelId = ctx.params.channelId ?? '';
	if (state.isOutsideChannel(channelId)) return MISSING_ACCESS();
	if (!channelObject(state, channelId)) return UNKNOWN_CHANNEL();
	const message = state.liveMessage(ctx.params.messageId ?? '');
	if (!message || message.channel_id !== channelId || ((message.flags ?? 0) & MessageFlags.Ephemeral) !== 0) return UNKNOWN_MESSAGE();
	return { status: 200, body: message };
}
