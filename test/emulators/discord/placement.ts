/**
 * Where an interaction happens and who authorised it (docs: receiving-and-responding, Interaction Object):
 * locale, guild_locale, context, authorizing_integration_owners, and the places the bot is not in (a guild
 * that did not add it, a group DM), which the REST routes then refuse with 403 Missing Access.
 */
import { ChannelType, InteractionContextType, PermissionFlagsBits } from 'discord-api-types/v10';
import type { EmulatorState } from './state.js';
import type { InteractionPlacement } from './types.js';
import { snowflake } from './util.js';

/**
 * app_permissions where the bot is not a member: "ATTACH_FILES | EMBED_LINKS | MENTION_EVERYONE for (G)DMs with
 * other users" (docs: Interaction Object, app_permissions footnote). Used for a guild that did not add the bot
 * too: none of the bits a bot needs to post, read or manage there.
 */
export const OUTSIDER_APP_PERMISSIONS = (PermissionFlagsBits.AttachFiles | PermissionFlagsBits.EmbedLinks | PermissionFlagsBits.MentionEveryone).toString();

export interface Placement {
	locale: string;
	guildLocale: string;
	context: 0 | 1 | 2;
	owners: Record<string, string>;
	/** The bot is not in the guild or channel (user install only): its REST routes answer 403. */
	outsider: boolean;
}

/** Guild to use: null for contexts 1 and 2, else the one given or the first guild. */
export function placementGuild(state: EmulatorState, guildId: string | null | undefined, context: number | undefined): string | null {
	if (guildId === null) return null;
	if (guildId === undefined) return context === 1 || context === 2 ? null : (state.guilds[0]?.id ?? null);
	if (context === 1 || context === 2) throw new Error(`discord emulator: context ${context} has no guild (got guildId ${guildId})`);
	return guildId;
}

/** Resolves the placement fields, registering a foreign guild's or a private channel's channel as unreachable. */
export function resolvePlacement(state: EmulatorState, p: InteractionPlacement, guildId: string | null, channelId: string, userId: string): Placement {
	const locale = p.locale ?? 'en-US';
	const guildLocale = p.guildLocale ?? 'en-US';
	if (guildId === null) {
		const context = p.context ?? (state.privateChannels.has(channelId) ? InteractionContextType.PrivateChannel : InteractionContextType.BotDM);
		if (context === InteractionContextType.Guild) throw new Error('discord emulator: context 0 needs a guild');
		if (context === InteractionContextType.PrivateChannel) state.privateChannels.add(channelId);
		// The bot's DM is served by the server install: key "0" with the value "0" (docs: Authorizing Integration
		// Owners Object). Only a user install reaches a group DM: key "1", the user.
		const group = context === InteractionContextType.PrivateChannel;
		return { locale, guildLocale, context, owners: p.authorizingIntegrationOwners ?? (group ? { '1': userId } : { '0': '0' }), outsider: group };
	}
	const outsider = !state.guilds.some((g) => g.id === guildId);
	if (outsider) {
		const channels = state.foreignGuilds.get(guildId) ?? new Set<string>();
		channels.add(channelId);
		state.foreignGuilds.set(guildId, channels);
	}
	const owners = p.authorizingIntegrationOwners ?? (outsider ? { '1': userId } : { '0': guildId });
	return { locale, guildLocale, context: InteractionContextType.Guild, owners, outsider };
}

/** The default channel: the guild's first (a foreign guild's first seen), or a new private channel. */
export function defaultChannel(state: EmulatorState, guildId: string | null): string {
	if (guildId === null) return snowflake();
	const known = state.guilds.find((g) => g.id === guildId)?.channelIds[0] ?? state.foreignGuilds.get(guildId)?.values().next().value;
	return known ?? snowflake();
}

/** The guild that did not add the bot a channel was seen in, if any. */
export function foreignGuildOf(state: EmulatorState, channelId: string): string | undefined {
	for (const [guildId, channels] of state.foreignGuilds) if (channels.has(channelId)) return guildId;
	return undefined;
}

/** A group DM the user is in, as the partial channel an interaction carries. */
export function groupDm(channelId: string, user: { id: string }): Record<string, unknown> {
	return { id: channelId, type: ChannelType.GroupDM, flags: 0, last_message_id: null, name: null, icon: null, owner_id: user.id, recipients: [user] };
}
