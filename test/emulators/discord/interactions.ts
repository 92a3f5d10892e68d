/**
 * Interactions the emulator dispatches: the INTERACTION_CREATE payload (chat input command, in a guild or
 * a DM, with data.resolved for USER options) and the state kept to judge the bot's responses to it.
 */
import { randomBytes } from 'node:crypto';
import {
	type APIApplicationCommandInteractionDataOption,
	type APIChatInputApplicationCommandInteraction,
	type APIInteractionDataResolved,
	type APIUser,
	type ChannelFlags,
	ApplicationCommandOptionType,
	ApplicationCommandType,
	ChannelType,
	InteractionContextType,
	InteractionType,
	Locale,
} from 'discord-api-types/v10';
import { dmChannelFor, memberBase } from './payloads.js';
import type { EmulatorState, InteractionState } from './state.js';
import type { InteractionOptions } from './types.js';
import { DEFAULT_APP_PERMISSIONS, DEFAULT_ATTACHMENT_LIMIT, DEFAULT_MEMBER_PERMISSIONS, DEFAULT_USER, makeUser, snowflake } from './util.js';

/** Registers a new interaction (id, token, state) and returns it with the INTERACTION_CREATE payload to dispatch. */
export function createInteraction(
	state: EmulatorState,
	opts: InteractionOptions,
): { interaction: InteractionState; payload: APIChatInputApplicationCommandInteraction } {
	const id = snowflake();
	const token = Buffer.from(`interaction:${id}:${randomBytes(48).toString('base64url')}`).toString('base64url');
	const payload = buildInteraction(state, id, token, opts);
	const sentAt = Date.now();
	const interaction: InteractionState = {
		id,
		token,
		sentAt,
		commandName: opts.commandName,
		guildId: payload.guild_id ?? null,
		channelId: payload.channel.id,
		user: payload.member?.user ?? payload.user ?? makeUser(DEFAULT_USER),
		attachmentSizeLimit: payload.attachment_size_limit,
		acknowledged: false,
		followUps: new Map(),
	};
	state.interactions.set(id, interaction);
	state.interactionsByToken.set(token, interaction);
	return { interaction, payload };
}

function buildInteraction(state: EmulatorState, id: string, token: string, opts: InteractionOptions): APIChatInputApplicationCommandInteraction {
	const user = makeUser(opts.user ?? DEFAULT_USER);
	state.knownUsers.set(user.id, user);
	const guildId = opts.guildId === null ? null : (opts.guildId ?? state.guilds[0]?.id ?? null);
	const guild = guildId === null ? null : (state.guilds.find((g) => g.id === guildId) ?? null);
	const permissions = opts.permissions ?? DEFAULT_MEMBER_PERMISSIONS;
	const appPermissions = opts.appPermissions ?? DEFAULT_APP_PERMISSIONS;

	const resolved = resolveOptions(state, opts, guildId !== null, permissions);
	const data = {
		id: state.commandIds.get(`${guildId ?? 'global'}:1:${opts.commandName}`) ?? state.commandIds.get(`global:1:${opts.commandName}`) ?? snowflake(),
		name: opts.commandName,
		type: ApplicationCommandType.ChatInput as const,
		...(opts.options ? { options: opts.options } : {}),
		...(resolved ? { resolved } : {}),
		...(guildId ? { guild_id: guildId } : {}),
	};
	const base = {
		id,
		application_id: state.applicationId,
		type: InteractionType.ApplicationCommand as const,
		token,
		version: 1 as const,
		data,
		app_permissions: appPermissions,
		locale: Locale.EnglishUS,
		entitlements: [],
		attachment_size_limit: opts.attachmentSizeLimit ?? DEFAULT_ATTACHMENT_LIMIT,
	};

	if (guildId === null) {
		const channelId = opts.channelId ?? dmChannelFor(state, user).id;
		return {
			...base,
			user,
			channel_id: channelId,
			channel: { id: channelId, type: ChannelType.DM, flags: 0 as ChannelFlags, last_message_id: null, recipients: [user] },
			authorizing_integration_owners: { '1': user.id },
			context: InteractionContextType.BotDM,
		};
	}
	const channelId = opts.channelId ?? guild?.channelIds[0] ?? snowflake();
	return {
		...base,
		guild_id: guildId,
		guild: { id: guildId, locale: Locale.EnglishUS, features: [] },
		guild_locale: Locale.EnglishUS,
		member: { ...memberBase(state), user, permissions },
		channel_id: channelId,
		channel: {
			id: channelId,
			type: ChannelType.GuildText,
			guild_id: guildId,
			name: 'general',
			position: 0,
			permission_overwrites: [],
			parent_id: null,
			topic: null,
			nsfw: false,
			last_message_id: null,
			rate_limit_per_user: 0,
			flags: 0 as ChannelFlags,
		},
		authorizing_integration_owners: { '0': guildId },
		context: InteractionContextType.Guild,
	};
}

/** data.resolved for USER options: given users first, generated ones for any other referenced id. */
function resolveOptions(state: EmulatorState, opts: InteractionOptions, inGuild: boolean, permissions: string): APIInteractionDataResolved | null {
	const users = new Map<string, APIUser>();
	for (const u of opts.resolvedUsers ?? []) users.set(u.id, makeUser(u));
	const walk = (options: APIApplicationCommandInteractionDataOption[]): void => {
		for (const option of options) {
			if (option.type === ApplicationCommandOptionType.User && !users.has(option.value)) {
				users.set(option.value, state.knownUsers.get(option.value) ?? makeUser({ id: option.value }));
			}
			if ('options' in option && option.options) walk(option.options);
		}
	};
	walk(opts.options ?? []);
	if (users.size === 0) return null;
	for (const u of users.values()) state.knownUsers.set(u.id, u);
	const resolved: APIInteractionDataResolved = { users: Object.fromEntries([...users].map(([id, u]) => [id, u])) };
	if (inGuild) {
		const { user: _user, ...member } = memberBase(state);
		resolved.members = Object.fromEntries([...users.keys()].map((id) => [id, { ...member, permissions }]));
	}
	return resolved;
}
