// /style's replies and refusals, /imagine's style suggestions and refusals, Remix's style field, and the audit
// line of a style change, in the reader's locale. Names and templates a moderator typed are shown inert.
import type { AuditEntry } from '../records/audit.js';
import { truncate } from '../util/text.js';
import { inert } from './format.js';
import { perLocale, translator, type MessageKey, type Translator } from './i18n.js';

/** A style as the texts show it: its name and template, and for a built-in its id (for its hint). */
export interface StyleView {
	name: string;
	template: string;
	builtIn?: string;
}

/** Discord's limits: a suggestion's name, a select option's label and description. */
const CHOICE_MAX = 100;
/** An audit line quotes at most this much of a style (ten lines fit one embed). */
const AUDIT_QUOTE_MAX = 160;
const MESSAGE_MAX = 2000;
/** Where a template puts the member's words (the same as styles/rules.ts PLACEHOLDER; messages/ does not import styles/). */
const PLACEHOLDER = '{prompt}';

/** The built-in ids that have a hint (by the ids in styles/built-in.ts). */
const HINT_IDS = ['photo', 'cinematic', 'anime', 'watercolor', 'oil-painting', 'pixel-art', '3d-render', 'line-art', 'comic-book', 'fantasy-art'] as const;
type HintId = (typeof HINT_IDS)[number];
const isHintId = (id: string | undefined): id is HintId => (HINT_IDS as readonly (string | undefined)[]).includes(id);

/** A style's hint: a built-in's few words, or a server style's template (as typed, no markdown where it is shown). */
function hintOf({ t }: Translator, style: StyleView): string {
	return isHintId(style.builtIn) ? t(`style.hint.${style.builtIn}` satisfies MessageKey) : t('style.serverHint', { template: style.template });
}

/** `styleTexts(interaction.locale)`; STYLE_TEXT is the English one. */
export const styleTexts = perLocale((tr) => {
	const { t } = tr;
	return {
		hints: Object.fromEntries(HINT_IDS.map((id) => [id, t(`style.hint.${id}`)])) as Record<HintId, string>,
		onlyInServer: t('style.onlyInServer'),
		needsManageServer: t('style.needsManageServer'),
		badName: (max: number) => t('style.badName', { max }),
		badTemplate: (max: number) => t('style.badTemplate', { max }),
		controlInTemplate: t('style.controlInTemplate'),
		noPlaceholder: t('style.noPlaceholder', { placeholder: PLACEHOLDER }),
		builtInName: (name: string) => t('style.builtInName', { name: inert(name) }),
		builtInRemove: (name: string) => t('style.builtInRemove', { name: inert(name) }),
		already: (name: string) => t('style.already', { name: inert(name) }),
		full: (max: number) => t('style.full', { max }),
		notListed: (name: string) => t('style.notListed', { name: inert(name) }),
		/** `/imagine style:` (or Remix) with a name that is not a style here; in a DM only built-ins exist. */
		unknown: (name: string, inDm: boolean) => t('style.unknown', { name: inert(truncate(name, 40)), dm: inDm ? 'yes' : 'no' }),
		tooLong: (length: number, max: number) => t('style.tooLong', { length, max }),
		addedTitle: t('style.addedTitle'),
		added: (name: string, count: number, max: number) => t('style.added', { name: inert(name), count, max }),
		removedTitle: t('style.removedTitle'),
		removed: (name: string, count: number) => t('style.removed', { name: inert(name), count }),

		listTitle: (count: number, max: number) => t('style.listTitle', { count, max }),
		/** Built-ins by name and hint, then the server's with their templates, shortened evenly to fit one message. */
		list: (builtIns: readonly StyleView[], server: readonly StyleView[]): string => {
			const head = `${t('style.listBuiltIn')}\n${builtIns.map((s) => `• **${inert(s.name)}**: ${hintOf(tr, s)}`).join('\n')}\n\n`;
			if (server.length === 0) return `${head}${t('style.listServerNone')}`;
			const title = `${t('style.listServer')}\n`;
			const foot = `\n${t('style.listFoot')}`;
			const each = Math.max(40, Math.floor((MESSAGE_MAX - head.length - title.length - foot.length) / server.length) - 8);
			const lines = server.map((s) => truncate(`• **${inert(s.name)}**: ${inert(s.template)}`, each));
			return truncate(`${head}${title}${lines.join('\n')}${foot}`, MESSAGE_MAX);
		},
		/** One style whole: its name, where it comes from, and its template. */
		one: (style: StyleView): string =>
			truncate(
				`${t('style.one', { name: inert(style.name), from: style.builtIn === undefined ? 'server' : 'builtIn' })}\n${inert(style.template)}`,
				MESSAGE_MAX,
			),

		/** An autocomplete suggestion: the name, then a hint (Discord shows it as typed, no markdown). */
		choice: (style: StyleView) => truncate(`${style.name} — ${hintOf(tr, style)}`, CHOICE_MAX),

		remixLabel: t('style.remixLabel'),
		noStyle: t('style.noStyle'),
		noStyleHint: t('style.noStyleHint'),
		/** The source image's style, first in Remix's list. */
		imageStyle: t('style.imageStyle'),
		optionHint: (style: StyleView) => truncate(hintOf(tr, style), CHOICE_MAX),
	};
});
export const STYLE_TEXT = styleTexts('en-US');

/** The audit line's words for a style change (`/budget history`, the log channel); undefined for other actions. */
export function styleAuditText(e: AuditEntry, locale?: string | null): string | undefined {
	const { t } = translator(locale);
	if (e.action === 'style-add') return t('style.auditAdd', { style: inert(truncate(e.new ?? '', AUDIT_QUOTE_MAX)) });
	if (e.action === 'style-remove') return t('style.auditRemove', { style: inert(truncate(e.old ?? '', AUDIT_QUOTE_MAX)) });
	return undefined;
}
