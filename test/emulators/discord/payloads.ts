/**
 * Payloads derived from the emulator state: guilds (GUILD_CREATE and GET /guilds/:id), members, channels,
 * DM channels, and the context messages are built in.
 */
import {
	type APIGuildMember,
	type APIMessage,
	type APIRole,
	type APIUser,
	type ChannelFlags,
	type GatewayGuildCreateDispatchData,
	type GuildMemberFlags,
	type GuildSystemChannelFlags,
	type RoleFlags,
	ChannelType,
	GuildFeature,
	Locale,
} from 'discord-api-types/v10';
import type { MessageContext } from './messages.js';
import type { EmulatorState } from './state.js';
import { realisticChannels, realisticEmojis, realisticRoles } from './scale.js';
import type { EmulatedGuild } from './types.js';
import { BOT_USERNAME, DEFAULT_APP_PERMISSIONS, DEFAULT_MEMBER_PERMISSIONS, GUILD_OWNER_ID, iso, snowflake } from './util.js';

/** A guild text channel as Discord describes it (GUILD_CREATE and GET /channels/:id). */
export function textChannel(guildId: string, id: string, position: number) {
	return {
		id,
		type: ChannelType.GuildText as const,
		guild_id: guildId,
		name: position === 0 ? 'general' : `channel-${position}`,
		position,
		permission_overwrites: [],
		parent_id: null,
		topic: null,
		nsfw: false,
		last_message_id: null,
		rate_limit_per_user: 0,
		flags: 0 as ChannelFlags,
	};
}

export function memberBase(state: EmulatorState): Omit<APIGuildMember, 'user'> & { user?: APIUser } {
	return {
		roles: [],
		joined_at: iso(state.startedAt - 86_400_000),
		premium_since: null,
		deaf: false,
		mute: false,
		flags: 0 as GuildMemberFlags,
		pending: false,
		nick: null,
		avatar: null,
		banner: null,
		communication_disabled_until: null,
	};
}

export function botRoleId(state: EmulatorState, guild: EmulatedGuild): string {
	let id = state.botRoleIds.get(guild.id);
	if (!id) {
		id = snowflake();
		state.botRoleIds.set(guild.id, id);
	}
	return id;
}

export function botMember(state: EmulatorState, guild: EmulatedGuild): APIGuildMember {
	return { ...memberBase(state), user: state.botUser, roles: [botRoleId(state, guild)] };
}

export function guildCreate(state: EmulatorState, guild: EmulatedGuild): GatewayGuildCreateDispatchData {
	const shape = guild.shape;
	const role = (id: string, name: string, permissions: string, position: number, managed: boolean): APIRole => ({
		id,
		name,
		color: 0,
		colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
		hoist: false,
		icon: null,
		unicode_emoji: null,
		position,
		permissions,
		managed,
		mentionable: false,
		flags: 0 as RoleFlags,
		...(managed ? { tags: { bot_id: state.applicationId } } : {}),
	});
	return {
		id: guild.id,
		name: guild.name,
		icon: null,
		splash: null,
		discovery_splash: null,
		banner: null,
		description: null,
		owner_id: GUILD_OWNER_ID,
		region: 'us-west',
		afk_channel_id: null,
		afk_timeout: 300,
		widget_enabled: false,
		widget_channel_id: null,
		verification_level: 0,
		default_message_notifications: 0,
		explicit_content_filter: 0,
		mfa_level: 0,
		application_id: null,
		system_channel_id: guild.channelIds[0] ?? null,
		system_channel_flags: 0 as GuildSystemChannelFlags,
		rules_channel_id: null,
		public_updates_channel_id: null,
		safety_alerts_channel_id: null,
		vanity_url_code: null,
		premium_tier: 0,
		premium_subscription_count: 0,
		premium_progress_bar_enabled: false,
		preferred_locale: Locale.EnglishUS,
		max_video_channel_users: 25,
		max_stage_video_channel_users: 50,
		nsfw_level: 0,
		hub_type: null,
		incidents_data: null,
		features: shape ? [GuildFeature.Community, GuildFeature.News, GuildFeature.InviteSplash, GuildFeature.AnimatedIcon] : [],
		emojis: shape ? realisticEmojis(guild.id, shape) : [],
		stickers: [],
		roles: [
			...(shape
				? realisticRoles(guild.id, shape, [role(botRoleId(state, guild), BOT_USERNAME, DEFAULT_APP_PERMISSIONS, 1, true)])
				: [role(guild.id, '@everyone', DEFAULT_MEMBER_PERMISSIONS, 0, false), role(botRoleId(state, guild), BOT_USERNAME, DEFAULT_APP_PERMISSIONS, 1, true)]),
			// Roles interactions referred to (created with GUILD_ROLE_CREATE), so a later IDENTIFY sees them too.
			...(state.guildRoles.get(guild.id)?.values() ?? []),
		],
		channels: shape ? realisticChannels(guild.id, shape) : guild.channelIds.map((id, position) => textChannel(guild.id, id, position)),
		threads: [],
		// Discord always includes the bot's own member, so guild.members.me works. Without the privileged members
		// intent, that (and members in voice) is all it sends, however large the guild.
		members: [botMember(state, guild)],
		member_count: shape?.memberCount ?? 2,
		joined_at: iso(state.startedAt - 3_600_000),
		large: (shape?.memberCount ?? 2) > 50,
		unavailable: false,
		voice_states: [],
		presences: [],
		stage_instances: [],
		guild_scheduled_events: [],
		soundboard_sounds: [],
	};
}

export function dmChannelFor(state: EmulatorState, user: APIUser): { id: string; recipient: APIUser } {
	let channel = state.dmChannels.get(user.id);
	if (!channel) {
		channel = { id: snowflake(), recipient: user };
		state.dmChannels.set(user.id, channel);
	}
	return channel;
}

/** Channel object for GET /channels/:id, or null when the channel is unknown. */
export function channelObject(state: EmulatorState, channelId: string): Record<string, unknown> | null {
	for (const guild of state.guilds) {
		const position = guild.channelIds.indexOf(channelId);
		if (position < 0) continue;
		return { ...textChannel(guild.id, channelId, position) };
	}
	for (const dm of state.dmChannels.values()) {
		if (dm.id === channelId) {
			return { id: dm.id, type: ChannelType.DM, flags: 0, last_message_id: null, recipients: [dm.recipient] };
		}
	}
	return null;
}

export function messageContext(state: EmulatorState, channelId: string, attachmentSizeLimit: number, extra?: Partial<APIMessage>): MessageContext {
	return {
		channelId,
		author: state.botUser,
		attachmentSizeLimit,
		attachmentBase: state.apiUrl.replace(/\/api$/, ''),
		storeAttachment: (id, file) => state.attachmentsById.set(id, file),
		...(extra ? { extra } : {}),
	};
}
