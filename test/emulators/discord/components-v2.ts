/**
 * Components V2 (message flag IS_COMPONENTS_V2, 1 << 15) as Discord validates them, and the media fields it fills
 * in. Layout: top level and Container hold Action Row, Text Display, Section, Media Gallery, Separator, File; a
 * Section holds 1-3 Text Displays and a Button or Thumbnail accessory. Limits: ≤ 40 components in all (nested
 * included), text display content 1-4000 and ≤ 4000 in all, gallery 1-10 items, alt text ≤ 1024, accent_color
 * 0-0xFFFFFF, separator spacing 1 or 2; `attachment://name` must name a file of the message (File takes nothing
 * else). Sources: docs.discord.com components/reference, resources/message (Create/Edit Message), change-log
 * (2025-04-29, 40 components), and the spec's *ForMessageRequest schemas.
 */
import { type APIAttachment, ComponentType } from 'discord-api-types/v10';
import { type Path, checkActionRow, checkButton, checkInt, checkList, checkString, invalidType } from './components.js';
import type { FormErrors } from './replies.js';
import { isRecord, snowflake } from './util.js';

type Json = Record<string, unknown>;

export const MAX_V2_COMPONENTS = 40;
export const MAX_V2_TEXT = 4000;
const TOP_LEVEL: ReadonlySet<number> = new Set([
	ComponentType.ActionRow,
	ComponentType.Section,
	ComponentType.TextDisplay,
	ComponentType.MediaGallery,
	ComponentType.File,
	ComponentType.Separator,
	ComponentType.Container,
]);
/** Container children: the top-level types less Container. */
const IN_CONTAINER: ReadonlySet<number> = new Set([...TOP_LEVEL].filter((t) => t !== ComponentType.Container));

interface Walk {
	errors: FormErrors;
	/** Filenames `attachment://` may name: this request's uploads and, on an edit, the attachments it keeps. */
	files: ReadonlySet<string>;
	seenCustomIds: Set<string>;
	seenIds: Set<number>;
	count: number;
	text: number;
}

function checkBool(w: Walk, path: Path, value: unknown): void {
	if (value !== undefined && value !== null && typeof value !== 'boolean') w.errors.add(path, 'BOOLEAN_TYPE_CONVERT', 'Must be either true or false.');
}

/** An unfurled media item: `{url}` with an http(s) url or `attachment://<a file of the message>` (only the latter for File). */
function checkMedia(w: Walk, path: Path, media: unknown, attachmentOnly: boolean): void {
	if (!isRecord(media)) {
		w.errors.add(path, media === undefined || media === null ? 'BASE_TYPE_REQUIRED' : 'DICT_TYPE_CONVERT', 'This field is required');
		return;
	}
	const url = checkString(w.errors, [...path, 'url'], media.url, 1, 2048, true);
	if (url === undefined) return;
	if (url.startsWith('attachment://')) {
		const name = url.slice('attachment://'.length);
		if (!w.files.has(name)) w.errors.add([...path, 'url'], 'UNFURLED_MEDIA_ATTACHMENT_NOT_FOUND', `No file named "${name}" is attached to this message`);
	} else if (attachmentOnly) {
		w.errors.add([...path, 'url'], 'UNFURLED_MEDIA_ATTACHMENT_REQUIRED', 'Only attachment:// references are allowed here');
	} else if (!/^https?:\/\/[^\s/]+/.test(url)) {
		w.errors.add([...path, 'url'], 'URL_TYPE_INVALID_URL', 'Not a well formed URL.');
	}
}

function checkTextDisplay(w: Walk, path: Path, c: Json): void {
	const content = checkString(w.errors, [...path, 'content'], c.content, 1, MAX_V2_TEXT, true);
	w.text += content?.length ?? 0;
}

function checkSection(w: Walk, path: Path, c: Json): void {
	const texts = checkList(w.errors, [...path, 'components'], c.components, 1, 3) ?? [];
	texts.forEach((t: unknown, i) => {
		const at = [...path, 'components', i];
		if (isRecord(t) && t.type === ComponentType.TextDisplay) component(w, at, t, new Set([ComponentType.TextDisplay]));
		else if (isRecord(t)) invalidType(w.errors, at);
		else w.errors.add(at, 'DICT_TYPE_CONVERT', 'Only dictionaries may be used in a DictType');
	});
	const accessory = c.accessory;
	const at = [...path, 'accessory'];
	if (!isRecord(accessory)) w.errors.add(at, 'BASE_TYPE_REQUIRED', 'This field is required');
	else if (accessory.type === ComponentType.Button || accessory.type === ComponentType.Thumbnail) {
		component(w, at, accessory, new Set([ComponentType.Button, ComponentType.Thumbnail]));
	} else invalidType(w.errors, at);
}

function checkGallery(w: Walk, path: Path, c: Json): void {
	const items = checkList(w.errors, [...path, 'items'], c.items, 1, 10) ?? [];
	items.forEach((item: unknown, i) => {
		const at = [...path, 'items', i];
		if (!isRecord(item)) {
			w.errors.add(at, 'DICT_TYPE_CONVERT', 'Only dictionaries may be used in a DictType');
			return;
		}
		checkMedia(w, [...at, 'media'], item.media, false);
		checkString(w.errors, [...at, 'description'], item.description, 1, 1024, false);
		checkBool(w, [...at, 'spoiler'], item.spoiler);
	});
}

function checkContainer(w: Walk, path: Path, c: Json): void {
	if (c.accent_color !== null) checkInt(w.errors, [...path, 'accent_color'], c.accent_color, 0, 0xffffff);
	checkBool(w, [...path, 'spoiler'], c.spoiler);
	const children = checkList(w.errors, [...path, 'components'], c.components, 1, MAX_V2_COMPONENTS) ?? [];
	children.forEach((child: unknown, i) => component(w, [...path, 'components', i], child, IN_CONTAINER));
}

/** One component where `allowed` types may stand; counts it towards the 40. */
function component(w: Walk, path: Path, c: unknown, allowed: ReadonlySet<number>): void {
	if (!isRecord(c)) {
		w.errors.add(path, 'DICT_TYPE_CONVERT', 'Only dictionaries may be used in a DictType');
		return;
	}
	if (typeof c.type !== 'number' || !allowed.has(c.type)) {
		invalidType(w.errors, path);
		return;
	}
	w.count++;
	if (typeof c.id === 'number' && c.id !== 0) {
		if (w.seenIds.has(c.id)) w.errors.add([...path, 'id'], 'COMPONENT_ID_DUPLICATED', 'Component id was already specified');
		w.seenIds.add(c.id);
	}
	switch (c.type) {
		case ComponentType.ActionRow:
			w.count += Array.isArray(c.components) ? c.components.length : 0;
			checkActionRow(w.errors, path, c, w.seenCustomIds);
			return;
		case ComponentType.Button:
			checkButton(w.errors, path, c, w.seenCustomIds);
			return;
		case ComponentType.TextDisplay:
			checkTextDisplay(w, path, c);
			return;
		case ComponentType.Section:
			checkSection(w, path, c);
			return;
		case ComponentType.Thumbnail:
			checkMedia(w, [...path, 'media'], c.media, false);
			checkString(w.errors, [...path, 'description'], c.description, 1, 1024, false);
			checkBool(w, [...path, 'spoiler'], c.spoiler);
			return;
		case ComponentType.MediaGallery:
			checkGallery(w, path, c);
			return;
		case ComponentType.File:
			checkMedia(w, [...path, 'file'], c.file, true);
			checkBool(w, [...path, 'spoiler'], c.spoiler);
			return;
		case ComponentType.Separator:
			checkBool(w, [...path, 'divider'], c.divider);
			if (c.spacing !== undefined && c.spacing !== null && c.spacing !== 1 && c.spacing !== 2) {
				w.errors.add([...path, 'spacing'], 'BASE_TYPE_CHOICES', 'Value must be one of {1, 2}.');
			}
			return;
		default:
			checkContainer(w, path, c);
	}
}

/**
 * With the flag a message holds only components: a create may not send content, embeds, a poll or stickers, and
 * an edit must leave content and embeds empty (content: null or '', embeds: []), as Discord's 400 says.
 */
export function refuseLegacyFields(errors: FormErrors, data: Json, content: string, embeds: readonly unknown[]): void {
	const refuse = (field: string): void =>
		errors.add([field], 'MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2', `The '${field}' field cannot be used when using MessageFlags.IS_COMPONENTS_V2`);
	if (content !== '') refuse('content');
	if (embeds.length > 0) refuse('embeds');
	if (data.poll !== undefined && data.poll !== null) refuse('poll');
	if (Array.isArray(data.sticker_ids) && data.sticker_ids.length > 0) refuse('sticker_ids');
}

/** Validates the `components` of a Components V2 message (errors at ['components', ...]). */
export function validateV2Components(raw: unknown[], errors: FormErrors, files: ReadonlySet<string>): void {
	const w: Walk = { errors, files, seenCustomIds: new Set(), seenIds: new Set(), count: 0, text: 0 };
	raw.forEach((c: unknown, i) => component(w, ['components', i], c, TOP_LEVEL));
	if (w.count > MAX_V2_COMPONENTS) {
		errors.add(
			['components'],
			'MESSAGE_COMPONENTS_TOTAL_MAX_EXCEEDED',
			`A message may hold ${MAX_V2_COMPONENTS} components in all, nested ones included (got ${w.count})`,
		);
	}
	if (w.text > MAX_V2_TEXT) {
		errors.add(
			['components'],
			'MESSAGE_COMPONENTS_TEXT_MAX_LENGTH',
			`The text displays of a message may hold ${MAX_V2_TEXT} characters in all (got ${w.text})`,
		);
	}
}

/** Media as Discord returns it: attachment:// resolved to the attachment (url, size, type, attachment_id), others as given. */
function resolvedMedia(media: unknown, attachments: readonly APIAttachment[]): Json {
	const given = isRecord(media) ? media : {};
	const url = typeof given.url === 'string' ? given.url : '';
	const file = url.startsWith('attachment://') ? attachments.find((a) => a.filename === url.slice('attachment://'.length)) : undefined;
	if (!file) return { ...given, id: snowflake(), url, proxy_url: url, width: null, height: null, content_type: null };
	return {
		id: snowflake(),
		url: file.url,
		proxy_url: file.proxy_url,
		width: file.width ?? null,
		height: file.height ?? null,
		content_type: file.content_type ?? null,
		attachment_id: file.id,
	};
}

/** The stored form of validated V2 components: media resolved, defaults Discord fills in (spoiler, description, name, size). */
export function resolveV2Components(components: Json[], attachments: readonly APIAttachment[]): Json[] {
	const resolve = (c: Json): Json => {
		const out: Json = { ...c };
		if (Array.isArray(c.components)) out.components = c.components.filter(isRecord).map(resolve);
		if (isRecord(c.accessory)) out.accessory = resolve(c.accessory);
		if (c.type === ComponentType.MediaGallery && Array.isArray(c.items)) {
			out.items = c.items.filter(isRecord).map((item) => ({ description: null, spoiler: false, ...item, media: resolvedMedia(item.media, attachments) }));
		}
		if (c.type === ComponentType.Thumbnail)
			Object.assign(out, { description: c.description ?? null, spoiler: c.spoiler ?? false, media: resolvedMedia(c.media, attachments) });
		if (c.type === ComponentType.File) {
			const media = resolvedMedia(c.file, attachments);
			const file = attachments.find((a) => a.id === media.attachment_id);
			Object.assign(out, { spoiler: c.spoiler ?? false, file: media, name: file?.filename ?? null, size: file?.size ?? null });
		}
		if (c.type === ComponentType.Container) Object.assign(out, { spoiler: c.spoiler ?? false });
		return out;
	};
	return components.map(resolve);
}
