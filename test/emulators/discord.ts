/**
 * Test-only Discord emulator: one HTTP server on 127.0.0.1 that answers the REST routes discord.js 14
 * (@discordjs/rest 2.6) calls and, on the same port, a WebSocket gateway speaking what @discordjs/ws 1.2
 * expects. Everything it receives is recorded so end-to-end tests can assert on the exact wire traffic.
 *
 * Fidelity goals: the error codes and status codes Discord uses for the mistakes a bot can make (late or
 * double acknowledgements, expired tokens, empty or oversized messages, attachment ids that match no
 * upload), resume semantics (missed events are replayed) and the 429 headers discord.js honours.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import {
	type APIApplicationCommandInteractionDataOption,
	type APIAttachment,
	type APIChatInputApplicationCommandInteraction,
	type APIEmbed,
	type APIGuildMember,
	type APIInteractionDataResolved,
	type APIMessage,
	type APIRole,
	type APIUser,
	type ApplicationFlags,
	type ChannelFlags,
	type GatewayGuildCreateDispatchData,
	type GuildMemberFlags,
	type GuildSystemChannelFlags,
	type RoleFlags,
	type UserFlags,
	type GatewayReadyDispatchData,
	ApplicationCommandOptionType,
	ApplicationCommandType,
	ChannelType,
	GatewayCloseCodes,
	GatewayDispatchEvents,
	GatewayOpcodes,
	InteractionContextType,
	InteractionResponseType,
	InteractionType,
	Locale,
	MessageFlags,
	MessageType,
	PermissionFlagsBits,
} from 'discord-api-types/v10';

// ---------------------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------------------

export interface DiscordEmulatorOptions {
	/** The valid bot token; anything else gets REST 401 / gateway close 4004. */
	token: string;
	/** Also the bot user's id. */
	applicationId: string;
	/** Default: one guild with one text channel (ids generated). */
	guilds?: Array<{ id: string; name?: string; channelIds?: string[] }>;
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
}

export interface EmulatedUser {
	id: string;
	username?: string;
	bot?: boolean;
}

export interface InteractionOptions {
	commandName: string;
	/** As Discord sends them (subcommands nested). */
	options?: APIApplicationCommandInteractionDataOption[];
	/** null = DM with the bot (top-level `user`, no `member`, context 1). Default: the first guild. */
	guildId?: string | null;
	/** Default: the guild's first channel, or the user's DM channel. */
	channelId?: string;
	user?: EmulatedUser;
	/** member.permissions bitfield string. Default: basic view/send bits, not ManageGuild. */
	permissions?: string;
	/** Extra data.resolved users (USER options without an entry here get a generated user). */
	resolvedUsers?: EmulatedUser[];
	/** Default 10 MiB. */
	attachmentSizeLimit?: number;
	/** Default includes ViewChannel, SendMessages, EmbedLinks, AttachFiles. */
	appPermissions?: string;
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
	/** Dispatches INTERACTION_CREATE (chat input command) to every session; disconnected ones get it on RESUME. */
	sendInteraction(opts: InteractionOptions): SentInteraction;
	/** POST .../callback requests for the interaction, in order (all statuses). */
	callbacks(interactionId: string): RecordedRequest[];
	/** PATCH .../messages/@original requests for the interaction, in order (all statuses, incl. scripted faults). */
	edits(interactionId: string): RecordedRequest[];
	/** POST /webhooks/:app/:token requests for the interaction, in order. */
	followUps(interactionId: string): RecordedRequest[];
	/** Latest state of the interaction's @original message (undefined before a response or after deletion). */
	originalMessage(interactionId: string): APIMessage | undefined;
	/** Resolves with the first existing or future request matching `pred`. */
	waitFor(pred: (r: RecordedRequest) => boolean, timeoutMs?: number): Promise<RecordedRequest>;
	/** Later webhook calls with this token get 401 {code: 50027}. */
	expireToken(token: string): void;
	/** The next `times` requests matching get `status` (and `body`) instead of being handled. */
	failNext(match: FaultMatch, status: number, body?: unknown, times?: number): void;
	/** Closes every gateway socket with `code` (default 4000: the client resumes). */
	closeGateway(code?: number): void;
	/** POST /v10/channels/:id/messages requests, in order. */
	channelMessages(channelId: string): RecordedRequest[];
	close(): Promise<void>;
}

/** A guild text channel as Discord describes it (GUILD_CREATE and GET /channels/:id). */
function textChannel(guildId: string, id: string, position: number) {
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

export async function startDiscordEmulator(opts: DiscordEmulatorOptions): Promise<DiscordEmulator> {
	const emulator = new Emulator(opts);
	await emulator.listen();
	return emulator;
}

// ---------------------------------------------------------------------------------------------------------
// Constants and small helpers
// ---------------------------------------------------------------------------------------------------------

const DISCORD_EPOCH = 1_420_070_400_000n;
const HEARTBEAT_INTERVAL = 41_250;
const INTERACTION_ACK_WINDOW_MS = 3_000;
const INTERACTION_TOKEN_LIFETIME_MS = 15 * 60_000;
const DEFAULT_ATTACHMENT_LIMIT = 10 * 1024 * 1024;
const BOT_USERNAME = 'imagine-bot';
const DEFAULT_USER: EmulatedUser = { id: '200000000000000001', username: 'tester' };
const GUILD_OWNER_ID = '300000000000000001';

const bits = (...flags: bigint[]): string => flags.reduce((a, b) => a | b, 0n).toString();

const DEFAULT_MEMBER_PERMISSIONS = bits(
	PermissionFlagsBits.ViewChannel,
	PermissionFlagsBits.SendMessages,
	PermissionFlagsBits.EmbedLinks,
	PermissionFlagsBits.AttachFiles,
	PermissionFlagsBits.ReadMessageHistory,
	PermissionFlagsBits.AddReactions,
	PermissionFlagsBits.UseApplicationCommands,
);
const DEFAULT_APP_PERMISSIONS = bits(
	PermissionFlagsBits.ViewChannel,
	PermissionFlagsBits.SendMessages,
	PermissionFlagsBits.SendMessagesInThreads,
	PermissionFlagsBits.EmbedLinks,
	PermissionFlagsBits.AttachFiles,
	PermissionFlagsBits.ReadMessageHistory,
	PermissionFlagsBits.AddReactions,
	PermissionFlagsBits.UseExternalEmojis,
);

/** Flags a new message may carry (ephemeral, suppress embeds/notifications, components v2). */
const CREATE_FLAGS =
	MessageFlags.Ephemeral | MessageFlags.SuppressEmbeds | MessageFlags.SuppressNotifications | MessageFlags.IsComponentsV2;
/** Flags an edit may change. */
const EDIT_FLAGS = MessageFlags.SuppressEmbeds | MessageFlags.IsComponentsV2;

let lastSnowflake = 0n;
/** Strictly increasing across every emulator in the process, so interaction ids sort by dispatch order. */
function snowflake(): string {
	const candidate = (BigInt(Date.now()) - DISCORD_EPOCH) << 22n;
	lastSnowflake = candidate > lastSnowflake ? candidate : lastSnowflake + 1n;
	return lastSnowflake.toString();
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function iso(ms: number = Date.now()): string {
	return new Date(ms).toISOString().replace('Z', '+00:00');
}

function makeUser(u: EmulatedUser): APIUser {
	return {
		id: u.id,
		username: u.username ?? `user${u.id.slice(-4)}`,
		discriminator: '0',
		global_name: u.bot ? null : (u.username ?? null),
		avatar: null,
		...(u.bot ? { bot: true } : {}),
		public_flags: 0 as UserFlags,
	};
}

interface Reply {
	status: number;
	body?: unknown;
	headers?: Record<string, string>;
	/** Raw bytes (attachment downloads) instead of a JSON body. */
	raw?: { data: Buffer; contentType: string };
	interactionId?: string;
}

function apiError(status: number, code: number, message: string, errors?: Record<string, unknown>): Reply {
	return { status, body: errors ? { message, code, errors } : { message, code } };
}

const UNAUTHORIZED = (): Reply => apiError(401, 0, '401: Unauthorized');
const NOT_FOUND = (): Reply => apiError(404, 0, '404: Not Found');
const UNKNOWN_INTERACTION = (): Reply => apiError(404, 10062, 'Unknown interaction');
const UNKNOWN_WEBHOOK = (): Reply => apiError(404, 10015, 'Unknown Webhook');
const UNKNOWN_MESSAGE = (): Reply => apiError(404, 10008, 'Unknown Message');
const UNKNOWN_CHANNEL = (): Reply => apiError(404, 10003, 'Unknown Channel');

/** Discord's 50035 shape: errors nested by path, leaves hold `_errors`. */
class FormErrors {
	readonly root: Record<string, unknown> = {};
	count = 0;

	add(path: Array<string | number>, code: string, message: string): void {
		let node = this.root;
		for (const key of path) {
			const next = node[String(key)];
			if (isRecord(next)) {
				node = next;
			} else {
				const created: Record<string, unknown> = {};
				node[String(key)] = created;
				node = created;
			}
		}
		const list = Array.isArray(node._errors) ? (node._errors as unknown[]) : [];
		list.push({ code, message });
		node._errors = list;
		this.count++;
	}

	reply(): Reply | null {
		return this.count === 0 ? null : apiError(400, 50035, 'Invalid Form Body', this.root);
	}
}

function formError(path: Array<string | number>, code: string, message: string): Reply {
	const errors = new FormErrors();
	errors.add(path, code, message);
	return apiError(400, 50035, 'Invalid Form Body', errors.root);
}

// ---------------------------------------------------------------------------------------------------------
// Body parsing (JSON and multipart/form-data, binary-safe)
// ---------------------------------------------------------------------------------------------------------

interface ParsedBody {
	json?: unknown;
	files: RecordedFile[];
	error?: Reply;
}

interface MultipartPart {
	name: string;
	filename?: string;
	contentType?: string;
	data: Buffer;
}

/** undici's FormData escapes '"', CR and LF in names as %22, %0D, %0A. */
function unescapeFormName(value: string): string {
	return value.replace(/%22/g, '"').replace(/%0D/gi, '\r').replace(/%0A/gi, '\n');
}

function parseMultipart(body: Buffer, boundary: string): MultipartPart[] {
	const delimiter = Buffer.from(`--${boundary}`);
	const separator = Buffer.from(`\r\n--${boundary}`);
	const parts: MultipartPart[] = [];
	let pos = body.indexOf(delimiter);
	if (pos < 0) throw new Error('multipart boundary not found');
	for (;;) {
		pos += delimiter.length;
		if (body[pos] === 0x2d && body[pos + 1] === 0x2d) break; // closing "--boundary--"
		if (body[pos] === 0x0d && body[pos + 1] === 0x0a) pos += 2;
		const headerEnd = body.indexOf('\r\n\r\n', pos);
		if (headerEnd < 0) throw new Error('multipart part without header terminator');
		const headers = body.subarray(pos, headerEnd).toString('utf8').split('\r\n');
		const dataStart = headerEnd + 4;
		const next = body.indexOf(separator, dataStart);
		if (next < 0) throw new Error('multipart part without closing boundary');
		const part: MultipartPart = { name: '', data: Buffer.from(body.subarray(dataStart, next)) };
		for (const line of headers) {
			const colon = line.indexOf(':');
			if (colon < 0) continue;
			const key = line.slice(0, colon).trim().toLowerCase();
			const value = line.slice(colon + 1).trim();
			if (key === 'content-disposition') {
				const name = /(?:^|;)\s*name="((?:[^"\\]|\\.)*)"/i.exec(value);
				const filename = /(?:^|;)\s*filename="((?:[^"\\]|\\.)*)"/i.exec(value);
				if (name?.[1] !== undefined) part.name = unescapeFormName(name[1]);
				if (filename?.[1] !== undefined) part.filename = unescapeFormName(filename[1]);
			} else if (key === 'content-type') {
				part.contentType = value;
			}
		}
		parts.push(part);
		pos = next + 2;
	}
	return parts;
}

function parseBody(raw: Buffer, contentType: string | undefined): ParsedBody {
	const invalidJson = (): ParsedBody => ({
		files: [],
		error: apiError(400, 50109, 'The request body contains invalid JSON.'),
	});
	if (raw.length === 0) return { files: [] };
	const type = (contentType ?? '').toLowerCase();
	if (type.startsWith('multipart/form-data')) {
		const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
		const boundaryValue = boundary?.[1] ?? boundary?.[2];
		if (!boundaryValue) return { files: [], error: apiError(400, 0, '400: Bad Request') };
		let parts: MultipartPart[];
		try {
			parts = parseMultipart(raw, boundaryValue);
		} catch {
			return { files: [], error: apiError(400, 0, '400: Bad Request') };
		}
		const files: RecordedFile[] = [];
		const fields: Record<string, unknown> = {};
		let json: unknown;
		for (const part of parts) {
			if (part.filename !== undefined) {
				files.push({
					field: part.name,
					filename: part.filename,
					contentType: part.contentType ?? 'application/octet-stream',
					data: part.data,
				});
			} else if (part.name === 'payload_json') {
				try {
					json = JSON.parse(part.data.toString('utf8'));
				} catch {
					return invalidJson();
				}
			} else {
				fields[part.name] = part.data.toString('utf8');
			}
		}
		// Bodies sent with appendToFormData put their fields next to the files instead of in payload_json.
		if (json === undefined && Object.keys(fields).length > 0) json = fields;
		return json === undefined ? { files } : { json, files };
	}
	try {
		return { json: JSON.parse(raw.toString('utf8')), files: [] };
	} catch {
		return invalidJson();
	}
}

// ---------------------------------------------------------------------------------------------------------
// Message validation and building
// ---------------------------------------------------------------------------------------------------------

function validateEmbeds(embeds: unknown, errors: FormErrors): APIEmbed[] {
	if (embeds === null || embeds === undefined) return [];
	if (!Array.isArray(embeds)) {
		errors.add(['embeds'], 'LIST_TYPE_CONVERT', 'Only iterables may be used in a ListType');
		return [];
	}
	if (embeds.length > 10) errors.add(['embeds'], 'BASE_TYPE_MAX_LENGTH', 'Must be 10 or fewer in length.');
	let total = 0;
	const out: APIEmbed[] = [];
	const text = (value: unknown): string => (typeof value === 'string' ? value : '');
	embeds.forEach((embed: unknown, i) => {
		if (!isRecord(embed)) {
			errors.add(['embeds', i], 'DICT_TYPE_CONVERT', 'Only dictionaries may be used in a DictType');
			return;
		}
		const limit = (path: Array<string | number>, value: string, max: number): void => {
			total += value.length;
			if (value.length > max) {
				errors.add(['embeds', i, ...path], 'BASE_TYPE_MAX_LENGTH', `Must be ${max} or fewer in length.`);
			}
		};
		limit(['title'], text(embed.title), 256);
		limit(['description'], text(embed.description), 4096);
		if (isRecord(embed.footer)) limit(['footer', 'text'], text(embed.footer.text), 2048);
		if (isRecord(embed.author)) limit(['author', 'name'], text(embed.author.name), 256);
		if (Array.isArray(embed.fields)) {
			if (embed.fields.length > 25) {
				errors.add(['embeds', i, 'fields'], 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
			}
			embed.fields.forEach((field: unknown, j) => {
				if (!isRecord(field)) return;
				limit(['fields', j, 'name'], text(field.name), 256);
				limit(['fields', j, 'value'], text(field.value), 1024);
			});
		}
		out.push({ type: 'rich', ...embed } as APIEmbed);
	});
	if (total > 6000) errors.add(['embeds'], 'MAX_EMBED_SIZE_EXCEEDED', 'Embed size exceeds maximum size of 6000');
	return out;
}

/** Width/height for PNGs so attachments look like what Discord returns for images. */
function imageSize(data: Buffer): { width: number; height: number } | null {
	const png = data.length >= 24 && data.readUInt32BE(0) === 0x89504e47 && data.readUInt32BE(12) === 0x49484452;
	return png ? { width: data.readUInt32BE(16), height: data.readUInt32BE(20) } : null;
}

interface MessageContext {
	channelId: string;
	author: APIUser;
	attachmentSizeLimit: number;
	/** Base URL for attachment downloads served by the emulator. */
	attachmentBase: string;
	storeAttachment: (id: string, file: RecordedFile) => void;
	/** Extra fields for interaction webhook messages (webhook_id, interaction_metadata, ...). */
	extra?: Partial<APIMessage>;
}

type BuildResult = { ok: true; message: APIMessage } | { ok: false; reply: Reply };

/**
 * Applies a create/edit body to `base` (null = new message), validating it the way Discord does for the
 * cases a bot is likely to get wrong.
 */
function buildMessage(
	base: APIMessage | null,
	body: unknown,
	files: RecordedFile[],
	ctx: MessageContext,
	options: { forcedFlags?: number; isEdit: boolean },
): BuildResult {
	const data = isRecord(body) ? body : {};
	const errors = new FormErrors();

	for (const file of files) {
		if (file.data.length > ctx.attachmentSizeLimit) {
			return { ok: false, reply: apiError(413, 40005, 'Request entity too large') };
		}
	}

	let content = base?.content ?? '';
	if ('content' in data) {
		if (data.content === null || data.content === undefined) content = '';
		else if (typeof data.content === 'string') content = data.content;
		else errors.add(['content'], 'STRING_TYPE_CONVERT', 'Could not interpret value as string.');
		if (content.length > 2000) errors.add(['content'], 'BASE_TYPE_MAX_LENGTH', 'Must be 2000 or fewer in length.');
	}

	const embeds = 'embeds' in data ? validateEmbeds(data.embeds, errors) : (base?.embeds ?? []);

	// Attachments: entries whose id names an upload (`files[<id>]`) are new; others must already exist.
	const uploads = new Map(files.map((f) => [f.field, f]));
	const used = new Set<string>();
	const attachments: APIAttachment[] = [];
	const fromUpload = (file: RecordedFile, meta: Record<string, unknown>): APIAttachment => {
		const id = snowflake();
		const filename = typeof meta.filename === 'string' ? meta.filename : file.filename;
		const size = imageSize(file.data);
		ctx.storeAttachment(id, file);
		const url = `${ctx.attachmentBase}/attachments/${ctx.channelId}/${id}/${encodeURIComponent(filename)}`;
		return {
			id,
			filename,
			size: file.data.length,
			url,
			proxy_url: url,
			content_type: file.contentType,
			...(typeof meta.description === 'string' ? { description: meta.description } : {}),
			...(typeof meta.title === 'string' ? { title: meta.title } : {}),
			...(size ?? {}),
		};
	};
	if ('attachments' in data && data.attachments !== null && data.attachments !== undefined) {
		if (!Array.isArray(data.attachments)) {
			errors.add(['attachments'], 'LIST_TYPE_CONVERT', 'Only iterables may be used in a ListType');
		} else {
			data.attachments.forEach((entry: unknown, i) => {
				const id = isRecord(entry) && (typeof entry.id === 'string' || typeof entry.id === 'number') ? String(entry.id) : null;
				if (!isRecord(entry) || id === null) {
					errors.add(['attachments', i, 'id'], 'BASE_TYPE_REQUIRED', 'This field is required');
					return;
				}
				const upload = uploads.get(`files[${id}]`);
				const existing = base?.attachments.find((a) => a.id === id);
				if (upload) {
					used.add(upload.field);
					attachments.push(fromUpload(upload, entry));
				} else if (existing) {
					attachments.push(existing);
				} else {
					errors.add(['attachments', i, 'id'], 'ATTACHMENT_NOT_FOUND', `Unknown attachment id ${id}: no files[${id}] part was uploaded`);
				}
			});
		}
	} else if (!('attachments' in data)) {
		attachments.push(...(base?.attachments ?? []));
	}
	// Uploads not referenced by payload_json.attachments are still attached, as Discord does.
	for (const file of files) {
		if (!used.has(file.field)) attachments.push(fromUpload(file, {}));
	}

	let components = base?.components ?? [];
	if ('components' in data) {
		if (data.components === null || data.components === undefined) components = [];
		else if (Array.isArray(data.components)) components = data.components as typeof components;
		else errors.add(['components'], 'LIST_TYPE_CONVERT', 'Only iterables may be used in a ListType');
	}

	let flags = base?.flags ?? 0;
	if ('flags' in data && data.flags !== null && data.flags !== undefined) {
		const requested = Number(data.flags);
		// Edits may repeat flags they cannot change (ephemeral); only EDIT_FLAGS take effect.
		const allowed = options.isEdit ? EDIT_FLAGS | MessageFlags.Ephemeral | MessageFlags.Loading : CREATE_FLAGS;
		if (!Number.isInteger(requested) || (requested & ~allowed) !== 0) {
			errors.add(['flags'], 'MESSAGE_FLAGS_INVALID', `Invalid flags ${String(data.flags)}`);
		} else {
			flags = options.isEdit ? (flags & ~EDIT_FLAGS) | (requested & EDIT_FLAGS) : requested;
		}
	}
	if (options.forcedFlags !== undefined) flags |= options.forcedFlags;
	// An edit turns a deferred "thinking..." message into a real one.
	if (options.isEdit) flags &= ~MessageFlags.Loading;

	const invalid = errors.reply();
	if (invalid) return { ok: false, reply: invalid };

	const hasPoll = 'poll' in data && data.poll != null;
	const hasStickers = Array.isArray(data.sticker_ids) && data.sticker_ids.length > 0;
	if (!content && embeds.length === 0 && attachments.length === 0 && components.length === 0 && !hasPoll && !hasStickers) {
		return { ok: false, reply: apiError(400, 50006, 'Cannot send an empty message') };
	}

	const now = Date.now();
	const ephemeral = (flags & MessageFlags.Ephemeral) !== 0;
	const message: APIMessage = {
		type: MessageType.Default,
		mention_everyone: false,
		mention_roles: [],
		mentions: [],
		pinned: false,
		tts: false,
		...ctx.extra,
		...base,
		id: base?.id ?? snowflake(),
		channel_id: ctx.channelId,
		author: ctx.author,
		content,
		embeds,
		attachments: ephemeral ? attachments.map((a) => ({ ...a, ephemeral: true })) : attachments,
		components,
		flags,
		timestamp: base?.timestamp ?? iso(now),
		edited_timestamp: base && options.isEdit && (base.flags ?? 0) & MessageFlags.Loading ? null : base ? iso(now) : null,
	};
	return { ok: true, message };
}

// ---------------------------------------------------------------------------------------------------------
// Emulator state
// ---------------------------------------------------------------------------------------------------------

interface InteractionState {
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

interface DispatchRecord {
	s: number;
	t: string;
	d: unknown;
}

interface Session {
	id: string;
	seq: number;
	/** Every dispatch of the session, so RESUME can replay what a disconnected client missed. */
	log: DispatchRecord[];
	conn: Connection | null;
}

interface Connection {
	ws: WebSocket;
	session: Session | null;
	/** READY/RESUMED sent and the socket not (being) closed. */
	live: boolean;
}

interface Waiter {
	pred: (r: RecordedRequest) => boolean;
	resolve: (r: RecordedRequest) => void;
	reject: (e: Error) => void;
	timer: NodeJS.Timeout;
}

interface Fault {
	method?: string;
	pathIncludes: string;
	status: number;
	body?: unknown;
	remaining: number;
}

interface RouteContext {
	params: Record<string, string>;
	query: Record<string, string>;
	headers: Record<string, string>;
	json: unknown;
	files: RecordedFile[];
}

interface Route {
	method: string;
	segments: string[];
	auth: boolean;
	handle: (ctx: RouteContext) => Reply;
}

/** Close codes after which Discord no longer lets the session resume. */
const SESSION_ENDING_CLOSE_CODES = new Set([1000, 1001, GatewayCloseCodes.InvalidSeq, GatewayCloseCodes.SessionTimedOut]);

class Emulator implements DiscordEmulator {
	apiUrl = '';
	gatewayUrl = '';
	readonly guilds: EmulatedGuild[];
	readonly requests: RecordedRequest[] = [];
	readonly identifies: unknown[] = [];
	readonly resumes: unknown[] = [];

	private readonly token: string;
	private readonly applicationId: string;
	private readonly botUser: APIUser;
	private readonly server = createServer((req, res) => void this.onHttp(req, res));
	private readonly wss = new WebSocketServer({ noServer: true });
	private readonly connections = new Set<Connection>();
	private readonly sessions = new Map<string, Session>();
	private readonly interactions = new Map<string, InteractionState>();
	private readonly interactionsByToken = new Map<string, InteractionState>();
	private readonly expiredTokens = new Set<string>();
	private readonly faults: Fault[] = [];
	private readonly waiters = new Set<Waiter>();
	/** Called with no argument when a connection goes live, with an error when the emulator closes. */
	private readonly readyWaiters = new Set<(error?: Error) => void>();
	private readonly attachmentsById = new Map<string, RecordedFile>();
	private readonly knownUsers = new Map<string, APIUser>();
	private readonly dmChannels = new Map<string, { id: string; recipient: APIUser }>();
	private readonly commandIds = new Map<string, string>();
	private readonly botRoleIds = new Map<string, string>();
	private readonly registeredCommands = new Map<string, unknown[]>();
	private readonly routes: Route[];
	private readonly startedAt = Date.now();
	private closed = false;

	constructor(opts: DiscordEmulatorOptions) {
		this.token = opts.token;
		this.applicationId = opts.applicationId;
		this.botUser = {
			...makeUser({ id: opts.applicationId, username: BOT_USERNAME, bot: true }),
			flags: 0 as UserFlags,
		};
		this.guilds = (opts.guilds ?? [{ id: snowflake(), name: 'Emulated Guild' }]).map((g) => ({
			id: g.id,
			name: g.name ?? `Guild ${g.id.slice(-4)}`,
			channelIds: g.channelIds ?? [snowflake()],
		}));
		this.routes = this.buildRoutes();
		this.server.on('upgrade', (req, socket, head) => {
			this.wss.handleUpgrade(req, socket, head, (ws) => this.onGatewayConnection(ws, req));
		});
	}

	async listen(): Promise<void> {
		await new Promise<void>((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(0, '127.0.0.1', () => resolve());
		});
		const { port } = this.server.address() as AddressInfo;
		this.apiUrl = `http://127.0.0.1:${port}/api`;
		this.gatewayUrl = `ws://127.0.0.1:${port}`;
	}

	// ----- public API -----------------------------------------------------------------------------------

	waitForReady(timeoutMs = 5_000): Promise<void> {
		if ([...this.connections].some((c) => c.live)) return Promise.resolve();
		return new Promise((resolve, reject) => {
			const done = (error?: Error): void => {
				clearTimeout(timer);
				this.readyWaiters.delete(done);
				if (error) reject(error);
				else resolve();
			};
			const timer = setTimeout(() => {
				this.readyWaiters.delete(done);
				reject(new Error(`discord emulator: no gateway client became ready within ${timeoutMs} ms`));
			}, timeoutMs);
			this.readyWaiters.add(done);
		});
	}

	sendInteraction(opts: InteractionOptions): SentInteraction {
		if (this.sessions.size === 0) {
			throw new Error('discord emulator: no gateway session to dispatch to; await waitForReady() first');
		}
		const id = snowflake();
		const token = Buffer.from(`interaction:${id}:${randomBytes(48).toString('base64url')}`).toString('base64url');
		const payload = this.buildInteraction(id, token, opts);
		const sentAt = Date.now();
		const state: InteractionState = {
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
		this.interactions.set(id, state);
		this.interactionsByToken.set(token, state);
		for (const session of this.sessions.values()) this.dispatch(session, GatewayDispatchEvents.InteractionCreate, payload);
		return { id, token, sentAt };
	}

	callbacks(interactionId: string): RecordedRequest[] {
		return this.requests.filter((r) => r.interactionId === interactionId && r.method === 'POST' && r.path.endsWith('/callback'));
	}

	edits(interactionId: string): RecordedRequest[] {
		return this.requests.filter(
			(r) => r.interactionId === interactionId && r.method === 'PATCH' && r.path.endsWith('/messages/@original'),
		);
	}

	followUps(interactionId: string): RecordedRequest[] {
		return this.requests.filter(
			(r) => r.interactionId === interactionId && r.method === 'POST' && /^\/v10\/webhooks\/[^/]+\/[^/]+$/.test(r.path),
		);
	}

	originalMessage(interactionId: string): APIMessage | undefined {
		return this.interactions.get(interactionId)?.original;
	}

	channelMessages(channelId: string): RecordedRequest[] {
		return this.requests.filter((r) => r.method === 'POST' && r.path === `/v10/channels/${channelId}/messages`);
	}

	waitFor(pred: (r: RecordedRequest) => boolean, timeoutMs = 5_000): Promise<RecordedRequest> {
		const existing = this.requests.find(pred);
		if (existing) return Promise.resolve(existing);
		return new Promise((resolve, reject) => {
			const waiter: Waiter = {
				pred,
				resolve,
				reject,
				timer: setTimeout(() => {
					this.waiters.delete(waiter);
					const recent = this.requests
						.slice(-10)
						.map((r) => `${r.method} ${r.path} -> ${r.status}`)
						.join('\n  ');
					reject(new Error(`discord emulator: no matching request within ${timeoutMs} ms; last requests:\n  ${recent || '(none)'}`));
				}, timeoutMs),
			};
			this.waiters.add(waiter);
		});
	}

	expireToken(token: string): void {
		this.expiredTokens.add(token);
	}

	failNext(match: FaultMatch, status: number, body?: unknown, times = 1): void {
		this.faults.push({
			...(match.method ? { method: match.method.toUpperCase() } : {}),
			pathIncludes: match.pathIncludes,
			status,
			...(body === undefined ? {} : { body }),
			remaining: times,
		});
	}

	closeGateway(code = 4000): void {
		const endsSession = SESSION_ENDING_CLOSE_CODES.has(code);
		for (const conn of this.connections) {
			conn.live = false;
			// Detach now so dispatches made before the client resumes are queued for replay.
			if (conn.session?.conn === conn) conn.session.conn = null;
			if (endsSession && conn.session) this.sessions.delete(conn.session.id);
			conn.ws.close(code, 'Emulator closed the connection');
		}
	}

	async close(): Promise<void> {
		if (this.closed) return;
		this.closed = true;
		for (const waiter of this.waiters) {
			clearTimeout(waiter.timer);
			waiter.reject(new Error('discord emulator closed'));
		}
		this.waiters.clear();
		for (const done of [...this.readyWaiters]) done(new Error('discord emulator closed'));
		for (const conn of this.connections) conn.ws.terminate();
		this.connections.clear();
		await new Promise<void>((resolve) => this.wss.close(() => resolve()));
		this.server.closeAllConnections();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}

	// ----- HTTP -----------------------------------------------------------------------------------------

	private async onHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
		try {
			await this.handleHttp(req, res);
		} catch (error) {
			// An emulator bug must fail loudly rather than look like a hang.
			console.error('discord emulator: request handler failed', error);
			if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ message: `emulator error: ${String(error)}`, code: 0 }));
		}
	}

	private async handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const at = Date.now();
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		const raw = Buffer.concat(chunks);

		const url = req.url ?? '/';
		const queryStart = url.indexOf('?');
		const rawPathname = queryStart < 0 ? url : url.slice(0, queryStart);
		const query = Object.fromEntries(new URLSearchParams(queryStart < 0 ? '' : url.slice(queryStart + 1)));
		const headers: Record<string, string> = {};
		for (const [key, value] of Object.entries(req.headers)) {
			if (value !== undefined) headers[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
		}
		// Decode per segment so an encoded '/' inside a token cannot split it.
		const rawSegments = rawPathname.split('/').filter(Boolean);
		const segments = rawSegments.map((s) => {
			try {
				return decodeURIComponent(s);
			} catch {
				return s;
			}
		});
		const isApi = segments[0] === 'api';
		const apiSegments = isApi ? segments.slice(1) : segments;
		const method = (req.method ?? 'GET').toUpperCase();
		const parsed = parseBody(raw, req.headers['content-type']);

		const record: RecordedRequest = {
			at,
			method,
			path: `/${apiSegments.join('/')}`,
			rawPath: rawPathname,
			query,
			headers,
			...(parsed.json === undefined ? {} : { json: parsed.json }),
			files: parsed.files,
			status: 0,
		};

		let reply: Reply;
		const fault = this.takeFault(method, record);
		if (fault) {
			reply = this.faultReply(fault);
		} else if (parsed.error) {
			reply = parsed.error;
		} else if (!isApi) {
			reply = this.serveAttachment(method, segments);
		} else {
			reply = this.route(method, apiSegments, { params: {}, query, headers, json: parsed.json, files: parsed.files });
		}
		if (reply.interactionId === undefined) {
			const interactionId = this.interactionIdFor(apiSegments);
			if (interactionId) reply.interactionId = interactionId;
		}

		record.status = reply.status;
		if (reply.interactionId !== undefined) record.interactionId = reply.interactionId;
		this.send(res, reply);
		this.recordRequest(record);
	}

	private send(res: ServerResponse, reply: Reply): void {
		const headers: Record<string, string> = { ...reply.headers };
		if (reply.raw) {
			res.writeHead(reply.status, { ...headers, 'content-type': reply.raw.contentType });
			res.end(reply.raw.data);
		} else if (reply.status === 204 || reply.body === undefined) {
			res.writeHead(reply.status, headers);
			res.end();
		} else {
			res.writeHead(reply.status, { ...headers, 'content-type': 'application/json' });
			res.end(JSON.stringify(reply.body));
		}
	}

	private recordRequest(record: RecordedRequest): void {
		this.requests.push(record);
		for (const waiter of [...this.waiters]) {
			if (!waiter.pred(record)) continue;
			clearTimeout(waiter.timer);
			this.waiters.delete(waiter);
			waiter.resolve(record);
		}
	}

	private takeFault(method: string, record: RecordedRequest): Fault | undefined {
		const fault = this.faults.find(
			(f) =>
				f.remaining > 0 &&
				(f.method === undefined || f.method === method) &&
				(record.path.includes(f.pathIncludes) || record.rawPath.includes(f.pathIncludes)),
		);
		if (!fault) return undefined;
		fault.remaining--;
		if (fault.remaining === 0) this.faults.splice(this.faults.indexOf(fault), 1);
		return fault;
	}

	private faultReply(fault: Fault): Reply {
		if (fault.status === 429) {
			// What Discord sends for a per-route limit; @discordjs/rest waits Retry-After (seconds) then retries.
			const body = isRecord(fault.body) ? fault.body : {};
			const retryAfter = typeof body.retry_after === 'number' ? body.retry_after : 0.1;
			const global = body.global === true;
			return {
				status: 429,
				body: { message: 'You are being rate limited.', retry_after: retryAfter, global, ...body },
				headers: {
					'retry-after': String(retryAfter),
					'x-ratelimit-limit': '5',
					'x-ratelimit-remaining': '0',
					'x-ratelimit-reset': String((Date.now() / 1000 + retryAfter).toFixed(3)),
					'x-ratelimit-reset-after': String(retryAfter),
					'x-ratelimit-scope': typeof body.scope === 'string' ? body.scope : global ? 'global' : 'user',
					...(global ? { 'x-ratelimit-global': 'true' } : {}),
				},
			};
		}
		const fallback = fault.status >= 500 ? `${fault.status}: Internal Server Error` : `${fault.status}: Emulated failure`;
		return { status: fault.status, body: fault.body ?? { message: fallback, code: 0 } };
	}

	/** Interaction a callback/webhook path refers to, by interaction id or by token. */
	private interactionIdFor(apiSegments: string[]): string | undefined {
		const [, kind, first, second] = apiSegments;
		if (kind === 'interactions' && first !== undefined) return this.interactions.get(first)?.id;
		if (kind === 'webhooks' && second !== undefined) return this.interactionsByToken.get(second)?.id;
		return undefined;
	}

	private route(method: string, segments: string[], base: RouteContext): Reply {
		for (const route of this.routes) {
			if (route.method !== method || route.segments.length !== segments.length) continue;
			const params: Record<string, string> = {};
			let matched = true;
			route.segments.forEach((pattern, i) => {
				const actual = segments[i] ?? '';
				if (pattern.startsWith(':')) params[pattern.slice(1)] = actual;
				else if (pattern !== actual) matched = false;
			});
			if (!matched) continue;
			if (route.auth && base.headers.authorization !== `Bot ${this.token}`) return UNAUTHORIZED();
			return route.handle({ ...base, params });
		}
		return NOT_FOUND();
	}

	private serveAttachment(method: string, segments: string[]): Reply {
		const [kind, , id] = segments;
		const file = id === undefined ? undefined : this.attachmentsById.get(id);
		if (method !== 'GET' || kind !== 'attachments' || !file) return NOT_FOUND();
		return { status: 200, raw: { data: file.data, contentType: file.contentType } };
	}

	// ----- REST routes ----------------------------------------------------------------------------------

	private buildRoutes(): Route[] {
		const r = (method: string, path: string, auth: boolean, handle: (ctx: RouteContext) => Reply): Route => ({
			method,
			segments: path.split('/').filter(Boolean),
			auth,
			handle,
		});
		return [
			r('GET', '/v10/gateway', false, () => ({ status: 200, body: { url: this.gatewayUrl } })),
			r('GET', '/v10/gateway/bot', true, () => ({
				status: 200,
				body: {
					url: this.gatewayUrl,
					shards: 1,
					session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 1 },
				},
			})),
			r('GET', '/v10/users/@me', true, () => ({ status: 200, body: this.botUser })),
			r('GET', '/v10/users/:userId', true, (ctx) => {
				const user = ctx.params.userId === this.applicationId ? this.botUser : this.knownUsers.get(ctx.params.userId ?? '');
				return user ? { status: 200, body: user } : apiError(404, 10013, 'Unknown User');
			}),
			r('POST', '/v10/users/@me/channels', true, (ctx) => this.openDm(ctx)),
			r('GET', '/v10/applications/@me', true, () => ({ status: 200, body: this.application() })),
			r('GET', '/v10/applications/:appId/commands', true, (ctx) => this.getCommands(ctx, null)),
			r('PUT', '/v10/applications/:appId/commands', true, (ctx) => this.putCommands(ctx, null)),
			r('GET', '/v10/applications/:appId/guilds/:guildId/commands', true, (ctx) =>
				this.getCommands(ctx, ctx.params.guildId ?? null),
			),
			r('PUT', '/v10/applications/:appId/guilds/:guildId/commands', true, (ctx) =>
				this.putCommands(ctx, ctx.params.guildId ?? null),
			),
			r('GET', '/v10/guilds/:guildId', true, (ctx) => {
				const guild = this.guilds.find((g) => g.id === ctx.params.guildId);
				if (!guild) return apiError(404, 10004, 'Unknown Guild');
				const { channels: _channels, members: _members, ...rest } = this.guildCreate(guild);
				return { status: 200, body: rest };
			}),
			r('GET', '/v10/guilds/:guildId/members/:userId', true, (ctx) => this.getMember(ctx)),
			r('GET', '/v10/channels/:channelId', true, (ctx) => {
				const channel = this.channelObject(ctx.params.channelId ?? '');
				return channel ? { status: 200, body: channel } : UNKNOWN_CHANNEL();
			}),
			r('POST', '/v10/channels/:channelId/messages', true, (ctx) => this.createChannelMessage(ctx)),
			r('POST', '/v10/interactions/:interactionId/:token/callback', false, (ctx) => this.interactionCallback(ctx)),
			r('POST', '/v10/webhooks/:appId/:token', false, (ctx) => this.createFollowUp(ctx)),
			r('GET', '/v10/webhooks/:appId/:token/messages/:messageId', false, (ctx) => this.webhookMessage(ctx, 'GET')),
			r('PATCH', '/v10/webhooks/:appId/:token/messages/:messageId', false, (ctx) => this.webhookMessage(ctx, 'PATCH')),
			r('DELETE', '/v10/webhooks/:appId/:token/messages/:messageId', false, (ctx) => this.webhookMessage(ctx, 'DELETE')),
		];
	}

	private application(): Record<string, unknown> {
		return {
			id: this.applicationId,
			name: BOT_USERNAME,
			icon: null,
			description: '',
			summary: '',
			type: null,
			bot_public: false,
			bot_require_code_grant: false,
			verify_key: '0'.repeat(64),
			flags: 0,
			owner: makeUser({ id: GUILD_OWNER_ID, username: 'owner' }),
			team: null,
			bot: this.botUser,
			approximate_guild_count: this.guilds.length,
			integration_types_config: { '0': {} },
		};
	}

	private getMember(ctx: RouteContext): Reply {
		const guild = this.guilds.find((g) => g.id === ctx.params.guildId);
		if (!guild) return apiError(404, 10004, 'Unknown Guild');
		const userId = ctx.params.userId ?? '';
		if (userId === this.applicationId) return { status: 200, body: this.botMember(guild) };
		const user = this.knownUsers.get(userId);
		if (!user) return apiError(404, 10007, 'Unknown Member');
		return { status: 200, body: { ...this.memberBase(), user } };
	}

	private openDm(ctx: RouteContext): Reply {
		const recipientId = isRecord(ctx.json) && typeof ctx.json.recipient_id === 'string' ? ctx.json.recipient_id : null;
		if (!recipientId) return formError(['recipient_id'], 'BASE_TYPE_REQUIRED', 'This field is required');
		const recipient = this.knownUsers.get(recipientId) ?? makeUser({ id: recipientId });
		const channel = this.dmChannelFor(recipient);
		return { status: 200, body: this.channelObject(channel.id) };
	}

	private getCommands(ctx: RouteContext, guildId: string | null): Reply {
		if (ctx.params.appId !== this.applicationId) return apiError(403, 50001, 'Missing Access');
		return { status: 200, body: this.registeredCommands.get(guildId ?? 'global') ?? [] };
	}

	private putCommands(ctx: RouteContext, guildId: string | null): Reply {
		if (ctx.params.appId !== this.applicationId) return apiError(403, 50001, 'Missing Access');
		if (guildId !== null && !this.guilds.some((g) => g.id === guildId)) return apiError(403, 50001, 'Missing Access');
		if (!Array.isArray(ctx.json)) return formError([], 'LIST_TYPE_CONVERT', 'Only iterables may be used in a ListType');
		const errors = new FormErrors();
		const scope = guildId ?? 'global';
		const commands = ctx.json.map((command: unknown, i) => {
			const c = isRecord(command) ? command : {};
			const type = typeof c.type === 'number' ? c.type : ApplicationCommandType.ChatInput;
			validateCommand(c, type, [i], errors);
			const key = `${scope}:${type}:${String(c.name)}`;
			const id = this.commandIds.get(key) ?? snowflake();
			this.commandIds.set(key, id);
			return {
				id,
				application_id: this.applicationId,
				version: snowflake(),
				type,
				name: c.name,
				name_localizations: c.name_localizations ?? null,
				description: c.description ?? '',
				description_localizations: c.description_localizations ?? null,
				...(c.options === undefined ? {} : { options: c.options }),
				default_member_permissions: c.default_member_permissions ?? null,
				dm_permission: c.dm_permission ?? true,
				contexts: c.contexts ?? null,
				integration_types: c.integration_types ?? [0],
				nsfw: c.nsfw ?? false,
				...(guildId === null ? {} : { guild_id: guildId }),
			};
		});
		const invalid = errors.reply();
		if (invalid) return invalid;
		this.registeredCommands.set(scope, commands);
		return { status: 200, body: commands };
	}

	private createChannelMessage(ctx: RouteContext): Reply {
		const channelId = ctx.params.channelId ?? '';
		if (!this.channelObject(channelId)) return UNKNOWN_CHANNEL();
		const built = buildMessage(null, ctx.json, ctx.files, this.messageContext(channelId, DEFAULT_ATTACHMENT_LIMIT), {
			isEdit: false,
		});
		if (!built.ok) return built.reply;
		if ((built.message.flags ?? 0) & MessageFlags.Ephemeral) {
			return formError(['flags'], 'MESSAGE_FLAGS_INVALID', 'Ephemeral messages can only be sent in response to interactions');
		}
		return { status: 200, body: built.message };
	}

	private interactionCallback(ctx: RouteContext): Reply {
		const interaction = this.interactions.get(ctx.params.interactionId ?? '');
		if (!interaction || interaction.token !== ctx.params.token) return UNKNOWN_INTERACTION();
		const interactionId = interaction.id;
		const withId = (reply: Reply): Reply => ({ ...reply, interactionId });
		// Checked before the 3 s window: a late second acknowledgement is still "already acknowledged".
		if (interaction.acknowledged) return withId(apiError(400, 40060, 'Interaction has already been acknowledged.'));
		if (Date.now() - interaction.sentAt > INTERACTION_ACK_WINDOW_MS) return withId(UNKNOWN_INTERACTION());

		const body = isRecord(ctx.json) ? ctx.json : {};
		const data = isRecord(body.data) ? body.data : {};
		const context = this.messageContext(interaction.channelId, interaction.attachmentSizeLimit, this.interactionExtra(interaction));
		let message: APIMessage;
		if (body.type === InteractionResponseType.DeferredChannelMessageWithSource) {
			const flags = data.flags === undefined || data.flags === null ? 0 : Number(data.flags);
			if (!Number.isInteger(flags) || (flags & ~MessageFlags.Ephemeral) !== 0) {
				return withId(formError(['data', 'flags'], 'INTERACTION_RESPONSE_FLAGS_INVALID', 'Only the EPHEMERAL flag (64) can be set'));
			}
			message = {
				type: MessageType.ChatInputCommand,
				mention_everyone: false,
				mention_roles: [],
				mentions: [],
				pinned: false,
				tts: false,
				...context.extra,
				id: snowflake(),
				channel_id: interaction.channelId,
				author: this.botUser,
				content: '',
				embeds: [],
				attachments: [],
				components: [],
				flags: flags | MessageFlags.Loading,
				timestamp: iso(),
				edited_timestamp: null,
			};
		} else if (body.type === InteractionResponseType.ChannelMessageWithSource) {
			const built = buildMessage(null, data, ctx.files, context, { isEdit: false });
			if (!built.ok) return withId(built.reply);
			message = built.message;
		} else {
			return withId(formError(['type'], 'INTERACTION_RESPONSE_TYPE_INVALID', `Unsupported interaction response type ${String(body.type)} for an application command`));
		}

		interaction.acknowledged = true;
		interaction.original = message;
		if (ctx.query.with_response !== 'true') return withId({ status: 204 });
		const ephemeral = ((message.flags ?? 0) & MessageFlags.Ephemeral) !== 0;
		return withId({
			status: 200,
			body: {
				interaction: {
					id: interaction.id,
					type: InteractionType.ApplicationCommand,
					response_message_id: message.id,
					response_message_loading: body.type === InteractionResponseType.DeferredChannelMessageWithSource,
					response_message_ephemeral: ephemeral,
				},
				resource: { type: body.type, message },
			},
		});
	}

	/** Resolves the interaction behind a webhook URL, or the error Discord gives. */
	private webhookInteraction(ctx: RouteContext): InteractionState | Reply {
		const token = ctx.params.token ?? '';
		const interaction = this.interactionsByToken.get(token);
		if (ctx.params.appId !== this.applicationId || !interaction) return UNKNOWN_WEBHOOK();
		const withId = (reply: Reply): Reply => ({ ...reply, interactionId: interaction.id });
		if (this.expiredTokens.has(token) || Date.now() - interaction.sentAt > INTERACTION_TOKEN_LIFETIME_MS) {
			return withId(apiError(401, 50027, 'Invalid Webhook Token'));
		}
		if (!interaction.acknowledged) return withId(UNKNOWN_WEBHOOK());
		return interaction;
	}

	private createFollowUp(ctx: RouteContext): Reply {
		const interaction = this.webhookInteraction(ctx);
		if (!('token' in interaction)) return interaction;
		const context = this.messageContext(interaction.channelId, interaction.attachmentSizeLimit, this.interactionExtra(interaction));
		const built = buildMessage(null, ctx.json, ctx.files, context, { isEdit: false });
		if (!built.ok) return { ...built.reply, interactionId: interaction.id };
		interaction.followUps.set(built.message.id, built.message);
		if (ctx.query.wait !== 'true') return { status: 204, interactionId: interaction.id };
		return { status: 200, body: built.message, interactionId: interaction.id };
	}

	private webhookMessage(ctx: RouteContext, method: 'GET' | 'PATCH' | 'DELETE'): Reply {
		const interaction = this.webhookInteraction(ctx);
		if (!('token' in interaction)) return interaction;
		const interactionId = interaction.id;
		const messageId = ctx.params.messageId ?? '';
		const isOriginal = messageId === '@original' || messageId === interaction.original?.id;
		const current = isOriginal ? interaction.original : interaction.followUps.get(messageId);
		if (!current) return { ...UNKNOWN_MESSAGE(), interactionId };

		if (method === 'GET') return { status: 200, body: current, interactionId };
		if (method === 'DELETE') {
			if (isOriginal) delete interaction.original;
			else interaction.followUps.delete(current.id);
			return { status: 204, interactionId };
		}
		const context = this.messageContext(interaction.channelId, interaction.attachmentSizeLimit, this.interactionExtra(interaction));
		const built = buildMessage(current, ctx.json, ctx.files, context, { isEdit: true });
		if (!built.ok) return { ...built.reply, interactionId };
		if (isOriginal) interaction.original = built.message;
		else interaction.followUps.set(current.id, built.message);
		return { status: 200, body: built.message, interactionId };
	}

	private messageContext(channelId: string, attachmentSizeLimit: number, extra?: Partial<APIMessage>): MessageContext {
		return {
			channelId,
			author: this.botUser,
			attachmentSizeLimit,
			attachmentBase: this.apiUrl.replace(/\/api$/, ''),
			storeAttachment: (id, file) => this.attachmentsById.set(id, file),
			...(extra ? { extra } : {}),
		};
	}

	/** Fields Discord puts on messages created through an interaction's webhook. */
	private interactionExtra(interaction: InteractionState): Partial<APIMessage> {
		return {
			type: MessageType.ChatInputCommand,
			webhook_id: this.applicationId,
			application_id: this.applicationId,
			interaction_metadata: {
				id: interaction.id,
				type: InteractionType.ApplicationCommand,
				user: interaction.user,
				authorizing_integration_owners: interaction.guildId ? { '0': interaction.guildId } : { '1': interaction.user.id },
			},
			interaction: {
				id: interaction.id,
				type: InteractionType.ApplicationCommand,
				name: interaction.commandName,
				user: interaction.user,
			},
		};
	}

	// ----- Gateway --------------------------------------------------------------------------------------

	private onGatewayConnection(ws: WebSocket, req: IncomingMessage): void {
		const conn: Connection = { ws, session: null, live: false };
		this.connections.add(conn);
		ws.on('error', () => undefined);
		ws.on('close', (code) => {
			this.connections.delete(conn);
			conn.live = false;
			const session = conn.session;
			if (session?.conn === conn) session.conn = null;
			// A client closing with 1000/1001 ends its session, as on Discord.
			if (session && (code === 1000 || code === 1001)) this.sessions.delete(session.id);
		});
		const params = new URL(req.url ?? '/', 'ws://127.0.0.1').searchParams;
		const version = params.get('v');
		const encoding = params.get('encoding');
		if (version !== null && version !== '10') {
			ws.close(GatewayCloseCodes.InvalidAPIVersion, 'Invalid API version.');
			return;
		}
		if (encoding !== null && encoding !== 'json') {
			ws.close(GatewayCloseCodes.DecodeError, 'Error while decoding payload.');
			return;
		}
		ws.on('message', (data, isBinary) => this.onGatewayMessage(conn, data.toString(), isBinary));
		this.sendOp(conn, GatewayOpcodes.Hello, { heartbeat_interval: HEARTBEAT_INTERVAL, _trace: ['["discord-emulator"]'] });
	}

	private sendOp(conn: Connection, op: GatewayOpcodes, d: unknown): void {
		if (conn.ws.readyState === conn.ws.OPEN) conn.ws.send(JSON.stringify({ op, d, s: null, t: null }));
	}

	private dispatch(session: Session, t: string, d: unknown): void {
		const record: DispatchRecord = { s: ++session.seq, t, d };
		session.log.push(record);
		const conn = session.conn;
		if (conn && conn.ws.readyState === conn.ws.OPEN) {
			conn.ws.send(JSON.stringify({ op: GatewayOpcodes.Dispatch, ...record }));
		}
	}

	private onGatewayMessage(conn: Connection, text: string, isBinary: boolean): void {
		let payload: unknown;
		try {
			payload = isBinary ? null : JSON.parse(text);
		} catch {
			payload = null;
		}
		if (!isRecord(payload) || typeof payload.op !== 'number') {
			conn.ws.close(GatewayCloseCodes.DecodeError, 'Error while decoding payload.');
			return;
		}
		const d = payload.d;
		switch (payload.op) {
			case GatewayOpcodes.Heartbeat:
				this.sendOp(conn, GatewayOpcodes.HeartbeatAck, null);
				return;
			case GatewayOpcodes.Identify:
				this.onIdentify(conn, d);
				return;
			case GatewayOpcodes.Resume:
				this.onResume(conn, d);
				return;
			case GatewayOpcodes.PresenceUpdate:
			case GatewayOpcodes.VoiceStateUpdate:
			case GatewayOpcodes.RequestGuildMembers:
				if (!conn.session) conn.ws.close(GatewayCloseCodes.NotAuthenticated, 'Not authenticated.');
				return;
			default:
				conn.ws.close(GatewayCloseCodes.UnknownOpcode, 'Unknown opcode.');
		}
	}

	private validToken(token: unknown): boolean {
		return typeof token === 'string' && token.replace(/^Bot /, '') === this.token;
	}

	private onIdentify(conn: Connection, d: unknown): void {
		this.identifies.push(d);
		if (conn.session) {
			conn.ws.close(GatewayCloseCodes.AlreadyAuthenticated, 'Already authenticated.');
			return;
		}
		if (!isRecord(d) || !this.validToken(d.token)) {
			conn.ws.close(GatewayCloseCodes.AuthenticationFailed, 'Authentication failed.');
			return;
		}
		const session: Session = { id: randomBytes(16).toString('hex'), seq: 0, log: [], conn };
		this.sessions.set(session.id, session);
		conn.session = session;
		const ready: GatewayReadyDispatchData & Record<string, unknown> = {
			v: 10,
			user: { ...this.botUser, verified: true, mfa_enabled: false, email: null },
			guilds: this.guilds.map((g) => ({ id: g.id, unavailable: true })),
			session_id: session.id,
			resume_gateway_url: this.gatewayUrl,
			shard: [0, 1],
			application: { id: this.applicationId, flags: 0 as ApplicationFlags, flags_new: '0' },
			user_settings: {},
			private_channels: [],
			relationships: [],
			presences: [],
			guild_join_requests: [],
			geo_ordered_rtc_regions: [],
			session_type: 'normal',
			auth: {},
			_trace: ['["discord-emulator"]'],
		};
		this.dispatch(session, GatewayDispatchEvents.Ready, ready);
		for (const guild of this.guilds) this.dispatch(session, GatewayDispatchEvents.GuildCreate, this.guildCreate(guild));
		this.markLive(conn);
	}

	private onResume(conn: Connection, d: unknown): void {
		this.resumes.push(d);
		if (!isRecord(d) || !this.validToken(d.token)) {
			conn.ws.close(GatewayCloseCodes.AuthenticationFailed, 'Authentication failed.');
			return;
		}
		const session = typeof d.session_id === 'string' ? this.sessions.get(d.session_id) : undefined;
		if (!session) {
			this.sendOp(conn, GatewayOpcodes.InvalidSession, false);
			return;
		}
		const seq = typeof d.seq === 'number' ? d.seq : 0;
		if (seq > session.seq) {
			conn.ws.close(GatewayCloseCodes.InvalidSeq, 'Invalid seq.');
			return;
		}
		// A newer connection takes the session over, as on Discord.
		if (session.conn && session.conn !== conn) {
			session.conn.live = false;
			session.conn.ws.close(GatewayCloseCodes.SessionTimedOut, 'Session resumed elsewhere.');
		}
		session.conn = conn;
		conn.session = session;
		for (const record of session.log) {
			if (record.s > seq) conn.ws.send(JSON.stringify({ op: GatewayOpcodes.Dispatch, ...record }));
		}
		this.dispatch(session, GatewayDispatchEvents.Resumed, { _trace: ['["discord-emulator"]'] });
		this.markLive(conn);
	}

	private markLive(conn: Connection): void {
		conn.live = true;
		for (const done of [...this.readyWaiters]) done();
	}

	// ----- Payload builders -----------------------------------------------------------------------------

	private memberBase(): Omit<APIGuildMember, 'user'> & { user?: APIUser } {
		return {
			roles: [],
			joined_at: iso(this.startedAt - 86_400_000),
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

	private botRoleId(guild: EmulatedGuild): string {
		let id = this.botRoleIds.get(guild.id);
		if (!id) {
			id = snowflake();
			this.botRoleIds.set(guild.id, id);
		}
		return id;
	}

	private botMember(guild: EmulatedGuild): APIGuildMember {
		return { ...this.memberBase(), user: this.botUser, roles: [this.botRoleId(guild)] };
	}

	private guildCreate(guild: EmulatedGuild): GatewayGuildCreateDispatchData {
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
			...(managed ? { tags: { bot_id: this.applicationId } } : {}),
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
			features: [],
			emojis: [],
			stickers: [],
			roles: [
				role(guild.id, '@everyone', DEFAULT_MEMBER_PERMISSIONS, 0, false),
				role(this.botRoleId(guild), BOT_USERNAME, DEFAULT_APP_PERMISSIONS, 1, true),
			],
			channels: guild.channelIds.map((id, position) => textChannel(guild.id, id, position)),
			threads: [],
			// Discord always includes the bot's own member, so guild.members.me works.
			members: [this.botMember(guild)],
			member_count: 2,
			joined_at: iso(this.startedAt - 3_600_000),
			large: false,
			unavailable: false,
			voice_states: [],
			presences: [],
			stage_instances: [],
			guild_scheduled_events: [],
			soundboard_sounds: [],
		};
	}

	private dmChannelFor(user: APIUser): { id: string; recipient: APIUser } {
		let channel = this.dmChannels.get(user.id);
		if (!channel) {
			channel = { id: snowflake(), recipient: user };
			this.dmChannels.set(user.id, channel);
		}
		return channel;
	}

	/** Channel object for GET /channels/:id, or null when the channel is unknown. */
	private channelObject(channelId: string): Record<string, unknown> | null {
		for (const guild of this.guilds) {
			const position = guild.channelIds.indexOf(channelId);
			if (position < 0) continue;
			return { ...textChannel(guild.id, channelId, position) };
		}
		for (const dm of this.dmChannels.values()) {
			if (dm.id === channelId) {
				return { id: dm.id, type: ChannelType.DM, flags: 0, last_message_id: null, recipients: [dm.recipient] };
			}
		}
		return null;
	}

	private buildInteraction(id: string, token: string, opts: InteractionOptions): APIChatInputApplicationCommandInteraction {
		const user = makeUser(opts.user ?? DEFAULT_USER);
		this.knownUsers.set(user.id, user);
		const guildId = opts.guildId === null ? null : (opts.guildId ?? this.guilds[0]?.id ?? null);
		const guild = guildId === null ? null : (this.guilds.find((g) => g.id === guildId) ?? null);
		const permissions = opts.permissions ?? DEFAULT_MEMBER_PERMISSIONS;
		const appPermissions = opts.appPermissions ?? DEFAULT_APP_PERMISSIONS;

		const resolved = this.resolveOptions(opts, guildId !== null, permissions);
		const data = {
			id: this.commandIds.get(`${guildId ?? 'global'}:1:${opts.commandName}`) ??
				this.commandIds.get(`global:1:${opts.commandName}`) ??
				snowflake(),
			name: opts.commandName,
			type: ApplicationCommandType.ChatInput as const,
			...(opts.options ? { options: opts.options } : {}),
			...(resolved ? { resolved } : {}),
			...(guildId ? { guild_id: guildId } : {}),
		};
		const base = {
			id,
			application_id: this.applicationId,
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
			const channelId = opts.channelId ?? this.dmChannelFor(user).id;
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
			member: { ...this.memberBase(), user, permissions },
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
	private resolveOptions(opts: InteractionOptions, inGuild: boolean, permissions: string): APIInteractionDataResolved | null {
		const users = new Map<string, APIUser>();
		for (const u of opts.resolvedUsers ?? []) users.set(u.id, makeUser(u));
		const walk = (options: APIApplicationCommandInteractionDataOption[]): void => {
			for (const option of options) {
				if (option.type === ApplicationCommandOptionType.User && !users.has(option.value)) {
					users.set(option.value, this.knownUsers.get(option.value) ?? makeUser({ id: option.value }));
				}
				if ('options' in option && option.options) walk(option.options);
			}
		};
		walk(opts.options ?? []);
		if (users.size === 0) return null;
		for (const u of users.values()) this.knownUsers.set(u.id, u);
		const resolved: APIInteractionDataResolved = { users: Object.fromEntries([...users].map(([id, u]) => [id, u])) };
		if (inGuild) {
			const { user: _user, ...member } = this.memberBase();
			resolved.members = Object.fromEntries([...users.keys()].map((id) => [id, { ...member, permissions }]));
		}
		return resolved;
	}
}

// ---------------------------------------------------------------------------------------------------------
// Command validation (the mistakes Discord rejects on PUT .../commands)
// ---------------------------------------------------------------------------------------------------------

const COMMAND_NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

function validateCommand(c: Record<string, unknown>, type: number, path: Array<string | number>, errors: FormErrors): void {
	const name = typeof c.name === 'string' ? c.name : '';
	if (!name) errors.add([...path, 'name'], 'BASE_TYPE_REQUIRED', 'This field is required');
	if (type !== ApplicationCommandType.ChatInput) return;
	if (name && (!COMMAND_NAME.test(name) || name !== name.toLowerCase())) {
		errors.add([...path, 'name'], 'APPLICATION_COMMAND_INVALID_NAME', `Command name is invalid`);
	}
	const description = typeof c.description === 'string' ? c.description : '';
	if (description.length < 1 || description.length > 100) {
		errors.add([...path, 'description'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 100 in length.');
	}
	validateOptions(c.options, [...path, 'options'], errors);
}

function validateOptions(options: unknown, path: Array<string | number>, errors: FormErrors): void {
	if (options === undefined || options === null) return;
	if (!Array.isArray(options)) {
		errors.add(path, 'LIST_TYPE_CONVERT', 'Only iterables may be used in a ListType');
		return;
	}
	if (options.length > 25) errors.add(path, 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
	let sawOptional = false;
	options.forEach((option: unknown, i) => {
		if (!isRecord(option)) return;
		const name = typeof option.name === 'string' ? option.name : '';
		if (!COMMAND_NAME.test(name) || name !== name.toLowerCase()) {
			errors.add([...path, i, 'name'], 'APPLICATION_COMMAND_INVALID_NAME', 'Option name is invalid');
		}
		const description = typeof option.description === 'string' ? option.description : '';
		if (description.length < 1 || description.length > 100) {
			errors.add([...path, i, 'description'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 100 in length.');
		}
		if (Array.isArray(option.choices) && option.choices.length > 25) {
			errors.add([...path, i, 'choices'], 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
		}
		if (option.required === true && sawOptional) {
			errors.add([...path, i, 'required'], 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID', 'Required options must be placed before non-required options');
		}
		if (option.required !== true) sawOptional = true;
		validateOptions(option.options, [...path, i, 'options'], errors);
	});
}
