// What a style name and template may be, and how a name is compared (pure: the storage, the command and the
// property tests share it). Refusals come back as the reason a moderator reads, in their locale (English if none is given).
import { styleTexts } from '../messages/style-texts.js';

export const NAME_MAX = 32;
export const TEMPLATE_MAX = 500;
export const MAX_SERVER_STYLES = 25;
export const PLACEHOLDER = '{prompt}';
/**
 * The longest prompt the bot sends hiapi (a /imagine prompt is at most 1500, a template at most 500 with its
 * placeholder; a template repeating `{prompt}` could go past it, and is then refused for that prompt).
 */
export const FINAL_PROMPT_MAX = 2000;

/** Control and invisible characters (zero-width, bidi marks...): a name must read as what it is. */
const UNSEEN = /[\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}\p{Zl}\p{Zp}]/u;

/** The name as stored and shown: trimmed, runs of spaces made one. */
export function tidyName(raw: string): string {
	return raw.trim().replace(/\s+/gu, ' ');
}

/** How names are compared (case-insensitive): two names with the same key are the same style. */
export function nameKey(raw: string): string {
	return tidyName(raw).toLowerCase();
}

export type Checked<T> = { ok: true; value: T } | { ok: false; why: string };

export function checkName(raw: string, locale?: string | null): Checked<string> {
	const name = tidyName(raw);
	if (name.length === 0 || name.length > NAME_MAX || UNSEEN.test(name)) return { ok: false, why: styleTexts(locale).badName(NAME_MAX) };
	return { ok: true, value: name };
}

export function checkTemplate(raw: string, locale?: string | null): Checked<string> {
	const text = styleTexts(locale);
	const template = raw.trim();
	if (template.length === 0 || template.length > TEMPLATE_MAX) return { ok: false, why: text.badTemplate(TEMPLATE_MAX) };
	if (/\p{Cc}/u.test(template)) return { ok: false, why: text.controlInTemplate };
	if (!template.includes(PLACEHOLDER)) return { ok: false, why: text.noPlaceholder };
	return { ok: true, value: template };
}
