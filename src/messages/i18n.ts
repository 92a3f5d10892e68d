// Localization: a Discord locale resolved to one the bot speaks (else en-US), and ICU messages formatted from its catalogue.
// A key a locale lacks is formatted from English, never shown as a key. Formatters are built once per locale and key.
import { IntlMessageFormat } from 'intl-messageformat';
import { formatUsd } from '../util/money.js';
import { commandPath } from './command-locales.js';
import { CATALOGS, LOCALES, SOURCE, type Locale, type MessageKey } from './locales/index.js';

export { LOCALES, type Locale, type MessageKey };
export const SOURCE_LOCALE = 'en-US' satisfies Locale;

/** Values an ICU message takes: member text goes in already made inert, amounts already formatted. */
export type MessageValues = Record<string, string | number>;

/** A locale the bot speaks, bound: its messages, amounts in US dollars, and plain numbers, as that locale writes them. */
export interface Translator {
	readonly locale: Locale;
	t: (key: MessageKey, values?: MessageValues) => string;
	/** Micro-dollars as US dollars: two decimals, more only where needed ($0.045), exactly (no float rounding). */
	usd: (micros: number) => string;
	num: (n: number) => string;
}

/** Locales of a language whose other script or variety reads worse than English: they fall back to it. */
const NOT_BY_LANGUAGE = new Set(['zh-tw', 'zh-hk', 'zh-mo', 'zh-hant']);

const language = (locale: string) => locale.split('-')[0] ?? locale;
const byExact = new Map<string, Locale>(LOCALES.map((l) => [l.toLowerCase(), l]));
const byLanguage = new Map<string, Locale>();
for (const l of LOCALES) if (!byLanguage.has(language(l))) byLanguage.set(language(l), l);
byLanguage.set('en', 'en-US');

/**
 * The locale to answer in for what Discord sent (`de`, `en-GB`, `es-419`, `pt-BR`…): the same one, else one of the same
 * language (es-419 → es-ES, pt-PT → pt-BR), else en-US. Anything unknown, empty or malformed is en-US.
 */
export function resolveLocale(raw: unknown): Locale {
	if (typeof raw !== 'string' || raw.length === 0 || raw.length > 35) return SOURCE_LOCALE;
	const wanted = raw.replace(/_/g, '-').toLowerCase();
	const exact = byExact.get(wanted);
	if (exact) return exact;
	let canonical: string;
	try {
		canonical = Intl.getCanonicalLocales(wanted)[0] ?? '';
	} catch {
		return SOURCE_LOCALE;
	}
	const lower = canonical.toLowerCase();
	const same = byExact.get(lower);
	if (same) return same;
	if ([...NOT_BY_LANGUAGE].some((p) => lower === p || lower.startsWith(`${p}-`))) return SOURCE_LOCALE;
	return byLanguage.get(language(lower)) ?? SOURCE_LOCALE;
}

/** The first locale that is set among those given (the server's, then the requester's), resolved. */
export function pickLocale(...candidates: (string | null | undefined)[]): Locale {
	return resolveLocale(candidates.find((c) => typeof c === 'string' && c.length > 0));
}

/** Message text for a key in a locale: its translation, else English. */
export function messageSource(locale: Locale, key: MessageKey): { locale: Locale; message: string } {
	const own = locale === SOURCE_LOCALE ? undefined : CATALOGS[locale][key];
	return own === undefined || own === '' ? { locale: SOURCE_LOCALE, message: SOURCE[key] } : { locale, message: own };
}

const translators = new Map<Locale, Translator>();

/** Commands the texts name, as a member of each locale types them (`{budgetResetCmd}` in a message). */
const COMMAND_REFS = {
	imagineCmd: 'imagine',
	budgetCmd: 'budget',
	budgetResetCmd: 'budget reset',
	budgetDefaultCmd: 'budget default',
	budgetResumeCmd: 'budget resume',
	blocklistCmd: 'blocklist',
	blocklistAddCmd: 'blocklist add',
	// Styles, /settings and /history; an option is written `{…Opt}:` after it.
	styleAddCmd: 'style add',
	styleRemoveCmd: 'style remove',
	styleListCmd: 'style list',
	styleListNameOpt: 'style list name',
	imagineStyleOpt: 'imagine style',
	settingsCmd: 'settings',
	settingsResetOpt: 'settings reset',
	settingsStyleOpt: 'settings style',
	historyCmd: 'history',
} as const;

function createTranslator(locale: Locale): Translator {
	const formats = new Map<MessageKey, IntlMessageFormat>();
	const commands = Object.fromEntries(Object.entries(COMMAND_REFS).map(([k, path]) => [k, commandPath(locale, path)]));
	const numbers = new Intl.NumberFormat(locale);
	const formatter = (key: MessageKey) => {
		let format = formats.get(key);
		if (!format) {
			const source = messageSource(locale, key);
			// ignoreTag: `<@id>`, `<#id>` and `<t:…>` are Discord markup, not ICU tags.
			format = new IntlMessageFormat(source.message, source.locale, undefined, { ignoreTag: true });
			formats.set(key, format);
		}
		return format;
	};
	return {
		locale,
		t: (key, values) => {
			const all = { ...commands, ...values };
			try {
				return String(formatter(key).format(all));
			} catch {
				// A translation that will not format (a value it names is missing): English, else the English text as written.
				if (locale === SOURCE_LOCALE) return SOURCE[key];
				return translator(SOURCE_LOCALE).t(key, values);
			}
		},
		usd: (micros) => formatUsd(micros, locale),
		num: (n) => numbers.format(n),
	};
}

/** The translator for a locale (raw Discord values are resolved; unknown ones get English). Built once per locale. */
export function translator(locale?: string | null): Translator {
	const resolved = resolveLocale(locale ?? SOURCE_LOCALE);
	let found = translators.get(resolved);
	if (!found) {
		found = createTranslator(resolved);
		translators.set(resolved, found);
	}
	return found;
}

/** A catalogue object built once per locale: `texts(locale)` for the call sites, `texts('en-US')` as the old constant. */
export function perLocale<T>(build: (tr: Translator) => T): (locale?: string | null) => T {
	const built = new Map<Locale, T>();
	return (locale) => {
		const tr = translator(locale);
		let found = built.get(tr.locale);
		if (found === undefined) {
			found = build(tr);
			built.set(tr.locale, found);
		}
		return found;
	};
}
