/**
 * REST routes for interaction responses: POST /interactions/:id/:token/callback (which response types each
 * interaction type allows, and what each does to @original; autocompletes take only type 8) and the interaction webhook (follow-ups,
 * GET/PATCH/DELETE of @original and follow-up messages), with Discord's timing rules. Every message made or
 * changed here goes to the message registry.
 */
import {
	type APIApplicationCommandInteractionMetadata,
	type APIMessage,
	type APIMessageComponentInteractionMetadata,
	type APIMessageInteractionMetadata,
	InteractionResponseType,
	InteractionType,
	MessageFlags,
	MessageReferenceType,
	MessageType,
} from 'discord-api-types/v10';
import { validateChoices } from './autocomplete.js';
import { buildMessage } from './messages.js';
import { validateModal } from './modals.js';
import { messageContext } from './payloads.js';
import { type Reply, UNKNOWN_INTERACTION, UNKNOWN_MESSAGE, UNKNOWN_WEBHOOK, apiError, formError } from './replies.js';
import type { RouteContext } from './router.js';
import type { EmulatorState, InteractionState } from './state.js';
import { isRecord, iso, snowflake } from './util.js';

const INTERACTION_ACK_WINDOW_MS = 3_000;
const INTERACTION_TOKEN_LIFETIME_MS = 15 * 60_000;
const R = InteractionResponseType;

/**
 * Response types each interaction type accepts (docs: 6 and 7 only for component-based interactions, 9 not for
 * MODAL_SUBMIT). A modal submit counts as component-based when the modal was opened from a message component.
 */
function allowedResponses(interaction: InteractionState): ReadonlySet<number> {
	if (interaction.type === InteractionType.ApplicationCommandAutocomplete) return new Set([R.ApplicationCommandAutocompleteResult]);
	if (interaction.type === InteractionType.MessageComponent)
		return new Set([R.ChannelMessageWithSource, R.DeferredChannelMessageWithSource, R.DeferredMessageUpdate, R.UpdateMessage, R.Modal]);
	if (interaction.type === InteractionType.ModalSubmit) {
		return new Set(
			interaction.sourceMessageId
				? [R.ChannelMessageWithSource, R.DeferredChannelMessageWithSource, R.DeferredMessageUpdate, R.UpdateMessage]
				: [R.ChannelMessageWithSource, R.DeferredChannelMessageWithSource],
		);
	}
	return new Set([R.ChannelMessageWithSource, R.DeferredChannelMessageWithSource, R.Modal]);
}

const KIND: Record<InteractionState['type'], string> = {
	[InteractionType.ApplicationCommand]: 'an application command',
	[InteractionType.ApplicationCommandAutocomplete]: 'an application command autocomplete',
	[InteractionType.MessageComponent]: 'a message component',
	[InteractionType.ModalSubmit]: 'a modal submit',
};

export function interactionCallback(state: EmulatorState, ctx: RouteContext): Reply {
	const interaction = state.interactions.get(ctx.params.interactionId ?? '');
	if (!interaction || interaction.token !== ctx.params.token) return UNKNOWN_INTERACTION();
	const withId = (reply: Reply): Reply => ({ ...reply, interactionId: interaction.id });
	// Checked before the 3 s window: a late second acknowledgement is still "already acknowledged".
	if (interaction.acknowledged) return withId(apiError(400, 40060, 'Interaction has already been acknowledged.'));
	if (Date.now() - interaction.sentAt > INTERACTION_ACK_WINDOW_MS) return withId(UNKNOWN_INTERACTION());

	const body = isRecord(ctx.json) ? ctx.json : {};
	const type = Number(body.type);
	const data = isRecord(body.data) ? body.data : {};
	if (!allowedResponses(interaction).has(type)) {
		return withId(
			formError(['type'], 'INTERACTION_RESPONSE_TYPE_INVALID', `Interaction response type ${String(body.type)} is not valid for ${KIND[interaction.type]}`),
		);
	}
	const context = messageContext(state, interaction.channelId, interaction.attachmentSizeLimit, interactionExtra(state, interaction));
	let message: APIMessage | undefined;
	if (type === R.DeferredChannelMessageWithSource) {
		const flags = data.flags === undefined || data.flags === null ? 0 : Number(data.flags);
		if (!Number.isInteger(flags) || (flags & ~MessageFlags.Ephemeral) !== 0) {
			return withId(formError(['data', 'flags'], 'INTERACTION_RESPONSE_FLAGS_INVALID', 'Only the EPHEMERAL flag (64) can be set'));
		}
		message = {
			mention_everyone: false,
			mention_roles: [],
			mentions: [],
			pinned: false,
			tts: false,
			type: MessageType.Default,
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
	} else if (type === R.ChannelMessageWithSource) {
		const built = buildMessage(null, data, ctx.files, context, { isEdit: false });
		if (!built.ok) return withId(built.reply);
		message = built.message;
	} else if (type === R.DeferredMessageUpdate || type === R.UpdateMessage) {
		// @original becomes the message the component is on; 6 leaves it as it is, 7 edits it now.
		const source = state.liveMessage(interaction.sourceMessageId ?? '');
		if (!source) return withId(UNKNOWN_MESSAGE());
		if (type === R.UpdateMessage) {
			const built = buildMessage(source, data, ctx.files, messageContext(state, source.channel_id, interaction.attachmentSizeLimit), { isEdit: true });
			if (!built.ok) return withId(built.reply);
			message = built.message;
		}
		interaction.originalId = source.id;
	} else if (type === R.ApplicationCommandAutocompleteResult) {
		const answer = validateChoices(body.data, interaction.focusedType ?? 3);
		if (!answer.ok) return withId(answer.reply);
		interaction.choices = answer.choices;
	} else {
		const modal = validateModal(body.data);
		if (!modal.ok) return withId(modal.reply);
		interaction.modal = modal.modal;
	}

	interaction.acknowledged = true;
	interaction.responseType = type;
	if (message) {
		state.saveMessage(message);
		interaction.originalId = message.id;
	}
	if (ctx.query.with_response !== 'true') return withId({ status: 204 });
	const ephemeral = ((message?.flags ?? 0) & MessageFlags.Ephemeral) !== 0;
	return withId({
		status: 200,
		body: {
			interaction: {
				id: interaction.id,
				type: interaction.type,
				...(message
					? { response_message_id: message.id, response_message_loading: type === R.DeferredChannelMessageWithSource, response_message_ephemeral: ephemeral }
					: {}),
			},
			resource: { type, ...(message ? { message } : {}) },
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

/**
 * "Apps are limited to 5 followup messages per interaction if it was initiated from a user-installed app and isn't
 * installed in the server (meaning the authorizing integration owners object only contains USER_INSTALL)" (docs:
 * receiving-and-responding, Create Followup Message); JSON error 40094 "This interaction has hit the maximum
 * number of follow up messages" (docs: topics/opcodes-and-status-codes). The docs give no HTTP status: 400, as
 * for the other 400xx request errors.
 */
const USER_INSTALL_FOLLOW_UPS = 5;

export function createFollowUp(state: EmulatorState, ctx: RouteContext): Reply {
	const interaction = webhookInteraction(state, ctx);
	if (!('token' in interaction)) return interaction;
	if (!('0' in interaction.owners) && interaction.followUpIds.size >= USER_INSTALL_FOLLOW_UPS) {
		return { ...apiError(400, 40094, 'This interaction has hit the maximum number of follow up messages'), interactionId: interaction.id };
	}
	const context = messageContext(state, interaction.channelId, interaction.attachmentSizeLimit, interactionExtra(state, interaction));
	const built = buildMessage(null, ctx.json, ctx.files, context, { isEdit: false });
	if (!built.ok) return { ...built.reply, interactionId: interaction.id };
	state.saveMessage(built.message);
	interaction.followUpIds.add(built.message.id);
	if (ctx.query.wait !== 'true') return { status: 204, interactionId: interaction.id };
	return { status: 200, body: built.message, interactionId: interaction.id };
}

export function webhookMessage(state: EmulatorState, ctx: RouteContext, method: 'GET' | 'PATCH' | 'DELETE'): Reply {
	const interaction = webhookInteraction(state, ctx);
	if (!('token' in interaction)) return interaction;
	const interactionId = interaction.id;
	const messageId = ctx.params.messageId ?? '';
	const targetId =
		messageId === '@original' ? interaction.originalId : messageId === interaction.originalId || interaction.followUpIds.has(messageId) ? messageId : undefined;
	const current = targetId === undefined ? undefined : state.liveMessage(targetId);
	if (!current) return { ...UNKNOWN_MESSAGE(), interactionId };

	if (method === 'GET') return { status: 200, body: current, interactionId };
	if (method === 'DELETE') {
		state.markDeleted(current.id);
		return { status: 204, interactionId };
	}
	// An edit keeps the message's own fields (a clicked channel post gains no interaction fields).
	const built = buildMessage(current, ctx.json, ctx.files, messageContext(state, current.channel_id, interaction.attachmentSizeLimit), { isEdit: true });
	if (!built.ok) return { ...built.reply, interactionId };
	state.saveMessage(built.message);
	return { status: 200, body: built.message, interactionId };
}

/** interaction_metadata of messages created in response to the interaction. */
function metadata(state: EmulatorState, interaction: InteractionState): APIMessageInteractionMetadata {
	const base = {
		id: interaction.id,
		user: interaction.user,
		authorizing_integration_owners: interaction.owners,
	};
	if (interaction.type === InteractionType.MessageComponent) {
		return { ...base, type: InteractionType.MessageComponent, interacted_message_id: interaction.sourceMessageId ?? '' };
	}
	if (interaction.type === InteractionType.ModalSubmit) {
		// A modal is never shown in answer to a modal submit, so the opener is a command or a component interaction.
		const opener = state.interactions.get(interaction.triggeringId ?? '');
		const triggering = (opener ? metadata(state, opener) : { ...base, type: InteractionType.ApplicationCommand }) as
			APIApplicationCommandInteractionMetadata | APIMessageComponentInteractionMetadata;
		return { ...base, type: InteractionType.ModalSubmit, triggering_interaction_metadata: triggering };
	}
	return { ...base, type: InteractionType.ApplicationCommand };
}

/**
 * Fields Discord puts on messages created through an interaction: webhook and application ids and
 * interaction_metadata; a command's response is type 20 with the legacy `interaction`; a response to a
 * component (or to a modal opened from one) is a reply (type 19) referencing the message the component is on
 * (docs: "responses to Message Components do not include [interaction], instead including a message reference").
 */
function interactionExtra(state: EmulatorState, interaction: InteractionState): Partial<APIMessage> {
	const base = { webhook_id: state.applicationId, application_id: state.applicationId, interaction_metadata: metadata(state, interaction) };
	if (interaction.type === InteractionType.ApplicationCommand) {
		return {
			...base,
			type: MessageType.ChatInputCommand,
			interaction: { id: interaction.id, type: InteractionType.ApplicationCommand, name: interaction.name, user: interaction.user },
		};
	}
	const sourceId = interaction.sourceMessageId;
	if (!sourceId) return { ...base, type: MessageType.Default };
	const source = state.liveMessage(sourceId);
	const { referenced_message: _nested, ...referenced } = source ?? ({} as Partial<APIMessage>);
	return {
		...base,
		type: MessageType.Reply,
		message_reference: {
			type: MessageReferenceType.Default,
			message_id: sourceId,
			channel_id: interaction.channelId,
			...(interaction.guildId ? { guild_id: interaction.guildId } : {}),
		},
		referenced_message: source ? (referenced as APIMessage) : null,
	};
}
