import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
		expect(checkTerm('  !!! ... ')).toMatchObject({ ok: false, why: expect.stringContaining('never match') });
		expect(checkTerm('')).toMatchObject({ ok: false });
		expect(checkTerm('x'.repeat(101))).toMatchObject({ ok: false });
		expect(checkTerm('Réd  Fox')).toEqual({ ok: true, normalized: 'red fox' });
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
		expect(await blocklist.add(G, MOD, 'red  fox!')).toMatchObject({ ok: false, why: expect.stringContaining('already') });
		expect(await blocklist.terms(G)).toEqual(['Red Fox']);
		expect(await blocklist.match(G, 'a RÉD fox')).toBe('Red Fox');
		expect(await blocklist.match('100000000000000002', 'a red fox')).toBeUndefined(); // per server
		expect(await blocklist.remove(G, MOD, 'dog')).toMatchObject({ ok: false });
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
		expect(await blocklist.add(G, MOD, 'one more')).toMatchObject({ ok: false, why: expect.stringContaining('full') });
		expect(await blocklist.terms(G)).toHaveLength(MAX_TERMS);
	});
});
