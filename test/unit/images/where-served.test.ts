// The one decision on where an interaction is served: every context × owners shape, by example and by property.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPersonal, ledgerGuildId, whereServed, type Arrival } from '../../../src/images/where-served.js';

const GUILD = '100000000000000001';
const OTHER = '100000000000000002';
const USER = '300000000000000001';
const SOMEONE = '300000000000000002';

const at = (context: unknown, guildId: string | null, owners: unknown, userId = USER): Arrival => ({ context, guildId, userId, owners });

describe('whereServed', () => {
	it('a server that added the bot is served in full, whatever the switch (its user install may be there too)', () => {
		for (const on of [true, false]) {
			expect(whereServed(at(0, GUILD, { '0': GUILD }), on)).toEqual({ kind: 'server', guildId: GUILD });
			expect(whereServed(at(0, GUILD, { '0': GUILD, '1': USER }), on)).toEqual({ kind: 'server', guildId: GUILD });
			// A click on a message another member's install made, in a server that added the bot.
			expect(whereServed(at(0, GUILD, { '0': GUILD, '1': SOMEONE }), on)).toEqual({ kind: 'server', guildId: GUILD });
		}
	});

	it("the bot's DM is today's DM: owners {0:'0'} (server install) or the user's own install", () => {
		for (const on of [true, false]) {
			expect(whereServed(at(1, null, { '0': '0' }), on)).toEqual({ kind: 'dm' });
			expect(whereServed(at(1, null, { '1': USER }), on)).toEqual({ kind: 'dm' });
			expect(whereServed(at(1, null, { '0': '0', '1': USER }), on)).toEqual({ kind: 'dm' });
		}
	});

	it('a user install in a server that did not add the bot, or in a group DM: personal when on, refused when off', () => {
		expect(whereServed(at(0, GUILD, { '1': USER }), true)).toEqual({ kind: 'personal', where: 'foreign-server' });
		expect(whereServed(at(2, null, { '1': USER }), true)).toEqual({ kind: 'personal', where: 'group-dm' });
		expect(whereServed(at(0, GUILD, { '1': USER }), false)).toMatchObject({ kind: 'refused', why: 'off' });
		expect(whereServed(at(2, null, { '1': USER }), false)).toMatchObject({ kind: 'refused', why: 'off' });
	});

	it.each([
		['unknown context', at(3, null, { '1': USER })],
		['no context', at(null, GUILD, { '0': GUILD })],
		['context as a string', at('0', GUILD, { '0': GUILD })],
		['empty owners', at(0, GUILD, {})],
		['no owners', at(0, GUILD, undefined)],
		['owners an array', at(0, GUILD, [GUILD])],
		['an unknown owner key', at(0, GUILD, { '0': GUILD, '2': USER })],
		['a numeric owner value', at(1, null, { '0': 0 })],
		['another server as owner', at(0, GUILD, { '0': OTHER })],
		["someone else's user install", at(0, GUILD, { '1': SOMEONE })],
		['user owner not an id', at(0, GUILD, { '1': 'abc' }, 'abc')],
		['guild context without a guild', at(0, null, { '1': USER })],
		['bot DM with a guild', at(1, GUILD, { '0': '0' })],
		['bot DM owned by a server', at(1, null, { '0': GUILD })],
		['bot DM of someone else', at(1, null, { '0': '0', '1': SOMEONE })],
		['group DM with a guild', at(2, GUILD, { '1': USER })],
		['group DM through a server install', at(2, null, { '0': '0', '1': USER })],
		['group DM of someone else', at(2, null, { '1': SOMEONE })],
	])('refuses the unexpected (%s), with the switch on or off', (_, arrival) => {
		expect(whereServed(arrival, true)).toMatchObject({ kind: 'refused', why: 'unexpected' });
		expect(whereServed(arrival, false)).toMatchObject({ kind: 'refused', why: 'unexpected' });
	});

	it('property: only a server whose own install authorised the interaction gets its guild scope; the switch only turns personal into refused', () => {
		const id = fc.constantFrom(GUILD, OTHER, USER, SOMEONE, '0', 'x');
		const owners = fc.oneof(
			fc.dictionary(fc.constantFrom('0', '1'), id, { maxKeys: 2 }),
			fc.dictionary(fc.string({ maxLength: 2 }), fc.oneof(id, fc.integer()), { maxKeys: 3 }),
			fc.constantFrom(undefined, null, [], 'x'),
		);
		const arrival = fc.record({
			context: fc.oneof(fc.constantFrom(0, 1, 2, 3, -1, null, '1'), fc.integer()),
			guildId: fc.constantFrom(GUILD, OTHER, null, 'x'),
			userId: fc.constantFrom(USER, SOMEONE),
			owners,
		});
		fc.assert(
			fc.property(arrival, (a) => {
				const on = whereServed(a, true);
				const off = whereServed(a, false);
				const guildOwner = typeof a.owners === 'object' && a.owners !== null ? (a.owners as Record<string, unknown>)['0'] : undefined;
				if (on.kind === 'server') expect([on.guildId, a.context, guildOwner]).toEqual([a.guildId, 0, a.guildId]);
				if (on.kind === 'dm') expect([a.context, a.guildId]).toEqual([1, null]);
				// A personal scope never spends a server's money; only personal answers differ between on and off.
				expect(isPersonal(on) ? ledgerGuildId(on) : null).toBeNull();
				if (on.kind === 'personal') expect(off).toMatchObject({ kind: 'refused', why: 'off' });
				else expect(off).toEqual(on);
				expect(off.kind).not.toBe('personal');
			}),
			{ numRuns: 2000 },
		);
	});
});
