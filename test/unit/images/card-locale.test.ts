// Which language a job's card and progress are in: a public server job's follow the server, a private or personal one's
// the requester, and a job stored before localization is English.
import { describe, expect, it } from 'vitest';
import { cardLocale } from '../../../src/images/delivery.js';

const G = '100000000000000001';

describe('cardLocale', () => {
	it('a public server job: the server’s guild_locale, else the requester’s locale', () => {
		expect(cardLocale({ guildId: G, locale: 'de', guildLocale: 'fr' })).toBe('fr');
		expect(cardLocale({ guildId: G, locale: 'de' })).toBe('de');
		expect(cardLocale({ guildId: G, locale: 'es-419', guildLocale: '' })).toBe('es-ES');
	});

	it('a private job, or a personal-scope one (no server of the bot’s): the requester’s', () => {
		expect(cardLocale({ guildId: G, private: true, locale: 'de', guildLocale: 'fr' })).toBe('de');
		expect(cardLocale({ guildId: null, locale: 'ja', guildLocale: 'fr' })).toBe('ja');
	});

	it('a job from before localization: English', () => {
		expect(cardLocale({ guildId: G })).toBe('en-US');
		expect(cardLocale({ guildId: null, private: true })).toBe('en-US');
	});
});
