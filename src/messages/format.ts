// How the bot formats what it shows: embed colours and Discord timestamps (rendered in each reader's time zone).
import { escapeMarkdown } from 'discord.js';
import { translator } from './i18n.js';

export const COLOR = { ok: 0x57f287, info: 0x5865f2, warn: 0xfee75c, error: 0xed4245 } as const;

/** Discord timestamp markup, rendered in each reader's time zone. */
export function discordTime(ms: number, style: 'R' | 'f' | 'F' | 'D' = 'f'): string {
	return `<t:${Math.floor(ms / 1000)}:${style}>`;
}

/** When a budget resets, in `locale` (the date itself is a Discord timestamp, shown in the reader's own language). */
export function resetText(resetsAt: number | null, locale?: string | null): string {
	const { t } = translator(locale);
	return resetsAt === null ? t('format.resetNever') : t('format.resetAt', { at: discordTime(resetsAt), relative: discordTime(resetsAt, 'R') });
}

/** escapeMarkdown's own emphasis escaping misrenders runs ("****x****" shows a stray backslash): done below instead. */
const ESCAPE_ONLY = { bold: false, italic: false, underline: false, strikethrough: false, spoiler: false, inlineCode: false, codeBlock: false };

/**
 * Text a member typed, made inert wherever Discord renders markdown (message content, embed descriptions, field
 * values, titles): it reads the same, but formats nothing, links nothing and mentions no one. escapeMarkdown
 * escapes backslashes, headings and lists; every emphasis, code, strikethrough and spoiler character outside a
 * link, masked links, quotes, subtext and `<@…>`-style mentions (users, roles, channels, commands, timestamps)
 * are escaped here, and @everyone/@here get a zero-width space after the @ (a reader sees no difference).
 */
export function inert(text: string): string {
	return (
		escapeMarkdown(text, { ...ESCAPE_ONLY, heading: true, bulletedList: true, numberedList: true })
			.replace(/[[<]/g, '\\$&')
			.replace(/^([ \t]*)(>|-#)/gm, '$1\\$2')
			.replace(/@(everyone|here)/gi, '@\u200B$1')
			// A link keeps its characters (an escaped _ would break it); a bare link shows where it goes anyway.
			// Characters escapeMarkdown already escaped (a list's *) follow an odd run of backslashes.
			.split(/(https?:\/\/\S+)/)
			.map((part, i) =>
				i % 2 === 1 ? part : part.replace(/(\\*)([*_`~|])/g, (all, slashes: string, c: string) => (slashes.length % 2 ? all : `${slashes}\\${c}`)),
			)
			.join('')
	);
}
