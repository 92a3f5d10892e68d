/** Public API of the Discord emulator: its options, what it records, and the handle tests drive it with. */
import type {
	APIApplicationCommandInteractionDataOption,
	APIApplicationCommandOptionChoice,
	APIMessage,
	APIModalInteractionResponseCallbackData,
} from 'discord-api-types/v10';

export interface DiscordEmulatorOptions {
	/** The valid bot token; anything else gets REST 401 / gateway close 4004. */
	token: string;
	/** Also the bot user's id. */
	applicationId: string;
	/** Default: one guild with one text channel (ids generated). */
	guilds?: Array<{ id: string; name?: string; channelIds?: string[] }>;
	/**
	 * Instead of `guilds`: this many realistic guilds (ids spread over shards like real ones; GUILD_CREATE with
	 * channels, roles, emojis and a member count as Discord sends them).
	 */
	scale?: { guilds: number } & GuildShape;
	/** session_start_limit.max_concurrency of GET /gateway/bot: 1 for most bots (the default), 16 and up for large ones. */
	maxConcurrency?: number;
	/**
	 * Judges each JSON body (a multipart request's payload_json) before the route does, e.g. against Discord's
	 * OpenAPI spec (test/support/discord-openapi.ts); issues are answered with 400 50035 as Discord does.
	 */
	checkBody?: BodyCheck;
}

/** Issues with a request body ([] or undefined: nothing to object to). */
export type BodyCheck = (method: string, path: string, body: unknown) => BodyIssue[] | undefined;

/** Why a body checker refuses a request: where, a Discord-style error code, a readable message. */
export interface BodyIssue {
	path: Array<string | number>;
	code: string;
	message: string;
}

/** What a realistic guild holds (defaults: 40 channels, 30 roles, 20 emojis, 1,200 members). */
export interface GuildShape {
	channels?: number;
	roles?: number;
	emojis?: number;
	memberCount?: number;
}

export interface RecordedFile {
	field: string;
	filename: string;
	contentType: string;
	data: Buffer;
}

export interface RecordedRequest {
	/** Date.now() when the request was received. */
	at: number;
	method: string;
	/** Decoded pathname without the `/api` prefix, e.g. '/v10/webhooks/<app>/<token>/messages/@original'. */
	path: string;
	/** Pathname as received (e.g. with '%40original'). */
	rawPath: string;
	query: Record<string, string>;
	/** Lower-case names; repeated headers joined with ', '. */
	headers: Record<string, string>;
	/** Parsed JSON body, or `payload_json` of a multipart body. */
	json?: unknown;
	/** Multipart parts that carried a filename (`files[n]`). */
	files: RecordedFile[];
	/** Status the emulator answered. */
	status: number;
	/** Set for interaction callbacks and webhook calls whose id/token belongs to a known interaction. */
	interactionId?: string;
	/** What `checkBody` refused in the body (also when a scripted fault answered instead). */
	bodyIssues?: BodyIssue[];
}

export interface EmulatedUser {
	id: string;
	username?: string;
	bot?: boolean;
}

/** A guild role referenced by an interaction (member roles, ROLE/MENTIONABLE options). */
export interface EmulatedRole {
	id: string;
	/** Default `role-<last 4 digits>`. */
	name?: string;
	/** Permission bitfield string. Default '0'. */
	permissions?: string;
	/** Default 1 (above @everyone). */
	position?: number;
	/** Default 0. */
	color?: number;
}

/**
 * Where and for whom an interaction is: the user's language, the guild's, the context and the installations
 * that authorised it (docs: receiving-and-responding, Interaction Object). Defaults are an en-US member of a
 * guild that added the bot, or the bot's DM.
 */
export interface InteractionPlacement {
	/** The user's client language: one of Discord's codes ('de', 'pt-BR', …), or any string to test bad input. Default 'en-US'. */
	locale?: string;
	/** Guild interactions: the guild's preferred locale (also guild.locale). Default 'en-US'. */
	guildLocale?: string;
	/**
	 * 0 guild, 1 the bot's DM, 2 a group DM or a DM between other users (no guild; the bot is not in it).
	 * Default: 0 with a guild, else 1.
	 */
	context?: 0 | 1 | 2;
	/**
	 * Keys '0' (guild install) and '1' (user install). Default: { '0': guildId } in a guild the bot is in,
	 * { '0': '0' } in the bot's DM, { '1': userId } in a group DM or a guild that did not add the bot (a user
	 * install). A button click or modal submit defaults to the owners of the interaction that made the message
	 * (the installer's, whoever clicks).
	 */
	authorizingIntegrationOwners?: Record<string, string>;
}

export interface InteractionOptions extends InteractionPlacement {
	commandName: string;
	/** As Discord sends them (subcommands nested). */
	options?: APIApplicationCommandInteractionDataOption[];
	/**
	 * null = no guild (top-level `user`, no `member`): the bot's DM, or with context 2 a private channel.
	 * A guild id the emulator was not started with is a server that did not add the bot (user install):
	 * its REST routes answer 403 Missing Access. Default: the first guild.
	 */
	guildId?: string | null;
	/** Default: the guild's first channel, or the user's DM channel. */
	channelId?: string;
	user?: EmulatedUser;
	/** member.permissions bitfield string. Default: basic view/send bits, not ManageGuild. */
	permissions?: string;
	/** member.roles in the payload (guild interactions). Roles the guild lacks are created first (GUILD_ROLE_CREATE). */
	memberRoles?: string[];
	/** Extra data.resolved users (USER options without an entry here get a generated user). */
	resolvedUsers?: EmulatedUser[];
	/** Names (and more) for data.resolved roles (ROLE/MENTIONABLE options without an entry get a generated role). */
	resolvedRoles?: EmulatedRole[];
	/** Default 10 MiB. */
	attachmentSizeLimit?: number;
	/** Default includes ViewChannel, SendMessages, EmbedLinks, AttachFiles. */
	appPermissions?: string;
}

/** A user clicking a button on a message the bot made. */
export interface ClickButtonOptions extends InteractionPlacement {
	messageId: string;
	customId: string;
	/** Default: the default test user. */
	user?: EmulatedUser;
	/** Default: the guild of the message's channel (null for a DM channel). */
	guildId?: string | null;
	/** member.permissions bitfield string (guild interactions). */
	permissions?: string;
	/** member.roles (guild interactions). */
	memberRoles?: string[];
	appPermissions?: string;
	/** Dispatch even if the message is unknown or has no such (enabled) button: for foreign or malformed custom ids. */
	force?: boolean;
}

/** A user submitting a modal the bot showed (callback type 9). */
export interface SubmitModalOptions {
	/** The interaction the bot answered with the modal. */
	modalOf: string;
	/** By component custom_id: a string for text inputs, a string or strings for string selects. Omitted fields keep their prefilled value or default options. */
	values: Record<string, string | string[]>;
	/** Default: the user the modal was shown to. */
	user?: EmulatedUser;
	permissions?: string;
	memberRoles?: string[];
	/** Overrides data.custom_id (forged ids); values are still checked against the modal. */
	customId?: string;
}

export interface SentInteraction {
	id: string;
	token: string;
	sentAt: number;
}

export interface FaultMatch {
	method?: string;
	/** Matched against both the decoded path and the raw path. */
	pathIncludes: string;
}

export interface EmulatedGuild {
	id: string;
	name: string;
	channelIds: string[];
	/** Set for realistic guilds (`scale`): their GUILD_CREATE is built from it. */
	shape?: Required<GuildShape>;
}

/** One gateway session as the emulator sees it. */
export interface ShardSession {
	/** [shard_id, num_shards] from IDENTIFY. */
	shard: [number, number];
	intents: number;
	/** Guilds routed to this shard. */
	guilds: number;
	live: boolean;
}

export interface DiscordEmulator {
	/** 'http://127.0.0.1:PORT/api'; discord.js appends /v10. */
	apiUrl: string;
	/** 'ws://127.0.0.1:PORT', as returned by GET /gateway/bot. */
	gatewayUrl: string;
	/** The guilds the bot is in (defaults resolved, so tests can learn generated ids). */
	guilds: readonly EmulatedGuild[];
	requests: RecordedRequest[];
	/** IDENTIFY `d` payloads received, including rejected ones. */
	identifies: unknown[];
	/** RESUME `d` payloads received, including rejected ones. */
	resumes: unknown[];
	/** Resolves when a gateway connection is (again) live: READY + GUILD_CREATEs sent, or RESUMED sent. */
	waitForReady(timeoutMs?: number): Promise<void>;
	/**
	 * Dispatches INTERACTION_CREATE (chat input command) to the session of the guild's shard (DMs: shard 0);
	 * a disconnected session gets it on RESUME.
	 */
	sendInteraction(opts: InteractionOptions): SentInteraction;
	/**
	 * Dispatches an APPLICATION_COMMAND_AUTOCOMPLETE interaction (type 4) as Discord sends while a user types:
	 * `options` must hold exactly one STRING, INTEGER or NUMBER option with `focused: true` (its value the text
	 * typed so far). It accepts only callback type 8, within 3 s, with ≤ 25 choices of the focused option's type.
	 */
	sendAutocomplete(opts: InteractionOptions): SentInteraction;
	/** The choices the autocomplete was answered with (callback type 8); undefined before an accepted answer. */
	autocompleteChoices(interactionId: string): APIApplicationCommandOptionChoice[] | undefined;
	/** The gateway sessions (one per shard the bot identified), including disconnected ones that may resume. */
	sessions(): ShardSession[];
	/** The shard count GET /gateway/bot recommends (about one per 1,000 guilds). */
	readonly recommendedShards: number;
	/**
	 * Dispatches a MESSAGE_COMPONENT interaction (type 3) for a button click, with `message` = the stored message.
	 * Throws if the message is unknown or deleted, or has no enabled button with `customId`, unless `force`.
	 */
	clickButton(opts: ClickButtonOptions): SentInteraction;
	/**
	 * Dispatches a MODAL_SUBMIT interaction (type 5) for the modal `modalOf` was answered with, its components
	 * mirrored as Discord sends them back. Throws if there is no such modal, or if `values` could not have been
	 * submitted by the Discord client (unknown custom_id, length outside min/max, empty required field, option not offered).
	 */
	submitModal(opts: SubmitModalOptions): SentInteraction;
	/** Dispatches the exact same INTERACTION_CREATE payload again (a duplicate delivery: same id and token). */
	redeliver(interactionId: string): void;
	/** The modal (callback type 9 data, component ids assigned) the interaction was answered with. */
	modal(interactionId: string): APIModalInteractionResponseCallbackData | undefined;
	/** A message the bot made (interaction response, follow-up, channel post) in its latest state; undefined if unknown or deleted. */
	message(messageId: string): APIMessage | undefined;
	/** Whether a message the bot made has been deleted (webhook or channel DELETE). */
	deleted(messageId: string): boolean;
	/** Later POST /channels/:id/messages to this channel get 403 {code: 50013, message: 'Missing Permissions'}. */
	denyChannel(channelId: string): void;
	/** POST .../callback requests for the interaction, in order (all statuses). */
	callbacks(interactionId: string): RecordedRequest[];
	/** PATCH .../messages/@original requests for the interaction, in order (all statuses, incl. scripted faults). */
	edits(interactionId: string): RecordedRequest[];
	/** POST /webhooks/:app/:token requests for the interaction, in order. */
	followUps(interactionId: string): RecordedRequest[];
	/**
	 * Latest state of the interaction's @original message (undefined before a response or after deletion). For a
	 * component interaction acknowledged with 6/7 (or a modal submit from one), that is the message the component is on.
	 */
	originalMessage(interactionId: string): APIMessage | undefined;
	/** Resolves with the first existing or future request matching `pred`. */
	waitFor(pred: (r: RecordedRequest) => boolean, timeoutMs?: number): Promise<RecordedRequest>;
	/** Later webhook calls with this token get 401 {code: 50027}. */
	expireToken(token: string): void;
	/** The next `times` requests matching get `status` (and `body`) instead of being handled. */
	failNext(match: FaultMatch, status: number, body?: unknown, times?: number): void;
	/** Closes every gateway socket with `code` (default 4000: the client resumes). */
	closeGateway(code?: number): void;
	/** Requests whose body `checkBody` refused, in order. */
	invalidPayloads(): RecordedRequest[];
	/** POST /v10/channels/:id/messages requests, in order (all statuses, including 403 from denyChannel). */
	channelMessages(channelId: string): RecordedRequest[];
	close(): Promise<void>;
}
