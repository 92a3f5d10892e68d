/**
 * Shared emulator state: who the bot is, the guilds it is in, the interactions dispatched to it, and the
 * users, DM channels, commands and attachments the REST routes and the gateway both read and write.
 */
import type { APIMessage, APIUser, UserFlags } from 'discord-api-types/v10';
import type { DiscordEmulatorOptions, EmulatedGuild, RecordedFile } from './types.js';
import { DEFAULT_SHAPE, childId, guildIds, recommendedShards } from './scale.js';
import { BOT_USERNAME, makeUser, snowflake } from './util.js';

export interface InteractionState {
	id: string;
	token: string;
	sentAt: number;
	commandName: string;
	guildId: string | null;
	channelId: string;
	user: APIUser;
	attachmentSizeLimit: number;
	acknowledged: boolean;
	original?: APIMessage;
	followUps: Map<string, APIMessage>;
}

export class EmulatorState {
	/** 'http://127.0.0.1:PORT/api' once the server listens. */
	apiUrl = '';
	/** 'ws://127.0.0.1:PORT' once the server listens. */
	gatewayUrl = '';
	readonly guilds: EmulatedGuild[];
	readonly token: string;
	readonly applicationId: string;
	readonly botUser: APIUser;
	readonly interactions = new Map<string, InteractionState>();
	readonly interactionsByToken = new Map<string, InteractionState>();
	readonly expiredTokens = new Set<string>();
	readonly attachmentsById = new Map<string, RecordedFile>();
	readonly knownUsers = new Map<string, APIUser>();
	readonly dmChannels = new Map<string, { id: string; recipient: APIUser }>();
	readonly commandIds = new Map<string, string>();
	readonly botRoleIds = new Map<string, string>();
	readonly registeredCommands = new Map<string, unknown[]>();
	readonly startedAt = Date.now();
	readonly maxConcurrency: number;
	readonly recommendedShards: number;

	constructor(opts: DiscordEmulatorOptions) {
		this.token = opts.token;
		this.applicationId = opts.applicationId;
		this.botUser = {
			...makeUser({ id: opts.applicationId, username: BOT_USERNAME, bot: true }),
			flags: 0 as UserFlags,
		};
		if (opts.scale) {
			const { guilds: count, ...given } = opts.scale;
			const shape = { ...DEFAULT_SHAPE, ...given };
			this.guilds = guildIds(count).map((id, i) => ({
				id,
				name: `Community ${i + 1}`,
				channelIds: Array.from({ length: shape.channels }, (_, k) => childId(id, 'channel', k)),
				shape,
			}));
		} else {
			this.guilds = (opts.guilds ?? [{ id: snowflake(), name: 'Emulated Guild' }]).map((g) => ({
				id: g.id,
				name: g.name ?? `Guild ${g.id.slice(-4)}`,
				channelIds: g.channelIds ?? [snowflake()],
			}));
		}
		this.maxConcurrency = opts.maxConcurrency ?? 1;
		this.recommendedShards = recommendedShards(this.guilds.length);
	}
}
