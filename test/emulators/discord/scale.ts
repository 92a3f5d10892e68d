/**
 * Many guilds, as a bot in a few thousand servers sees them: ids whose timestamps spread over years (so they
 * spread over shards as real ids do), and GUILD_CREATE payloads with the channels, roles, emojis and member count
 * of a typical community server. Also Discord's sharding arithmetic.
 */
import { ChannelType, type APIEmoji, type APIRole, type ChannelFlags, type RoleFlags } from 'discord-api-types/v10';
import type { GuildShape } from './types.js';
import { DEFAULT_MEMBER_PERMISSIONS } from './util.js';

/** Discord refuses to put more guilds than this on one shard (close 4011). */
export const MAX_GUILDS_PER_SHARD = 2500;
/** Discord recommends about one shard per this many guilds. */
export const GUILDS_PER_RECOMMENDED_SHARD = 1000;

export const DEFAULT_SHAPE: Required<GuildShape> = { channels: 40, roles: 30, emojis: 20, memberCount: 1200 };

const DISCORD_EPOCH = 1_420_070_400_000n;

/** The shard Discord sends a guild's events to. */
export function shardOf(guildId: string, shardCount: number): number {
	return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}

export function recommendedShards(guildCount: number): number {
	return Math.max(1, Math.ceil(guildCount / GUILDS_PER_RECOMMENDED_SHARD));
}

/** Deterministic ids created between 2017 and 2025, distinct, in creation order. */
export function guildIds(count: number, seed = 1): string[] {
	let state = seed >>> 0 || 1;
	const random = () => {
		state ^= state << 13;
		state ^= state >>> 17;
		state ^= state << 5;
		return (state >>> 0) / 2 ** 32;
	};
	const from = BigInt(Date.UTC(2017, 0, 1)) - DISCORD_EPOCH;
	const span = BigInt(Date.UTC(2025, 0, 1) - Date.UTC(2017, 0, 1));
	const ids = new Set<string>();
	while (ids.size < count) {
		const ms = from + BigInt(Math.floor(random() * Number(span)));
		ids.add(((ms << 22n) | BigInt(Math.floor(random() * 2 ** 22))).toString());
	}
	return [...ids];
}

/** Ids of a guild's own objects: derived from the guild id, so nothing per guild needs storing. */
export function childId(guildId: string, kind: 'channel' | 'role' | 'emoji', index: number): string {
	const offset = { channel: 1n, role: 1001n, emoji: 2001n }[kind];
	return (BigInt(guildId) + offset + BigInt(index)).toString();
}

export function realisticChannels(guildId: string, shape: Required<GuildShape>) {
	const channels = [];
	let category: string | null = null;
	for (let i = 0; i < shape.channels; i++) {
		const id = childId(guildId, 'channel', i);
		const common = {
			id,
			guild_id: guildId,
			position: i,
			flags: 0 as ChannelFlags,
			permission_overwrites:
				i % 3 === 0
					? [
							{ id: guildId, type: 0 as const, allow: '0', deny: '1024' },
							{ id: childId(guildId, 'role', 2), type: 0 as const, allow: '3072', deny: '0' },
						]
					: [],
		};
		if (i > 0 && i % 10 === 0) {
			category = id;
			channels.push({ ...common, type: ChannelType.GuildCategory as const, name: `Category ${i / 10}`, parent_id: null, nsfw: false });
		} else if (i % 7 === 6) {
			channels.push({
				...common,
				type: ChannelType.GuildVoice as const,
				name: `Voice ${i}`,
				parent_id: category,
				nsfw: false,
				bitrate: 64000,
				user_limit: 0,
				rtc_region: null,
				rate_limit_per_user: 0,
				last_message_id: null,
			});
		} else {
			channels.push({
				...common,
				type: ChannelType.GuildText as const,
				name: i === 0 ? 'general' : `channel-${i}`,
				parent_id: i === 0 ? null : category,
				topic: i % 2 === 0 ? `Talk about topic number ${i} here. Be kind, stay on topic, and read the rules.` : null,
				nsfw: false,
				last_message_id: childId(guildId, 'channel', 900 + i),
				rate_limit_per_user: i % 5 === 0 ? 5 : 0,
				default_thread_rate_limit_per_user: 0,
			});
		}
	}
	return channels;
}

export function realisticRoles(guildId: string, shape: Required<GuildShape>, extra: APIRole[]): APIRole[] {
	const roles: APIRole[] = [];
	for (let i = 0; i < shape.roles - extra.length; i++) {
		roles.push({
			id: i === 0 ? guildId : childId(guildId, 'role', i),
			name: i === 0 ? '@everyone' : `Role ${i}`,
			color: i === 0 ? 0 : (i * 2654435761) % 0xffffff,
			colors: { primary_color: i === 0 ? 0 : (i * 2654435761) % 0xffffff, secondary_color: null, tertiary_color: null },
			hoist: i % 4 === 1,
			icon: null,
			unicode_emoji: null,
			position: i,
			permissions: i === 0 ? DEFAULT_MEMBER_PERMISSIONS : String(1n << BigInt(i % 40)),
			managed: false,
			mentionable: i % 3 === 0,
			flags: 0 as RoleFlags,
		});
	}
	return [...roles, ...extra.map((r, k) => ({ ...r, position: roles.length + k }))];
}

export function realisticEmojis(guildId: string, shape: Required<GuildShape>): APIEmoji[] {
	return Array.from({ length: shape.emojis }, (_, i) => ({
		id: childId(guildId, 'emoji', i),
		name: `emoji_${i}`,
		roles: [],
		require_colons: true,
		managed: false,
		animated: i % 5 === 0,
		available: true,
	}));
}
