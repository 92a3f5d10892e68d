import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Audit } from '../../../src/budget/audit.js';
import { Blocklist, MAX_TERMS, checkTerm, findBlocked, normalize } from '../../../src/moderation/blocklist.js';
import { Store } from '../../../src/storage/store.js';

const logger = pino({ level: 'silent' });
const G = '100000000000000001';
const MOD = '300000000000000001';

describe('matching', () => {
	it('ignores case, accents, punctuation and spacing; matches whole words and phrases only', () => {
		expect(normalize('A RED  Fox!')).toBe('a red fox');
		expect(findBlocked('A RED  Fox!', ['red fox'])).toBe('red fox');
		expect(findBlocked('réd fox in snow', ['red fox'])).toBe('red fox');
		expect(findBlocked('a red-fox', ['red fox'])).toBe('red fox');
		expect(findBlocked('Ｒｅｄ ｆｏｘ', ['red fox'])).toBe('red fox'); // full-width letters
		expect(findBlocked('a foxglove garden', ['fox'])).toBeUndefined();
		expect(findBlocked('a red dog and a fox', ['red fox'])).toBeUndefined();
		expect(findBlocked('FOX.', ['fox'])).toBe('fox');
		expect(findBlocked('café', ['cafe'])).toBe('cafe');
		expect(findBlocked('nothing here', [])).toBeUndefined();
	});

	it('refuses terms that could never match, or are too long', () => {
		expect(checkTerm('  !!! ... ')).toMatchObject({ ok: false, why: 'neverMatches' });
		expect(checkTerm('')).toMatchObject({ ok: false, why: 'badLength' });
		expect(checkTerm('x'.repeat(101))).toMatchObject({ ok: false, why: 'badLength' });
		expect(checkTerm('Réd  Fox')).toEqual({ ok: true, normalized: 'red fox' });
	});
});

describe('invisible characters and look-alikes (issue 17)', () => {
	it('blocks the issue examples: zero-width space, soft hyphen, word joiner, Cyrillic look-alikes', () => {
		expect(findBlocked('ns\u200Bfw art', ['nsfw'])).toBe('nsfw');
		expect(findBlocked('lots of go\u00ADre', ['gore'])).toBe('gore');
		expect(findBlocked('tay\u2060lor swift', ['taylor'])).toBe('taylor');
		expect(findBlocked('g\u043Ere', ['gore'])).toBe('gore'); // Cyrillic о
		expect(findBlocked('r\u0435d f\u043Ex', ['red fox'])).toBe('red fox'); // Cyrillic е and о
		expect(findBlocked('fox\uFE0F', ['fox'])).toBe('fox'); // variation selector
		expect(findBlocked('f\u{E0041}ox', ['fox'])).toBe('fox'); // tag character
		expect(findBlocked('n\u034Fs\u180Ef\u200Dw', ['nsfw'])).toBe('nsfw'); // grapheme joiner, Mongolian separator, ZWJ
		expect(findBlocked('ns\u3164fw', ['nsfw'])).toBe('nsfw'); // Hangul filler: a "letter" that shows nothing
	});

	it('folds digits and letters that look alike, the same way for terms and prompts', () => {
		expect(findBlocked('G0RE', ['gore'])).toBe('gore');
		expect(findBlocked('gore', ['g0re'])).toBe('g0re');
		expect(findBlocked('tay1or', ['taylor'])).toBe('taylor');
		expect(findBlocked('a corn field', ['com'])).toBe('com'); // "rn" reads as "m"
		expect(findBlocked('𝐠𝐨𝐫𝐞', ['gore'])).toBe('gore'); // mathematical bold
		expect(findBlocked('Ｇｏｒｅ', ['gore'])).toBe('gore');
	});

	it('folds case before the look-alikes, so upper case still matches lower case', () => {
		// Confusables read a capital I as l: folded first, "ILLINOIS" stays "illinois".
		expect(findBlocked('ILLINOIS at night', ['illinois'])).toBe('illinois');
		expect(findBlocked('illinois at night', ['ILLINOIS'])).toBe('ILLINOIS');
		expect(findBlocked('STRASSE', ['straße'])).toBe('straße');
		expect(findBlocked('ΟΔΟΣ', ['οδος'])).toBe('οδος'); // final sigma
		expect(normalize('Gore')).toBe(normalize('gore'));
	});

	it('keeps whole words: look-alikes and invisibles never join or split words', () => {
		expect(findBlocked('a foxglove garden', ['fox'])).toBeUndefined();
		expect(findBlocked('f\u043Exglove', ['fox'])).toBeUndefined();
		expect(findBlocked('fox\u200Bglove', ['fox'])).toBeUndefined(); // an invisible never splits a word
		expect(findBlocked('a red fox|oil painting', ['red fox'])).toBe('red fox'); // "|" stays a separator, not an "l"
		expect(findBlocked('100% fox', ['100'])).toBe('100');
		expect(findBlocked('A RED  Fox!', ['red fox'])).toBe('red fox');
		expect(findBlocked('réd fox', ['red fox'])).toBe('red fox');
	});

	it('reaches its fixed point for every code point', () => {
		for (let cp = 0; cp <= 0x10ffff; cp++) {
			if (cp >= 0xd800 && cp <= 0xdfff) continue;
			const once = normalize(String.fromCodePoint(cp));
			if (normalize(once) !== once) expect.fail(`U+${cp.toString(16)}: ${JSON.stringify(once)} → ${JSON.stringify(normalize(once))}`);
		}
	});
});

/** Every default-ignorable code point (what the normalizer must see through). */
const IGNORABLES: string[] = [];
for (let cp = 0; cp <= 0x10ffff; cp++) {
	if (cp >= 0xd800 && cp <= 0xdfff) continue;
	const c = String.fromCodePoint(cp);
	if (/\p{Default_Ignorable_Code_Point}/u.test(c)) IGNORABLES.push(c);
}
const ignorable = fc.constantFrom(...IGNORABLES);
/** Letters whose folded form is letters: Latin, accented Latin, Greek, Cyrillic. */
const LETTERS = [...'abcdefghijklmnopqrstuvwxyzéèêñüçåøßαβγδεζηθικλμνξοπρστυφχψωабвгдежзийклмнопрстуфхцчшщъыьэюя'];
const letter = fc.constantFrom(...LETTERS);
const word = fc.string({ unit: letter, minLength: 1, maxLength: 8 });
const term = fc.array(word, { minLength: 1, maxLength: 3 }).map((words) => words.join(' '));
/** Runs of characters that are no letter or digit in any form. */
const punctuation = fc.string({ unit: fc.constantFrom(...' \t\n.,;:!?-—_()[]{}<>"\'«»“”…¿¡·*/\\|#@%&+=~^`'), minLength: 1, maxLength: 4 });
const accent = fc.constantFrom('\u0301', '\u0300', '\u0308', '\u0327', '\u030A', '\u0303');

/** `text` with ignorables inserted at random code point boundaries. */
function sprinkle(text: string, inserts: Array<[number, string]>): string {
	const chars = [...text];
	for (const [at, c] of inserts) chars.splice(at % (chars.length + 1), 0, c);
	return chars.join('');
}

describe('normalize (properties)', () => {
	const anyText = fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 40 }), term);

	it('is idempotent', () => {
		fc.assert(fc.property(anyText, (text) => normalize(normalize(text)) === normalize(text)));
	});

	it('is unchanged by default-ignorables inserted anywhere', () => {
		fc.assert(
			fc.property(anyText, fc.array(fc.tuple(fc.nat(), ignorable), { maxLength: 6 }), (text, inserts) => {
				expect(normalize(sprinkle(text, inserts))).toBe(normalize(text));
			}),
		);
	});

	it('always finds a term written with any case, accents, invisibles and punctuation around it', () => {
		const disguise = fc.tuple(
			fc.array(fc.boolean(), { maxLength: 30 }),
			fc.array(fc.option(accent), { maxLength: 30 }),
			fc.array(fc.tuple(fc.nat(), ignorable), { maxLength: 5 }),
		);
		fc.assert(
			fc.property(term, disguise, punctuation, punctuation, fc.option(word), fc.option(word), (t, [upper, accents, inserts], before, after, w1, w2) => {
				let i = 0;
				const disguised = t
					.split(' ')
					.map((w) => [...w].map((c) => (upper[i] ? c.toUpperCase() : c) + (accents[i++] ?? '')).join(''))
					.join(before);
				const prompt = `${w1 ?? ''}${before}${sprinkle(disguised, inserts)}${after}${w2 ?? ''}`;
				expect(findBlocked(prompt, [t])).toBe(t);
			}),
		);
	});

	it('never finds a term inside a longer word', () => {
		fc.assert(
			fc.property(term, word, fc.boolean(), punctuation, (t, extra, atStart, around) => {
				const words = t.split(' ');
				if (atStart) words[0] = extra + (words[0] ?? '');
				else words[words.length - 1] += extra;
				expect(findBlocked(`${around}${words.join(' ')}${around}`, [t])).toBeUndefined();
			}),
		);
	});
});

describe('Blocklist on SQLite', () => {
	let dir: string;
	let store: Store;
	let blocklist: Blocklist;
	let audit: Audit;
	beforeEach(async () => {
		dir = mkdtempSync(join(tmpdir(), 'blocklist-'));
		store = await Store.open(`sqlite://${join(dir, 'b.sqlite')}`, logger);
		audit = new Audit(store, logger);
		blocklist = new Blocklist(store, audit);
	});
	afterEach(async () => {
		await store.close();
		rmSync(dir, { recursive: true, force: true });
	});

	it('adds, lists, matches and removes terms, auditing each change', async () => {
		expect(await blocklist.add(G, MOD, 'Red Fox')).toEqual({ ok: true, count: 1 });
		expect(await blocklist.add(G, MOD, 'red  fox!')).toMatchObject({ ok: false, why: 'already' });
		expect(await blocklist.terms(G)).toEqual(['Red Fox']);
		expect(await blocklist.match(G, 'a RÉD fox')).toBe('Red Fox');
		expect(await blocklist.match('100000000000000002', 'a red fox')).toBeUndefined(); // per server
		expect(await blocklist.remove(G, MOD, 'dog')).toEqual({ ok: false, why: 'notListed' });
		expect(await blocklist.remove(G, MOD, 'RED FOX')).toEqual({ ok: true, count: 0 });
		expect(await blocklist.match(G, 'a red fox')).toBeUndefined();
		const history = await audit.history(G, null);
		expect(history.map((e) => [e.action, e.old, e.new, e.moderatorId])).toEqual([
			['blocklist-remove', 'Red Fox', null, MOD],
			['blocklist-add', null, 'Red Fox', MOD],
		]);
	});

	it(`holds at most ${MAX_TERMS} terms per server`, async () => {
		for (let i = 0; i < MAX_TERMS; i++) expect((await blocklist.add(G, MOD, `term${i}`)).ok).toBe(true);
		expect(await blocklist.add(G, MOD, 'one more')).toMatchObject({ ok: false, why: 'full' });
		expect(await blocklist.terms(G)).toHaveLength(MAX_TERMS);
	});
});
