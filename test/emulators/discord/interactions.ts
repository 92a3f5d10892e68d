/**
 * Interactions the emulator dispatches, as INTERACTION_CREATE payloads (discord-api-types v10 shapes): chat
 * input commands (guild or DM, with data.resolved) and their autocompletes, button clicks (MESSAGE_COMPONENT,
 * with the message) and modal submits (MODAL_SUBMIT), plus the state kept to judge the bot's responses to each.
 */
import { randomBytes } from 'node:crypto';
import type { Locale } from 'discord-api-types/v10';
import {
	type APIApplicationCommandInteractionDataOption,
	type APIBaseInteraction,
	type APIChatInputApplicationCommandInteractionData,
	type APIMessage,
	type APIMessageButtonInteractionData,
	type APIModalSubmission,
	type APIUser,
	type ChannelFlags,
	type MessageFlags,
	ApplicationCommandOptionType,
	ApplicationCommandType,
	ChannelType,
	ComponentType,
	InteractionContextType,
	InteractionType,
	MessageType,
} from 'discord-api-types/v10';
import { findButton } from './components.js';
import { modalSubmission } from './modals.js';
import { dmChannelFor, memberBase } from './payloads.js';
import { OUTSIDER_APP_PERMISSIONS, type Placement, defaultChannel, foreignGuildOf, groupDm, placementGuild, resolvePlacement } from './placement.js';
import { type PendingDispatch, ensureRoles, guildChannel, resolveOptions } from './resolved.js';
import type { EmulatorState, InteractionState } from './state.js';
import type { ClickButtonOptions, EmulatedRole, EmulatedUser, InteractionOptions, InteractionPlacement, SubmitModalOptions } from './types.js';
import { DEFAULT_APP_PERMISSIONS, DEFAULT_ATTACHMENT_LIMIT, DEFAULT_MEMBER_PERMISSIONS, DEFAULT_USER, iso, makeUser, snowflake } from './util.js';

type DispatchedType = InteractionState['type'];
type BaseFields = Omit<APIBaseInteraction<DispatchedType, unknown>, 'id' | 'type' | 'token' | 'data' | 'message'>;

/** A registered interaction, its INTERACTION_CREATE payload, and dispatches that must precede it (roles it created). */
export interface CreatedInteraction {
	interaction: InteractionState;
	payload: APIBaseInteraction<DispatchedType, unknown>;
	pending: PendingDispatch[];
}

interface Who extends InteractionPlacement {
	guildId?: string | null;
	channelId?: string;
	user?: EmulatedUser;
	permissions?: string;
	memberRoles?: string[];
	appPermissions?: string;
	attachmentSizeLimit?: number;
	resolvedRoles?: EmulatedRole[];
}

interface Context {
	fields: BaseFields;
	user: APIUser;
	guildId: string | null;
	channelId: string;
	permissions: string;
	memberRoles: string[];
	appPermissions: string;
	placement: Placement;
}

/** Fields every interaction has: who, where (guild + member, or DM + user), permissions, locale, context, owners. */
function context(state: EmulatorState, who: Who, pending: PendingDispatch[]): Context {
	const user = makeUser(who.user ?? DEFAULT_USER);
	state.knownUsers.set(user.id, user);
	const guildId = placementGuild(state, who.guildId, who.context);
	const channelId = who.channelId ?? (guildId === null && who.context !== 2 ? dmChannelFor(state, user).id : defaultChannel(state, guildId));
	const placement = resolvePlacement(state, who, guildId, channelId, user.id);
	const permissions = who.permissions ?? DEFAULT_MEMBER_PERMISSIONS;
	const memberRoles = guildId === null ? [] : (who.memberRoles ?? []);
	const appPermissions = who.appPermissions ?? (placement.outsider ? OUTSIDER_APP_PERMISSIONS : DEFAULT_APP_PERMISSIONS);
	const common = {
		application_id: state.applicationId,
		version: 1 as const,
		app_permissions: appPermissions,
		locale: placement.locale as Locale,
		entitlements: [],
		attachment_size_limit: who.attachmentSizeLimit ?? DEFAULT_ATTACHMENT_LIMIT,
		authorizing_integration_owners: placement.owners,
		context: placement.context,
	};
	const out = { user, guildId, channelId, permissions, memberRoles, appPermissions, placement };
	if (guildId === null) {
		const channel =
			placement.context === InteractionContextType.PrivateChannel
				? (groupDm(channelId, user) as unknown as NonNullable<BaseFields['channel']>)
				: { id: channelId, type: ChannelType.DM as const, flags: 0 as ChannelFlags, last_message_id: null, recipients: [user] };
		return { ...out, fields: { ...common, user, channel_id: channelId, channel } };
	}
	// A guild that did not add the bot sends it no guild events.
	if (!placement.outsider) ensureRoles(state, guildId, memberRoles, who.resolvedRoles ?? [], pending);
	if (who.memberRoles) state.memberRoles.set(`${guildId}:${user.id}`, memberRoles);
	const fields: BaseFields = {
		...common,
		guild_id: guildId,
		guild: { id: guildId, locale: placement.guildLocale as Locale, features: [] },
		guild_locale: placement.guildLocale as Locale,
		member: { ...memberBase(state), user, permissions, roles: memberRoles },
		channel_id: channelId,
		channel: guildChannel(state, guildId, channelId),
	};
	return { ...out, fields };
}

/** Gives the interaction an id and token, records its state and builds the payload. */
function register(
	state: EmulatorState,
	type: DispatchedType,
	name: string,
	ctx: Context,
	data: unknown,
	extra: { message?: APIMessage; sourceMessageId?: string; triggeringId?: string; focusedType?: number },
	pending: PendingDispatch[],
): CreatedInteraction {
	const id = snowflake();
	const token = Buffer.from(`interaction:${id}:${randomBytes(48).toString('base64url')}`).toString('base64url');
	const payload: APIBaseInteraction<DispatchedType, unknown> = { ...ctx.fields, id, type, token, data, ...(extra.message ? { message: extra.message } : {}) };
	const interaction: InteractionState = {
		id,
		token,
		sentAt: Date.now(),
		type,
		name,
		guildId: ctx.guildId,
		channelId: ctx.channelId,
		user: ctx.user,
		permissions: ctx.permissions,
		memberRoles: ctx.memberRoles,
		appPermissions: ctx.appPermissions,
		attachmentSizeLimit: ctx.fields.attachment_size_limit,
		owners: ctx.placement.owners,
		locale: ctx.placement.locale,
		guildLocale: ctx.placement.guildLocale,
		context: ctx.placement.context,
		payload,
		acknowledged: false,
		followUpIds: new Set(),
		...(extra.sourceMessageId ? { sourceMessageId: extra.sourceMessageId } : {}),
		...(extra.triggeringId ? { triggeringId: extra.triggeringId } : {}),
		...(extra.focusedType === undefined ? {} : { focusedType: extra.focusedType }),
	};
	state.interactions.set(id, interaction);
	state.interactionsByToken.set(token, interaction);
	return { interaction, payload, pending };
}

/** Options that may be focused in an autocomplete: STRING, INTEGER, NUMBER (docs: application-commands, Autocomplete). */
const AUTOCOMPLETE_TYPES: ReadonlySet<number> = new Set([
	ApplicationCommandOptionType.String,
	ApplicationCommandOptionType.Integer,
	ApplicationCommandOptionType.Number,
]);

/** The options with `focused: true`, subcommands included. */
function focusedOptions(options: readonly APIApplicationCommandInteractionDataOption[]): APIApplicationCommandInteractionDataOption[] {
	return options.flatMap((o) => [
		...('focused' in o && o.focused === true ? [o] : []),
		...('options' in o && Array.isArray(o.options) ? focusedOptions(o.options) : []),
	]);
}

/**
 * A chat input command (type 2), or with `autocomplete` the APPLICATION_COMMAND_AUTOCOMPLETE (type 4) Discord
 * sends while the user types: exactly one STRING, INTEGER or NUMBER option focused, its value the text typed.
 */
export function createInteraction(state: EmulatorState, opts: InteractionOptions, autocomplete = false): CreatedInteraction {
	let focusedType: number | undefined;
	if (autocomplete) {
		const focused = focusedOptions(opts.options ?? []);
		if (focused.length !== 1) throw new Error(`discord emulator: an autocomplete needs exactly one option with focused: true (got ${focused.length})`);
		if (!AUTOCOMPLETE_TYPES.has(focused[0]!.type)) throw new Error(`discord emulator: option type ${focused[0]!.type} cannot autocomplete (only 3, 4, 10)`);
		focusedType = focused[0]!.type;
	}
	const pending: PendingDispatch[] = [];
	const ctx = context(state, opts, pending);
	const resolved = resolveOptions(
		state,
		{ options: opts.options ?? [], guildId: ctx.guildId, permissions: ctx.permissions, users: opts.resolvedUsers ?? [], roles: opts.resolvedRoles ?? [] },
		pending,
	);
	const scope = ctx.guildId ?? 'global';
	const data: APIChatInputApplicationCommandInteractionData = {
		id: state.commandIds.get(`${scope}:1:${opts.commandName}`) ?? state.commandIds.get(`global:1:${opts.commandName}`) ?? snowflake(),
		name: opts.commandName,
		type: ApplicationCommandType.ChatInput,
		...(opts.options ? { options: opts.options } : {}),
		...(resolved ? { resolved } : {}),
		...(ctx.guildId ? { guild_id: ctx.guildId } : {}),
	};
	const type = autocomplete ? InteractionType.ApplicationCommandAutocomplete : InteractionType.ApplicationCommand;
	return register(state, type, opts.commandName, ctx, data, focusedType === undefined ? {} : { focusedType }, pending);
}

/** The message a forced click on an unknown message claims to come from. */
function strangerMessage(state: EmulatorState, messageId: string, channelId: string): APIMessage {
	return {
		id: messageId,
		type: MessageType.Default,
		channel_id: channelId,
		author: state.botUser,
		content: '',
		embeds: [],
		attachments: [],
		components: [],
		mentions: [],
		mention_roles: [],
		mention_everyone: false,
		pinned: false,
		tts: false,
		flags: 0 as MessageFlags,
		timestamp: iso(),
		edited_timestamp: null,
	};
}

/** A button click (type 3, component_type 2) on a message the bot made. */
export function createButtonClick(state: EmulatorState, opts: ClickButtonOptions): CreatedInteraction {
	const stored = state.liveMessage(opts.messageId);
	const button = stored ? findButton(stored.components, opts.customId) : undefined;
	if (!opts.force) {
		if (!stored) throw new Error(`discord emulator: no message ${opts.messageId} to click (unknown or deleted); pass force to send anyway`);
		if (!button) throw new Error(`discord emulator: message ${opts.messageId} has no button '${opts.customId}'; pass force to send anyway`);
		if (button.disabled === true) throw new Error(`discord emulator: button '${opts.customId}' is disabled; pass force to send anyway`);
	}
	const channelId = stored?.channel_id ?? state.guilds[0]?.channelIds[0] ?? snowflake();
	const isDm = [...state.dmChannels.values()].some((dm) => dm.id === channelId) || state.privateChannels.has(channelId);
	const guildId =
		opts.guildId !== undefined
			? opts.guildId
			: isDm
				? null
				: (state.guildOfChannel(channelId)?.id ?? foreignGuildOf(state, channelId) ?? state.guilds[0]?.id ?? null);
	const pending: PendingDispatch[] = [];
	// Whoever clicks, the installation that authorised the message's interaction authorises the click.
	const owners = opts.authorizingIntegrationOwners ?? stored?.interaction_metadata?.authorizing_integration_owners;
	const ctx = context(state, { ...opts, guildId, channelId, ...(owners ? { authorizingIntegrationOwners: { ...owners } } : {}) }, pending);
	const message = stored ?? strangerMessage(state, opts.messageId, channelId);
	const data: APIMessageButtonInteractionData & { id?: number } = {
		custom_id: opts.customId,
		component_type: ComponentType.Button,
		...(typeof button?.id === 'number' ? { id: button.id } : {}),
	};
	return register(state, InteractionType.MessageComponent, opts.customId, ctx, data, { message, sourceMessageId: message.id }, pending);
}

/** A modal submit (type 5) of the modal the interaction `modalOf` was answered with. */
export function createModalSubmit(state: EmulatorState, opts: SubmitModalOptions): CreatedInteraction {
	const opener = state.interactions.get(opts.modalOf);
	const modal = opener?.modal;
	if (!opener || !modal) throw new Error(`discord emulator: interaction ${opts.modalOf} was not answered with a modal`);
	const components = modalSubmission(modal, opts.values);
	const pending: PendingDispatch[] = [];
	const ctx = context(
		state,
		{
			guildId: opener.guildId,
			channelId: opener.channelId,
			user: opts.user ?? { id: opener.user.id, username: opener.user.username },
			permissions: opts.permissions ?? opener.permissions,
			memberRoles: opts.memberRoles ?? opener.memberRoles,
			appPermissions: opener.appPermissions,
			attachmentSizeLimit: opener.attachmentSizeLimit,
			locale: opener.locale,
			guildLocale: opener.guildLocale,
			context: opener.context,
			authorizingIntegrationOwners: opener.owners,
		},
		pending,
	);
	const customId = opts.customId ?? modal.custom_id;
	const data = { custom_id: customId, components } as unknown as APIModalSubmission;
	// Opened from a component: the submit carries the message the component is on.
	const sourceMessageId = opener.type === InteractionType.MessageComponent ? opener.sourceMessageId : undefined;
	const message = sourceMessageId ? state.lastKnownMessage(sourceMessageId) : undefined;
	return register(
		state,
		InteractionType.ModalSubmit,
		customId,
		ctx,
		data,
		{ ...(message ? { message, sourceMessageId: message.id } : {}), triggeringId: opener.id },
		pending,
	);
}
