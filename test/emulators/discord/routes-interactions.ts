/**
 * REST routes for interaction responses: POST /interactions/:id/:token/callback and the interaction
 * webhook (follow-ups, GET/PATCH/DELETE of @original and follow-up messages), with Discord's timing rules.
 */
import { type APIMessage, InteractionResponseType, InteractionType, MessageFlags, MessageType } from 'discord-api-types/v10';
import { buildMessage } from './messages.js';
import { messageContext } from './payloads.js';
import { type Reply, UNKNOWN_INTERACTION, UNKNOWN_MESSAGE, UNKNOWN_WEBHOOK, apiError, formError } from './replies.js';
import type { RouteContext } from './router.js';
import type { EmulatorState, InteractionState } from './state.js';
import { isRecord, iso, snowflake } from './util.js';

const INTERACTION_ACK_WINDOW_MS = 3_000;
const INTERACTION_TOKEN_LIFETIME_MS = 15 * 60_000;

export function interactionCallback(state: EmulatorState, ctx: RouteContext): Reply {
	const interaction = state.interactions.get(ctx.params.interactionId ?? '');
	if (!interaction || interaction.token !== ctx.params.token) return UNKNOWN_INTERACTION();
	const interactionId = interaction.id;
	const withId = (reply: Reply): Reply => ({ ...reply, interactionId });
	// Checked before the 3 s window: a late second acknowledgement is still "already acknowledged".
	if (interaction.acknowledged) return withId(apiError(400, 40060, 'Interaction has already been acknowledged.'));
	if (Date.now() - interaction.sentAt > INTERACTION_ACK_WINDOW_MS) return withId(UNKNOWN_INTERACTION());

	const body = isRecord(ctx.json) ? ctx.json : {};
	const data = isRecord(body.data) ? body.data : {};
	const context = messageContext(state, interaction.channelId, interaction.attachmentSizeLimit, interactionExtra(state, interaction));
	let message: APIMessage;
	if (body.type === InteractionResponseType.DeferredChannelMessageWithSource) {
		const flags = data.flags === undefined || data.flags === null ? 0 : Number(data.flags);
		if (!Number.isInteger(flags) || (flags & ~MessageFlags.Ephemeral) !== 0) {
			return withId(formError(['data', 'flags'], 'INTERACTION_RESPONSE_FLAGS_INVALID', 'Only the EPHEMERAL flag (64) can be set'));
		}
		message = {
			type: MessageType.ChatInputCommand,
			mention_everyone: false,
			mention_roles: [],
			mentions: [],
			pinned: false,
			tts: false,
			...context.extra,
			id: snowflake(),
			channel_id: interaction.channelId,
			author: state.botUser,
			content: '',
			embeds: [],
			attachments: [],
			components: [],
			flags: flags | MessageFlags.Loading,
			timestamp: iso(),
			edited_timestamp: null,
		};
	} else if (body.type === InteractionResponseType.ChannelMessageWithSource) {
		const built = buildMessage(null, data, ctx.files, context, { isEdit: false });
		if (!built.ok) return withId(built.reply);
		message = built.message;
	} else {
		return withId(
			formError(['type'], 'INTERACTION_RESPONSE_TYPE_INVALID', `Unsupported interaction response type ${String(body.type)} for an application command`),
		);
	}

	interaction.acknowledged = true;
	interaction.original = message;
	if (ctx.query.with_response !== 'true') return withId({ status: 204 });
	const ephemeral = ((message.flags ?? 0) & MessageFlags.Ephemeral) !== 0;
	return withId({
		status: 200,
		body: {
			interaction: {
				id: interaction.id,
				type: InteractionType.ApplicationCommand,
				response_message_id: message.id,
				response_message_loading: body.type === InteractionResponseType.DeferredChannelMessageWithSource,
				response_message_ephemeral: ephemeral,
			},
			resource: { type: body.type, message },
		},
	});
}

/** Resolves the interaction behind a webhook URL, or the error Discord gives. */
function webhookInteraction(state: EmulatorState, ctx: RouteContext): InteractionState | Reply {
	const token = ctx.params.token ?? '';
	const interaction = state.interactionsByToken.get(token);
	if (ctx.params.appId !== state.applicationId || !interaction) return UNKNOWN_WEBHOOK();
	const withId = (reply: Reply): Reply => ({ ...reply, interactionId: interaction.id });
	if (state.expiredTokens.has(token) || Date.now() - interaction.sentAt > INTERACTION_TOKEN_LIFETIME_MS) {
		return withId(apiError(401, 50027, 'Invalid Webhook Token'));
	}
	if (!interaction.acknowledged) return withId(UNKNOWN_WEBHOOK());
	return interaction;
}

export function createFollowUp(state: EmulatorState, ctx: RouteContext): Reply {
	const interaction = webhookInteraction(state, ctx);
	if (!('token' in interaction)) return interaction;
	const context = messageContext(state, interaction.channelId, interaction.attachmentSizeLimit, interactionExtra(state, interaction));
	const built = buildMessage(null, ctx.json, ctx.files, context, { isEdit: false });
	if (!built.ok) return { ...built.reply, interactionId: interaction.id };
	interaction.followUps.set(built.message.id, built.message);
	if (ctx.query.wait !== 'true') return { status: 204, interactionId: interaction.id };
	return { status: 200, body: built.message, interactionId: interaction.id };
}

export function webhookMessage(state: EmulatorState, ctx: RouteContext, method: 'GET' | 'PATCH' | 'DELETE'): Reply {
	const interaction = webhookInteraction(state, ctx);
	if (!('token' in interaction)) return interaction;
	const interactionId = interaction.id;
	const messageId = ctx.params.messageId ?? '';
	const isOriginal = messageId === '@original' || messageId === interaction.original?.id;
	const current = isOriginal ? interaction.original : interaction.followUps.get(messageId);
	if (!current) return { ...UNKNOWN_MESSAGE(), interactionId };

	if (method === 'GET') return { status: 200, body: current, interactionId };
	if (method === 'DELETE') {
		if (isOriginal) delete interaction.original;
		else interaction.followUps.delete(current.id);
		return { status: 204, interactionId };
	}
	const context = messageContext(state, interaction.channelId, interaction.attachmentSizeLimit, interactionExtra(state, interaction));
	const built = buildMessage(current, ctx.json, ctx.files, context, { isEdit: true });
	if (!built.ok) return { ...built.reply, interactionId };
	if (isOriginal) interaction.original = built.message;
	else interaction.followUps.set(current.id, built.message);
	return { status: 200, body: built.message, interactionId };
}

/** Fields Discord puts on messages created through an interaction's webhook. */
function interactionExtra(state: EmulatorState, interaction: InteractionState): Partial<APIMessage> {
	return {
		type: MessageType.ChatInputCommand,
		webhook_id: state.applicationId,
		application_id: state.applicationId,
		interaction_metadata: {
			id: interaction.id,
			type: InteractionType.ApplicationCommand,
			user: interaction.user,
			authorizing_integration_owners: interaction.guildId ? { '0': interaction.guildId } : { '1': interaction.user.id },
		},
		interaction: {
			id: interaction.id,
			type: InteractionType.ApplicationCommand,
			name: interaction.commandName,
			user: interaction.user,
		},
	};
}
