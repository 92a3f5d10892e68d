import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import KeyvSqlite from '@keyv/sqlite';
import Keyv from 'keyv';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Ledger, type LedgerOptions } from '../src/ledger.js';
import { formatUsd, parseUsd } from '../src/money.js';
import { periodAt } from '../src/period.js';
import { Store } from '../src/store.js';

const logger = pino({ level: 'silent' });
const G = '100000000000000001';
const G2 = '100000000000000002';
const U = '200000000000000001';
const U2 = '200000000000000002';
const MOD = '300000000000000001';
const P = 50_000; // $0.05

let dir: string;
let url: string;
let store: Store;
let clock: number;

function ledger(options: Partial<LedgerOptions> = {}): Ledger {
	return new Ledger(store, { period: 'monthly', defaultLimit: 1_000_000, globalLimit: undefined, logger, now: () => clock, ...options });
}

beforeEach(async () => {
	dir = mkdtempSync(join(tmpdir(), 'ledger-'));
	url = `sqlite://${join(dir, 'test.sqlite')}`;
	store = await Store.open(url, logger);
	clock = Date.UTC(2026, 10, 25, 12, 0, 0);
});

afterEach(async () => {
	await store.close();
	rmSync(dir, { recursive: true, force: true });
});

describe('money', () => {
	it('parses dollars exactly and formats with two or more decimals', () => {
		expect(parseUsd('0.05')).toBe(50_000);
		expect(parseUsd('$1.5')).toBe(1_500_000);
		expect(parseUsd('10000')).toBe(10_000_000_000);
		expect(parseUsd('0.045')).toBe(45_000);
		expect(parseUsd('0.045', 2)).toBeUndefined();
		expect(parseUsd('-1')).toBeUndefined();
		expect(parseUsd('1e3')).toBeUndefined();
		expect(parseUsd('abc')).toBeUndefined();
		expect(formatUsd(50_000)).toBe('$0.05');
		expect(formatUsd(45_000)).toBe('$0.045');
		expect(formatUsd(1_000_000)).toBe('$1.00');
		expect(formatUsd(1_234_500_000)).toBe('$1,234.50');
		expect(formatUsd(1)).toBe('$0.000001');
	});

	it('keeps sums exact where floats would drift', async () => {
		const l = ledger({ defaultLimit: 300_000 });
		for (let i = 0; i < 3; i++) {
			const r = await l.reserve(`r${i}`, { guildId: G, userId: U }, 100_000);
			expect(r.ok).toBe(true);
			await l.commit(`r${i}`);
		}
		const s = await l.standing({ guildId: G, userId: U });
		expect(s.spent).toBe(300_000); // 0.1 + 0.1 + 0.1 in floats is 0.30000000000000004
		expect(s.remaining).toBe(0);
	});
});

describe('periods (UTC)', () => {
	it('computes daily, weekly (Monday), monthly and lifetime buckets', () => {
		const t = Date.UTC(2026, 10, 25, 23, 59, 59); // Wednesday
		expect(periodAt('daily', t)).toMatchObject({ key: 'd2026-11-25', resetsAt: Date.UTC(2026, 10, 26) });
		expect(periodAt('weekly', t)).toMatchObject({ key: 'w2026-11-23', resetsAt: Date.UTC(2026, 10, 30) });
		expect(periodAt('weekly', Date.UTC(2026, 10, 29, 10))).toMatchObject({ key: 'w2026-11-23' }); // Sunday
		expect(periodAt('monthly', t)).toMatchObject({ key: 'm2026-11', resetsAt: Date.UTC(2026, 11, 1) });
		expect(periodAt('monthly', Date.UTC(2026, 11, 31, 23))).toMatchObject({ key: 'm2026-12', resetsAt: Date.UTC(2027, 0, 1) });
		expect(periodAt('lifetime', t)).toMatchObject({ key: 'all', resetsAt: null });
	});

	it('rolls over: a new period starts fresh, and a charge lands in the period it was reserved in', async () => {
		const l = ledger({ period: 'daily', defaultLimit: 100_000 });
		const who = { guildId: G, userId: U };
		expect((await l.reserve('a', who, P)).ok).toBe(true);
		expect((await l.reserve('b', who, P)).ok).toBe(true);
		expect((await l.reserve('c', who, P)).ok).toBe(false);
		clock += 86_400_000; // next day, before the two jobs finished
		await l.commit('a');
		await l.refund('b');
		const today = await l.standing(who);
		expect(today).toMatchObject({ spent: 0, reserved: 0, remaining: 100_000 });
		clock -= 86_400_000;
		expect(await l.standing(who)).toMatchObject({ spent: P, reserved: 0, images: 1 });
	});
});

describe('reservations', () => {
	it('reserves, commits and refunds exactly once each', async () => {
		const l = ledger();
		const who = { guildId: G, userId: U };
		const r = await l.reserve('x', who, P);
		expect(r.ok && r.standing).toMatchObject({ reserved: P, remaining: 950_000 });
		expect(await l.commit('x')).toBe('committed');
		expect(await l.commit('x')).toBe('already-ended');
		expect(await l.refund('x')).toBe('already-ended');
		expect(await l.standing(who)).toMatchObject({ spent: P, reserved: 0, images: 1, remaining: 950_000 });
		await l.reserve('y', who, P);
		expect(await l.refund('y')).toBe('refunded');
		expect(await l.commit('y')).toBe('already-ended');
		expect(await l.standing(who)).toMatchObject({ spent: P, reserved: 0, images: 1 });
		expect(await l.commit('nope')).toBe('missing');
	});

	it('is idempotent per reservation id (a retried interaction is not charged twice)', async () => {
		const l = ledger();
		const who = { guildId: G, userId: U };
		await l.reserve('same', who, P);
		await l.reserve('same', who, P);
		expect(await l.standing(who)).toMatchObject({ reserved: P });
	});

	it('refuses when the remaining budget is below the price', async () => {
		const l = ledger({ defaultLimit: 120_000 });
		const who = { guildId: G, userId: U };
		expect((await l.reserve('1', who, P)).ok).toBe(true);
		expect((await l.reserve('2', who, P)).ok).toBe(true);
		const third = await l.reserve('3', who, P);
		expect(third).toMatchObject({ ok: false, reason: 'user' });
		expect(third.standing.remaining).toBe(20_000);
	});

	it('never overspends under hundreds of concurrent reservations by one user', async () => {
		const l = ledger({ defaultLimit: 1_000_000 });
		const results = await Promise.all(Array.from({ length: 300 }, (_, i) => l.reserve(`c${i}`, { guildId: G, userId: U }, P)));
		expect(results.filter((r) => r.ok)).toHaveLength(20);
		expect(await l.standing({ guildId: G, userId: U })).toMatchObject({ reserved: 1_000_000, remaining: 0 });
	});

	it('keeps a guild cap and the global ceiling across users and guilds, concurrently', async () => {
		const l = ledger({ defaultLimit: 10_000_000, globalLimit: 1_500_000 });
		await l.setGuildCap(G, MOD, 1_000_000);
		const users = Array.from({ length: 10 }, (_, i) => `4000000000000000${10 + i}`);
		const attempts = users.flatMap((userId, u) => Array.from({ length: 20 }, (_, i) => l.reserve(`g-${u}-${i}`, { guildId: i % 2 ? G : G2, userId }, P)));
		const results = await Promise.all(attempts);
		const ok = results.filter((r) => r.ok).length;
		expect(ok).toBe(30); // global ceiling: 1.5 / 0.05
		const inG = await l.standing({ guildId: G, userId: users[0] as string });
		expect(inG.guild?.spent).toBe(0);
		expect((inG.guild?.reserved ?? 0) <= 1_000_000).toBe(true);
		expect(inG.global?.reserved).toBe(1_500_000);
		expect(results.some((r) => !r.ok && r.reason === 'global')).toBe(true);
	});

	it('records the price each reservation was taken at, so a price change never alters it', async () => {
		const l = ledger();
		const who = { guildId: G, userId: U };
		await l.reserve('old', who, 50_000);
		await l.reserve('new', who, 45_000);
		await l.commit('old');
		await l.commit('new');
		expect(await l.standing(who)).toMatchObject({ spent: 95_000, images: 2 });
		const r = await l.reservation('old');
		expect(r).toMatchObject({ amount: 50_000, state: 'committed' });
	});

	it('keeps DMs in their own scope', async () => {
		const l = ledger({ defaultLimit: 50_000 });
		expect((await l.reserve('dm1', { guildId: null, userId: U }, P)).ok).toBe(true);
		expect((await l.reserve('dm2', { guildId: null, userId: U }, P)).ok).toBe(false);
		expect((await l.reserve('g1', { guildId: G, userId: U }, P)).ok).toBe(true);
	});

	it('survives closing and reopening the SQLite file (spend, overrides, audit history)', async () => {
		await ledger().reserve('p', { guildId: G, userId: U }, P);
		await ledger().commit('p');
		await ledger().setUserLimit(G, MOD, U, 2_000_000);
		await store.close();
		store = await Store.open(url, logger);
		expect(await ledger().standing({ guildId: G, userId: U })).toMatchObject({ spent: P, images: 1, limit: 2_000_000, limitSource: 'override' });
		expect(await ledger().history(G, U)).toMatchObject([{ action: 'set', moderatorId: MOD, new: '$2.00' }]);
	});
});

describe('moderator controls', () => {
	it('applies precedence: override, then guild default, then bot default', async () => {
		const l = ledger();
		const who = { guildId: G, userId: U };
		expect(await l.standing(who)).toMatchObject({ limit: 1_000_000, limitSource: 'default' });
		await l.setGuildDefault(G, MOD, 2_000_000);
		expect(await l.standing(who)).toMatchObject({ limit: 2_000_000, limitSource: 'guild' });
		await l.setUserLimit(G, MOD, U, 100_000);
		expect(await l.standing(who)).toMatchObject({ limit: 100_000, limitSource: 'override' });
		expect(await l.standing({ guildId: G, userId: U2 })).toMatchObject({ limit: 2_000_000 });
		expect(await l.standing({ guildId: G2, userId: U })).toMatchObject({ limit: 1_000_000 });
		await l.setUserLimit(G, MOD, U, null);
		expect(await l.standing(who)).toMatchObject({ limitSource: 'guild' });
		await l.setGuildDefault(G, MOD, null);
		expect(await l.standing(who)).toMatchObject({ limitSource: 'default' });
	});

	it('reset zeroes the user spend but not the guild total; history and top reflect changes', async () => {
		const l = ledger();
		await l.setGuildCap(G, MOD, 200_000);
		for (const [id, user] of [
			['a', U],
			['b', U],
			['c', U2],
		] as const) {
			await l.reserve(id, { guildId: G, userId: user }, P);
			await l.commit(id);
		}
		expect(await l.top(G)).toEqual([
			{ userId: U, spent: 100_000, images: 2 },
			{ userId: U2, spent: 50_000, images: 1 },
		]);
		await l.resetUser(G, MOD, U);
		const s = await l.standing({ guildId: G, userId: U });
		expect(s).toMatchObject({ spent: 0, remaining: 1_000_000 });
		expect(s.guild).toMatchObject({ spent: 150_000, remaining: 50_000 });
		expect((await l.reserve('d', { guildId: G, userId: U }, P)).ok).toBe(true);
		expect(await l.reserve('e', { guildId: G, userId: U }, P)).toMatchObject({ ok: false, reason: 'guild' });
		await l.setUserLimit(G, MOD, U, 3_000_000);
		const history = await l.history(G, U);
		expect(history.map((h) => h.action)).toEqual(['set', 'reset']);
		expect(history[0]).toMatchObject({ moderatorId: MOD, targetId: U, old: null, new: '$3.00' });
		expect(await l.history(G, null)).toMatchObject([{ action: 'cap', old: 'no cap', new: '$0.20' }]);
	});

	it('treats a corrupt record safely: logged, nothing reservable, repaired by reset', async () => {
		const l = ledger();
		const who = { guildId: G, userId: U };
		await l.reserve('ok', who, P);
		const raw = new Keyv({ store: new KeyvSqlite(url), namespace: 'imagine-bot' });
		await raw.set(`ledger:acct:${G}:m2026-11:${U}`, { v: 1, spent: 'lots' });
		await raw.disconnect();
		const s = await l.standing(who);
		expect(s).toMatchObject({ corrupt: true, remaining: 0 });
		expect(await l.reserve('more', who, P)).toMatchObject({ ok: false, reason: 'corrupt' });
		expect(await l.commit('ok')).toBe('committed'); // still ends exactly once
		await l.resetUser(G, MOD, U);
		expect(await l.standing(who)).toMatchObject({ corrupt: false, spent: 0 });
		expect((await l.reserve('more', who, P)).ok).toBe(true);
	});
});
