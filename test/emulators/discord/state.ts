/**
 * Shared emulator state: who the bot is, the guilds it is in, the interactions dispatched to it, the registry
 * of messages the bot made, and the users, roles, DM channels, commands and attachments the REST routes and the
 * gateway both read and write.
 */
import type {
	APIApplicationCommandOptionChoice,
	APIMessage,
	APIModalInteractionResponseCallbackData,
	APIRole,
	APIUser,
	InteractionType,
	UserFlags,
} from 'discord-api-types/v10';
import type { DiscordEmulatorOptions, EmulatedGuild, RecordedFile } from './types.js';
import { DEFAULT_SHAPE, childId, guildIds, recommendedShards } from './scale.js';
import { BOT_USERNAME, makeUser, snowflake } from './util.js';

export interface InteractionState {
	id: string;
	token: string;
	sentAt: number;
	type: InteractionType.ApplicationCommand | InteractionType.ApplicationCommandAutocomplete | InteractionType.MessageComponent | InteractionType.ModalSubmit;
	/** Command name, or the component's / modal's custom_id. */
	name: string;
	guildId: string | null;
	channelId: string;
	user: APIUser;
	/** member.permissions and member.roles sent (guild interactions), reused as defaults by a modal submit. */
	permissions: string;
	memberRoles: string[];
	appPermissions: string;
	attachmentSizeLimit: number;
	/** authorizing_integration_owners sent; without '0' the app is user-installed only here (5 follow-ups at most). */
	owners: Record<string, string>;
	/** The placement sent, reused by a modal submit. */
	locale: string;
	guildLocale: string;
	context: 0 | 1 | 2;
	/** The INTERACTION_CREATE `d` dispatched, for redelivery. */
	payload: unknown;
	acknowledged: boolean;
	/** Callback type the interaction was acknowledged with. */
	responseType?: number;
	/** Registry id of the message @original refers to. */
	originalId?: string;
	followUpIds: Set<string>;
	/** The message the component is on (component interactions, and modal submits opened from one). */
	sourceMessageId?: string;
	/** For a modal submit: the interaction that was answered with the modal. */
	triggeringId?: string;
	/** The modal the interaction was answered with (callback type 9), component ids assigned. */
	modal?: APIModalInteractionResponseCallbackData;
	/** Autocomplete: the focused option's type (3, 4 or 10), which the choices' values must match. */
	focusedType?: number;
	/** Autocomplete: the choices the interaction was answered with (callback type 8). */
	choices?: APIApplicationCommandOptionChoice[];
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
	/** Roles created in a guild for interactions that referenced them (guild id → role id → role). */
	readonly guildRoles = new Map<string, Map<string, APIRole>>();
	/** Each member's roles as last seen in an interaction (`guildId:userId`), for data.resolved.members. */
	readonly memberRoles = new Map<string, string[]>();
	/** Guilds seen in interactions that did not add the bot (guild id → channel ids): REST answers 403 Missing Access. */
	readonly foreignGuilds = new Map<string, Set<string>>();
	/** Group DMs and DMs between other users seen in interactions (context 2): the bot is not in them. */
	readonly privateChannels = new Set<string>();
	/** Channels where POST /channels/:id/messages answers 403 Missing Permissions. */
	readonly deniedChannels = new Set<string>();
	readonly startedAt = Date.now();
	readonly maxConcurrency: number;
	readonly recommendedShards: number;
	/** Every message the bot made, in its latest state (deleted ones keep their last state). */
	private readonly messages = new Map<string, APIMessage>();
	private readonly deletedMessages = new Set<string>();

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

	/** Records a new or edited message the bot made. */
	saveMessage(message: APIMessage): void {
		this.messages.set(message.id, message);
	}

	/** The message in its latest state, or undefined if unknown or deleted. */
	liveMessage(id: string): APIMessage | undefined {
		return this.deletedMessages.has(id) ? undefined : this.messages.get(id);
	}

	/** The message's last known state, deleted or not. */
	lastKnownMessage(id: string): APIMessage | undefined {
		return this.messages.get(id);
	}

	markDeleted(id: string): void {
		if (this.messages.has(id)) this.deletedMessages.add(id);
	}

	isDeleted(id: string): boolean {
		return this.deletedMessages.has(id);
	}

	/** A channel the bot cannot reach: in a guild that did not add it, or a private channel it is not in. */
	isOutsideChannel(channelId: string): boolean {
		if (this.privateChannels.has(channelId)) return true;
		for (const channels of this.foreignGuilds.values()) if (channels.has(channelId)) return true;
		return false;
	}

	/** The guild a channel belongs to (null for a DM channel or an unknown one). */
	guildOfChannel(channelId: string): EmulatedGuild | null {
		return this.guilds.find((g) => g.channelIds.includes(channelId)) ?? null;
	}
}
