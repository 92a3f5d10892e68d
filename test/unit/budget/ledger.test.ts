import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import KeyvSqlite from '@keyv/sqlite';
import Keyv from 'keyv';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LedgerOptions } from '../../../src/budget/ledger-core.js';
import { spendPerDay } from '../../../src/reports/spend-per-day.js';
import { TestLedger as Ledger } from '../../support/test-ledger.js';
import { formatUsd, parseUsd } from '../../../src/util/money.js';
import { periodAt } from '../../../src/util/period.js';
import { LocalVault } from '../../../src/vault/local.js';
import { Store } from '../../../src/storage/store.js';

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
	return new Ledger(store, new LocalVault(store), { period: 'monthly', defaultLimit: 1_000_000, globalLimit: undefined, logger, now: () => clock, ...options });
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
		const r = await l.vault.reservation('old');
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
		expect(await ledger().standing({ guildId: G, userId: U })).toMatchObject({ spent: P, images: 1, limit: 2_000_000, limitSource: { kind: 'override' } });
		expect(await ledger().audit.history(G, U)).toMatchObject([{ action: 'set', moderatorId: MOD, new: '$2.00' }]);
	});
});

describe('moderator controls', () => {
	it('applies precedence: override, then guild default, then bot default', async () => {
		const l = ledger();
		const who = { guildId: G, userId: U };
		expect(await l.standing(who)).toMatchObject({ limit: 1_000_000, limitSource: { kind: 'default' } });
		await l.setGuildDefault(G, MOD, 2_000_000);
		expect(await l.standing(who)).toMatchObject({ limit: 2_000_000, limitSource: { kind: 'guild' } });
		await l.setUserLimit(G, MOD, U, 100_000);
		expect(await l.standing(who)).toMatchObject({ limit: 100_000, limitSource: { kind: 'override' } });
		expect(await l.standing({ guildId: G, userId: U2 })).toMatchObject({ limit: 2_000_000 });
		expect(await l.standing({ guildId: G2, userId: U })).toMatchObject({ limit: 1_000_000 });
		await l.setUserLimit(G, MOD, U, null);
		expect(await l.standing(who)).toMatchObject({ limitSource: { kind: 'guild' } });
		await l.setGuildDefault(G, MOD, null);
		expect(await l.standing(who)).toMatchObject({ limitSource: { kind: 'default' } });
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
		expect(await l.vault.top(G, l.currentPeriod().key, 10)).toEqual([
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
		const history = await l.audit.history(G, U);
		expect(history.map((h) => h.action)).toEqual(['set', 'reset']);
		expect(history[0]).toMatchObject({ moderatorId: MOD, targetId: U, old: null, new: '$3.00' });
		expect(await l.audit.history(G, null)).toMatchObject([{ action: 'cap', old: 'no cap', new: '$0.20' }]);
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

describe('role limits, pause, cap notes and listings', () => {
	const R1 = '400000000000000001';
	const R2 = '400000000000000002';
	const R0 = '400000000000000009';

	it('applies precedence: override, then the highest of the member’s role limits, then server default, then bot default', async () => {
		const l = ledger();
		const who = (roleIds: string[]) => ({ guildId: G, userId: U, roleIds });
		await l.setGuildDefault(G, MOD, 2_000_000);
		await l.setRoleLimit(G, MOD, R1, 500_000);
		await l.setRoleLimit(G, MOD, R2, 3_000_000);
		await l.setRoleLimit(G, MOD, R0, 0);
		expect(await l.standing(who([]))).toMatchObject({ limit: 2_000_000, limitSource: { kind: 'guild' } });
		// A role limit applies even when it is lower than the server default.
		expect(await l.standing(who([R1]))).toMatchObject({ limit: 500_000, limitSource: { kind: 'role', roleId: R1 } });
		expect(await l.standing(who([R1, R2]))).toMatchObject({ limit: 3_000_000, limitSource: { kind: 'role', roleId: R2 } });
		// A role at 0 is a real limit: no images.
		expect(await l.standing(who([R0]))).toMatchObject({ limit: 0, limitSource: { kind: 'role', roleId: R0 } });
		expect(await l.reserve('zero', who([R0]), P)).toMatchObject({ ok: false, reason: 'user' });
		expect(await l.standing(who([R0, R1]))).toMatchObject({ limit: 500_000 });
		await l.setUserLimit(G, MOD, U, 100_000);
		expect(await l.standing(who([R2]))).toMatchObject({ limit: 100_000, limitSource: { kind: 'override' } });
		await l.setRoleLimit(G, MOD, R2, null);
		await l.setUserLimit(G, MOD, U, null);
		expect(await l.standing(who([R2]))).toMatchObject({ limit: 2_000_000, limitSource: { kind: 'guild' } });
		// Role changes are server-wide history, naming the role.
		const history = await l.audit.history(G, null, 20);
		expect(history.filter((h) => h.action === 'role').map((h) => [h.targetId, h.old, h.new])).toEqual([
			[R2, '$3.00', 'none'],
			[R0, 'none', '$0.00'],
			[R2, 'none', '$3.00'],
			[R1, 'none', '$0.50'],
		]);
	});

	it('pauses and resumes, audited, surviving a reopen', async () => {
		const l = ledger();
		expect(await l.isPaused(G)).toBe(false);
		await l.setPaused(G, MOD, true);
		await store.close();
		store = await Store.open(url, logger);
		expect(await ledger().isPaused(G)).toBe(true);
		expect(await ledger().isPaused(G2)).toBe(false);
		await ledger().setPaused(G, MOD, false);
		expect(await ledger().isPaused(G)).toBe(false);
		expect((await ledger().audit.history(G, null)).map((h) => [h.action, h.old, h.new])).toEqual([
			['resume', 'paused', 'running'],
			['pause', 'running', 'paused'],
		]);
	});

	it('notes 80 % and 100 % of a server cap once each per period, even under concurrent commits', async () => {
		const notes: Array<[string, number, string]> = [];
		const l = ledger({ onCapNote: (n) => notes.push([n.guildId, n.threshold, n.period.key]) });
		await l.setGuildCap(G, MOD, 500_000); // ten images
		const users = Array.from({ length: 10 }, (_, i) => `2000000000000001${String(i).padStart(2, '0')}`);
		for (const [i, userId] of users.entries()) expect((await l.reserve(`n${i}`, { guildId: G, userId }, P)).ok).toBe(true);
		await Promise.all(users.slice(0, 7).map((_, i) => l.commit(`n${i}`)));
		expect(notes).toEqual([]);
		await Promise.all(users.slice(7).map((_, i) => l.commit(`n${i + 7}`)));
		expect(notes).toEqual([
			[G, 80, 'm2026-11'],
			[G, 100, 'm2026-11'],
		]);
		// A new period starts fresh.
		clock = Date.UTC(2026, 11, 2);
		await l.reserve('dec', { guildId: G, userId: U }, 450_000);
		await l.commit('dec');
		expect(notes.at(-1)).toEqual([G, 80, 'm2026-12']);
		expect(notes).toHaveLength(3);
	});

	it('lists a period’s charges in order with what was asked, spend per day, and the top spenders by name', async () => {
		const l = ledger();
		await l.reserve('c1', { guildId: G, userId: U }, P, { userName: 'ana', prompt: 'a fox', aspectRatio: '16:9' });
		await l.commit('c1');
		clock += 86_400_000;
		await l.reserve('c2', { guildId: G, userId: U2 }, P, { userName: 'bo', prompt: 'a cat', aspectRatio: '1:1' });
		await l.refund('c2');
		await l.reserve('c3', { guildId: G, userId: U2 }, P, { userName: 'bo', prompt: '=cmd', aspectRatio: '1:1' });
		const c3 = await l.vault.job('c3');
		if (!c3 || typeof c3 === 'symbol') throw new Error('no job c3');
		await l.vault.save({ ...c3, state: 'submitted', taskId: 'task-3' });
		await l.reserve('other', { guildId: G2, userId: U }, P);
		const rows = [];
		for await (const r of l.vault.charges(G, l.currentPeriod().key)) rows.push([r.id, r.userName, r.state, r.prompt, r.taskId]);
		expect(rows).toEqual([
			['c1', 'ana', 'committed', 'a fox', undefined],
			['c2', 'bo', 'refunded', 'a cat', undefined],
			['c3', 'bo', 'held', '=cmd', 'task-3'],
		]);
		const days = await spendPerDay(l.vault, G, l.currentPeriod(), l.now());
		expect(days.map((d) => d.date)).toEqual(Array.from({ length: 26 }, (_, i) => `2026-11-${String(i + 1).padStart(2, '0')}`));
		expect(days.find((d) => d.date === '2026-11-25')).toEqual({ date: '2026-11-25', spent: P, images: 1 });
		expect(await l.vault.top(G, l.currentPeriod().key, 10)).toEqual([{ userId: U, name: 'ana', spent: P, images: 1 }]);
		expect(l.previousPeriod().key).toBe('m2026-10');
	});

	it('keeps the top list right with many members, listing only the leaders', async () => {
		const l = ledger({ defaultLimit: 10_000_000 });
		for (let i = 0; i < 120; i++) {
			const userId = `2100000000000${String(i).padStart(5, '0')}`;
			const id = `t${i}`;
			await l.reserve(id, { guildId: G, userId }, 1_000 * (i + 1));
			await l.commit(id);
		}
		const top = await l.vault.top(G, l.currentPeriod().key, 10);
		expect(top.map((t) => t.spent)).toEqual(Array.from({ length: 10 }, (_, i) => 1_000 * (120 - i)));
	});
});
