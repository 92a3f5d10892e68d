/** Message validation and building: content, embeds, attachments (PNG sizes), components (components.ts, components-v2.ts) and flags. */
import { type APIAttachment, type APIEmbed, type APIMessage, type APIUser, MessageFlags, MessageType } from 'discord-api-types/v10';
import { refuseLegacyFields, resolveV2Components, validateV2Components } from './components-v2.js';
import { validateMessageComponents } from './components.js';
import { type Reply, FormErrors, apiError } from './replies.js';
import type { RecordedFile } from './types.js';
import { isRecord, iso, snowflake } from './util.js';

/** Flags a new message may carry (ephemeral, suppress embeds/notifications, components v2). */
const CREATE_FLAGS = MessageFlags.Ephemeral | MessageFlags.SuppressEmbeds | MessageFlags.SuppressNotifications | MessageFlags.IsComponentsV2;
/** Flags an edit may change. */
const EDIT_FLAGS = MessageFlags.SuppressEmbeds | MessageFlags.IsComponentsV2;

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

export interface MessageContext {
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
export function buildMessage(
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

	// IS_COMPONENTS_V2 can be set by an edit but never unset.
	if ((base?.flags ?? 0) & MessageFlags.IsComponentsV2) flags |= MessageFlags.IsComponentsV2;
	const v2 = (flags & MessageFlags.IsComponentsV2) !== 0;
	if (v2) {
		refuseLegacyFields(errors, data, content, embeds);
		const names = new Set([...attachments.map((a) => a.filename), ...files.map((f) => f.filename)]);
		if (Array.isArray(data.components)) validateV2Components(data.components, errors, names);
	}
	// Omitted: kept; null or []: removed; else validated (the legacy layout, or components-v2.ts's above).
	let components =
		'components' in data ? (validateMessageComponents(data.components, !v2, errors) as APIMessage['components'] & object) : (base?.components ?? []);
	if (v2 && 'components' in data)
		components = resolveV2Components(components as unknown as Record<string, unknown>[], attachments) as unknown as typeof components;

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
