// How the Discord client scales with servers: shards (Discord's recommendation unless pinned) and caches (none).
//
// Everything the bot reads comes with the interaction itself: guildId, channelId, user, member (its roles and
// permissions), appPermissions, options and their resolved users. Replies and edits go over REST by id. So the
// client asks for no gateway intents (interactions need none, and without GUILDS Discord sends no GUILD_CREATE
// at all) and keeps no caches: memory stays flat however many servers the bot is in. Consequences for code:
// `interaction.guild` and `interaction.channel` are null, and `interaction.member` is the raw API member
// (`member.roles` is an array of role ids); use the ids and REST, never a cache.
import { Client, LimitedCollection, Options, type CacheFactory, type ClientOptions, type User } from 'discord.js';
import type { Config } from '../config.js';

/** The caches discord.js would otherwise fill: all kept empty (the client's own user stays reachable). */
const NO_CACHE = Options.cacheWithLimits({
	ApplicationCommandManager: 0,
	ApplicationEmojiManager: 0,
	AutoModerationRuleManager: 0,
	BaseGuildEmojiManager: 0,
	DMMessageManager: 0,
	EntitlementManager: 0,
	GuildBanManager: 0,
	GuildEmojiManager: 0,
	GuildForumThreadManager: 0,
	GuildInviteManager: 0,
	GuildMemberManager: 0,
	GuildMessageManager: 0,
	GuildScheduledEventManager: 0,
	GuildStickerManager: 0,
	GuildTextThreadManager: 0,
	MessageManager: 0,
	PresenceManager: 0,
	ReactionManager: 0,
	ReactionUserManager: 0,
	StageInstanceManager: 0,
	ThreadManager: 0,
	ThreadMemberManager: 0,
	UserManager: { maxSize: 0, keepOverLimit: (user: User) => user.id === user.client.user?.id },
	VoiceStateManager: 0,
});

/**
 * discord.js types leave GuildManager out of cacheWithLimits; READY still lists every guild of the shard, and
 * each would become a Guild stub with a dozen empty managers that nothing reads. Kept out of the cache, they die
 * young instead of filling the old generation. discord.js warns once that this is unsupported (it breaks
 * `interaction.guild` and guild events, which the bot does not use): see isExpectedWarning.
 */
const makeCache: CacheFactory = (managerType, holds, manager) =>
	String(manager.name) === 'GuildManager' ? (new LimitedCollection({ maxSize: 0 }) as ReturnType<CacheFactory>) : NO_CACHE(managerType, holds, manager);

export function scaleOptions(config: Pick<Config, 'shardCount' | 'shardIds'>): Pick<ClientOptions, 'intents' | 'shards' | 'shardCount' | 'makeCache'> {
	const sharding: Pick<ClientOptions, 'shards' | 'shardCount'> =
		config.shardCount === undefined
			? { shards: 'auto' }
			: { shards: config.shardIds ?? Array.from({ length: config.shardCount }, (_, i) => i), shardCount: config.shardCount };
	return { intents: [], makeCache, ...sharding };
}

/** The bot's Discord client: no intents, no caches, the configured shards, and nobody pinged unless a reply opts in. */
export function createClient(config: Pick<Config, 'discordApiUrl' | 'shardCount' | 'shardIds'>): Client {
	return new Client({ rest: { api: config.discordApiUrl }, allowedMentions: { parse: [] }, ...scaleOptions(config) });
}

/** The shard Discord routes a guild's events to (DMs: shard 0). */
export function shardOf(guildId: string | null, shardCount: number): number {
	return guildId === null ? 0 : Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}

/** The one process warning this cache policy causes, by design (logged at debug level, not as a problem). */
export function isExpectedWarning(warning: Error): boolean {
	return warning.name === 'UnsupportedCacheOverwriteWarning' && /GuildManager/.test(warning.message);
}
