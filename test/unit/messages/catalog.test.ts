// Every locale has every key of the English source, each a valid ICU message with the same placeholders (names and kinds),
// parsed by the library's own parser; a key a locale lacks is English, never the key; unknown locales get English.
import { IntlMessageFormat } from 'intl-messageformat';
import { describe, expect, it } from 'vitest';
import { messageSource, resolveLocale, translator, type MessageKey } from '../../../src/messages/i18n.js';
import { CATALOGS, LOCALES, SOURCE } from '../../../src/messages/locales/index.js';

/** An ICU AST node, as far as this test reads it (types: 0 literal, 1 argument, 2 number, 5 select, 6 plural, 7 #). */
interface Node {
	type: number;
	value?: unknown;
	options?: Record<string, { value: Node[] }>;
}

/** `name:type` of every placeholder, sorted; select and plural branches walked too. */
export function placeholders(message: string): string[] {
	const found = new Set<string>();
	const walk = (nodes: Node[]) => {
		for (const n of nodes) {
			if (n.type !== 0 && n.type !== 7 && typeof n.value === 'string') found.add(`${n.value}:${n.type}`);
			for (const option of Object.values(n.options ?? {})) walk(option.value);
		}
	};
	walk(new IntlMessageFormat(message, 'en-US', undefined, { ignoreTag: true }).getAst());
	return [...found].sort();
}

const keys = Object.keys(SOURCE) as MessageKey[];
const translations = Object.entries(CATALOGS);

describe('message catalogues', () => {
	it('has English for every key, each a valid ICU message', () => {
		expect(keys.length).toBeGreaterThan(150);
		for (const key of keys) expect(() => placeholders(SOURCE[key]), key).not.toThrow();
	});

	it.each(translations)('%s has every key, and nothing English lacks', (_locale, catalog) => {
		expect(keys.filter((k) => !catalog[k])).toEqual([]);
		expect(Object.keys(catalog).filter((k) => !(k in SOURCE))).toEqual([]);
	});

	it.each(translations)('%s uses exactly the placeholders English uses, in valid ICU', (_locale, catalog) => {
		const differs = keys.flatMap((k) => {
			const own = catalog[k];
			if (own === undefined) return [];
			let theirs: string;
			try {
				theirs = placeholders(own).join(', ');
			} catch (error) {
				return [`${k}: ${String(error)}`];
			}
			const source = placeholders(SOURCE[k]).join(', ');
			return theirs === source ? [] : [`${k}: ${theirs} ≠ ${source}`];
		});
		expect(differs).toEqual([]);
	});

	it('formats a message in every locale with its plural rules', () => {
		const seen = new Set<string>();
		for (const locale of LOCALES) {
			const text = translator(locale).t('text.tooMany', { max: 5 });
			expect(text).toMatch(/5/);
			expect(text).not.toMatch(/[{}]/);
			seen.add(text);
		}
		expect(seen.size).toBe(LOCALES.length);
		expect(translator('ru').t('blocklist.removed', { term: 'x', count: 2 })).toContain('Осталось 2 слова');
		expect(translator('ru').t('blocklist.removed', { term: 'x', count: 5 })).toContain('Осталось 5 слов');
		expect(translator('en-US').t('text.tooMany', { max: 1 })).toBe('You already have 1 image in progress. Wait for one to finish.');
	});
});

describe('a missing translation', () => {
	it('falls back to the English message, never the key', () => {
		const catalog = CATALOGS.de as Record<string, string | undefined>;
		const saved = catalog['text.paused'];
		delete catalog['text.paused'];
		try {
			expect(messageSource('de', 'text.paused')).toEqual({ locale: 'en-US', message: SOURCE['text.paused'] });
			// A fresh key in a fresh translator: the formatter of a missing key is built from English.
			const { t } = translator('de');
			expect(t('text.paused')).toBe('Image making is paused in this server.');
			expect(t('text.restarting')).toBe('Der Bot startet gerade neu. Versuch es in ein paar Sekunden noch einmal.');
		} finally {
			catalog['text.paused'] = saved;
		}
	});

	it('a translation that will not format (it names a value nobody passes) gives the English text', () => {
		const catalog = CATALOGS.ko as Record<string, string | undefined>;
		const saved = catalog['report.capChip'];
		catalog['report.capChip'] = '상한 {cap} {oops}';
		try {
			expect(translator('ko').t('report.capChip', { cap: '$1.00' })).toBe('cap $1.00');
		} finally {
			catalog['report.capChip'] = saved;
		}
	});

	it('an empty translation counts as missing', () => {
		const catalog = CATALOGS.fr as Record<string, string | undefined>;
		const saved = catalog['budget.none'];
		catalog['budget.none'] = '';
		try {
			expect(messageSource('fr', 'budget.none').message).toBe('none');
		} finally {
			catalog['budget.none'] = saved;
		}
	});
});

describe('an unknown or malformed locale', () => {
	it.each(['', 'xx', 'xx_BAD', 'de-', '--', '🙂', 'en-GB-x-'.repeat(10), 'zh-TW', 'tlh'])('%j falls back to English', (raw) => {
		expect(resolveLocale(raw)).toBe('en-US');
		expect(translator(raw).t('text.paused')).toBe('Image making is paused in this server.');
	});

	it.each([undefined, null, 42, {}])('%j falls back to English', (raw) => expect(resolveLocale(raw)).toBe('en-US'));
});
