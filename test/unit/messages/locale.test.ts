// Which language a reply is in: Discord's locale resolved to one the bot speaks, same-language variants to it,
// anything else (unknown, malformed, not a string) to English. Properties over arbitrary input.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LOCALES, pickLocale, resolveLocale, translator } from '../../../src/messages/i18n.js';

/** Discord's own locales (docs: reference, Locales) and what the bot answers each in. */
const DISCORD: Record<string, string> = {
	id: 'en-US',
	da: 'en-US',
	de: 'de',
	'en-GB': 'en-US',
	'en-US': 'en-US',
	'es-ES': 'es-ES',
	'es-419': 'es-ES',
	fr: 'fr',
	hr: 'en-US',
	it: 'en-US',
	lt: 'en-US',
	hu: 'en-US',
	nl: 'en-US',
	no: 'en-US',
	pl: 'en-US',
	'pt-BR': 'pt-BR',
	ro: 'en-US',
	fi: 'en-US',
	'sv-SE': 'en-US',
	vi: 'en-US',
	tr: 'en-US',
	cs: 'en-US',
	el: 'en-US',
	bg: 'en-US',
	ru: 'ru',
	uk: 'en-US',
	hi: 'en-US',
	th: 'en-US',
	'zh-CN': 'zh-CN',
	ja: 'ja',
	'zh-TW': 'en-US',
	ko: 'ko',
};

describe('resolveLocale', () => {
	it.each(Object.entries(DISCORD))('answers Discord locale %s in %s', (discord, expected) => expect(resolveLocale(discord)).toBe(expected));

	it('always lands on a locale the bot speaks, whatever it is given', () => {
		fc.assert(
			fc.property(fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.anything()), (raw) => (LOCALES as readonly string[]).includes(resolveLocale(raw))),
		);
	});

	it('finds a supported locale however it is cased or separated', () => {
		fc.assert(
			fc.property(fc.constantFrom(...LOCALES), fc.boolean(), fc.boolean(), (locale, upper, underscore) => {
				const raw = (upper ? locale.toUpperCase() : locale.toLowerCase()).replace('-', underscore ? '_' : '-');
				return resolveLocale(raw) === locale;
			}),
		);
	});

	it('answers another region of a language the bot speaks in that language (not Chinese in another script)', () => {
		const region = fc.stringMatching(/^[A-Z]{2}$/);
		fc.assert(fc.property(fc.constantFrom('de', 'fr', 'ja', 'ko', 'ru'), region, (lang, r) => resolveLocale(`${lang}-${r}`) === lang));
		fc.assert(fc.property(region, (r) => resolveLocale(`pt-${r}`) === 'pt-BR' && resolveLocale(`es-${r}`) === 'es-ES'));
		expect([resolveLocale('zh-Hant-TW'), resolveLocale('zh-HK'), resolveLocale('zh-Hans-SG')]).toEqual(['en-US', 'en-US', 'zh-CN']);
	});

	it('never throws on malformed tags', () => {
		for (const raw of ['de_', '-de', 'de--DE', 'x', '1234', 'de DE', 'ü', '\u0000', 'en-US\n']) expect(resolveLocale(raw)).toBe('en-US');
	});
});

describe('pickLocale', () => {
	it("takes the server's locale first, then the requester's, then English", () => {
		expect(pickLocale('fr', 'de')).toBe('fr');
		expect(pickLocale(undefined, 'de')).toBe('de');
		expect(pickLocale(null, '')).toBe('en-US');
		expect(pickLocale('xx', 'de')).toBe('en-US'); // the server's is set: an unknown one means English, not the requester's
	});
});

describe('translator', () => {
	it('is built once per resolved locale', () => {
		expect(translator('de-AT')).toBe(translator('de'));
		expect(translator('garbage')).toBe(translator('en-US'));
	});
});
