// Upgrading a store written by the landed v1 code (test/fixtures/store-v1.sqlite, made by that code).
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Audit } from '../../../src/budget/audit.js';
import { jobKeys } from '../../../src/records/job.js';
import { spendPerDay } from '../../../src/reports/spend-per-day.js';
import { TestLedger as Ledger } from '../../support/test-ledger.js';
import { MIGRATION_LOCK_KEY, SCHEMA_VERSION, migrate } from '../../../src/migrations/migrate.js';
import { StoreError } from '../../../src/storage/store-errors.js';
import { createVault } from '../../../src/vault/create.js';
import { hasRedis, startRedis } from '../../support/redis-server.js';
import { LocalVault } from '../../../src/vault/local.js';
import { Store } from '../../../src/storage/store.js';
import { CORRUPT } from '../../../src/records/read.js';

const logger = pino({ level: 'silent' });
const FIXTURE = join(import.meta.dirname, '../../fixtures/store-v1.sqlite');
const G = '100000000000000001';
const U1 = '200000000000000001';
const U2 = '200000000000000002';
const U3 = '200000000000000003';
const NOW = Date.UTC(2026, 10, 25, 12); // the fixture's period is November 2026

let dir: string;
let store: Store;

beforeEach(async () => {
	dir = mkdtempSync(join(tmpdir(), 'migrate-'));
	copyFileSync(FIXTURE, join(dir, 'v1.sqlite'));
	store = await Store.open(`sqlite://${join(dir, 'v1.sqlite')}`, logger);
});
afterEach(async () => {
	await store.close();
	rmSync(dir, { recursive: true, force: true });
});

const ledger = () => new Ledger(store, new LocalVault(store), { period: 'monthly', defaultLimit: 1_000_000, globalLimit: 100_000_000, logger, now: () => NOW });

async function money() {
	const l = ledger();
	const rows = await Promise.all([U1, U2, U3].map((userId) => l.standing({ guildId: G, userId })));
	const dm = await l.standing({ guildId: null, userId: U3 });
	return {
		rows: rows.map((r) => [r.spent, r.reserved, r.images, r.limit, r.limitSource.kind, r.guild?.spent, r.guild?.reserved, r.global?.spent]),
		dm: [dm.spent, dm.images],
	};
}

describe('migration from v1', () => {
	it('keeps every cent, moves audit history and open jobs to one record each, and runs once', async () => {
		const before = await money();
		expect(before.rows[0]).toEqual([150_000, 50_000, 3, 5_000_000, 'override', 250_000, 100_000, 300_000]);

		await migrate(store, logger);
		expect(await money()).toEqual(before);
		expect(await store.get('meta:schema', z.object({ version: z.number() }))).toMatchObject({ version: SCHEMA_VERSION });
		expect(await store.get('jobs:open', z.unknown())).toBeUndefined();
		expect(await store.get(`ledger:audit:${G}:guild`, z.unknown())).toBeUndefined();

		const audit = new Audit(store, logger);
		expect((await audit.history(G, null)).map((e) => e.action)).toEqual(['cap', 'default']);
		expect((await audit.history(G, U1)).map((e) => e.action)).toEqual(['set']);
		expect((await audit.history(G, undefined, 100)).map((e) => e.action)).toEqual(['reset', 'set', 'cap', 'default']);

		const vault = new LocalVault(store);
		expect((await vault.openJobs()).map((j) => j.id)).toEqual(['1300000000000000008', '1300000000000000009']);
		const open = await vault.job('1300000000000000009');
		expect(open !== CORRUPT && open).toMatchObject({ state: 'submitted', kind: 'imagine', taskId: 'task-1300000000000000009' });

		// Finished jobs were filed for retention: pruning everything leaves the open ones alone.
		expect(await vault.prune(NOW + 1)).toBe(7);
		expect(await vault.job('1300000000000000001')).toBeUndefined();
		expect(await vault.job('1300000000000000008')).not.toBeUndefined();
		expect(await store.get(jobKeys.open('1300000000000000008'), z.unknown())).toBeDefined();

		// Pools no longer list members; charges are listed by period with what was asked; days add up.
		const pool = await store.get(`ledger:pool:${G}:m2026-11`, z.record(z.string(), z.unknown()));
		expect(pool).toEqual({ v: 1, spent: 250_000, reserved: 100_000, images: 5 });
		const l = ledger();
		const charges: Array<[string, string, string | undefined, string | undefined]> = [];
		for await (const r of l.vault.charges(G, l.currentPeriod().key)) charges.push([r.id.slice(-1), r.state, r.prompt, r.taskId]);
		expect(charges).toEqual([
			['1', 'committed', 'prompt 1300000000000000001', 'task-1300000000000000001'],
			['2', 'committed', 'prompt 1300000000000000002', 'task-1300000000000000002'],
			['3', 'committed', 'prompt 1300000000000000003', 'task-1300000000000000003'],
			['4', 'committed', 'prompt 1300000000000000004', 'task-1300000000000000004'],
			['5', 'refunded', 'prompt 1300000000000000005', undefined],
			['7', 'committed', 'prompt 1300000000000000007', 'task-1300000000000000007'],
			['8', 'held', 'prompt 1300000000000000008', undefined],
			['9', 'held', 'prompt 1300000000000000009', 'task-1300000000000000009'],
		]);
		expect((await spendPerDay(l.vault, G, l.currentPeriod(), l.now())).find((d) => d.date === '2026-11-20')).toEqual({
			date: '2026-11-20',
			spent: 250_000,
			images: 5,
		});
		expect(await l.vault.top(G, l.currentPeriod().key, 10)).toEqual([
			{ userId: U1, spent: 150_000, images: 3 },
			{ userId: U2, spent: 50_000, images: 1 },
			{ userId: U3, spent: 0, images: 1 },
		]);

		// A second start changes nothing.
		await migrate(store, logger);
		expect((await audit.history(G, undefined, 100)).length).toBe(4);
		expect(await money()).toEqual(before);
	});

	it('refuses a store written by a newer version', async () => {
		await store.write((tx) => tx.set('meta:schema', { v: 1, version: SCHEMA_VERSION + 1 }));
		await expect(migrate(store, logger)).rejects.toThrow(/newer imagine-bot/);
	});
});

describe('migration of a Redis store written by v1', () => {
	it('moves money and jobs from Keyv records into the fleet vault, keeping every cent', async () => {
		const { hasRedis, startRedis } = await import('../../support/redis-server.js');
		if (!hasRedis) return;
		const redis = await startRedis();
		try {
			// The landed code kept the same records through Keyv on Redis: load the fixture's records there as they are.
			const before = await money();
			const { default: KeyvRedis } = await import('@keyv/redis');
			const Keyv = (await import('keyv')).default;
			const raw = new Keyv({ store: new KeyvRedis(redis.url), namespace: 'imagine-bot' });
			for await (const { key, value } of store.scan('', z.unknown())) await raw.set(key, value);
			await raw.disconnect();

			const { createVault } = await import('../../../src/vault/create.js');
			const onRedis = await Store.open(redis.url, logger);
			try {
				await migrate(onRedis, logger);
				const vault = createVault(onRedis);
				expect(vault.kind).toBe('redis');
				const l = new Ledger(onRedis, vault, { period: 'monthly', defaultLimit: 1_000_000, globalLimit: 100_000_000, logger, now: () => NOW });
				const rows = await Promise.all([U1, U2, U3].map((userId) => l.standing({ guildId: G, userId })));
				const dm = await l.standing({ guildId: null, userId: U3 });
				expect({
					rows: rows.map((r) => [r.spent, r.reserved, r.images, r.limit, r.limitSource.kind, r.guild?.spent, r.guild?.reserved, r.global?.spent]),
					dm: [dm.spent, dm.images],
				}).toEqual(before);
				expect((await vault.openJobs()).map((j) => j.id)).toEqual(['1300000000000000008', '1300000000000000009']);
				const charges = [];
				for await (const r of l.vault.charges(G, l.currentPeriod().key)) charges.push(r.id);
				expect(charges).toHaveLength(8);
				expect(await l.vault.top(G, l.currentPeriod().key, 10)).toEqual([
					{ userId: U1, spent: 150_000, images: 3 },
					{ userId: U2, spent: 50_000, images: 1 },
					{ userId: U3, spent: 0, images: 1 },
				]);
				// The Keyv copies are gone: one source of truth.
				expect(await onRedis.get(`ledger:pool:${G}:m2026-11`, z.unknown())).toBeUndefined();
				// It committed and ends a held reservation exactly once, through the Lua step.
				expect(await l.commit('1300000000000000008')).toBe('committed');
				expect(await l.commit('1300000000000000008')).toBe('already-ended');
			} finally {
				await onRedis.close();
			}
		} finally {
			await redis.close();
		}
	});
});

/** The fixture's records written through Keyv on a Redis server, as the landed v1 code kept them there. */
async function loadV1IntoRedis(url: string): Promise<void> {
	const { default: KeyvRedis } = await import('@keyv/redis');
	const Keyv = (await import('keyv')).default;
	const raw = new Keyv({ store: new KeyvRedis(url), namespace: 'imagine-bot' });
	for await (const { key, value } of store.scan('', z.unknown())) await raw.set(key, value);
	await raw.disconnect();
}

/** A logger whose lines land in `lines`, each tagged with the process it stands for. */
function processLogger(name: string, lines: Array<Record<string, unknown>>) {
	const destination = new Writable({
		write(chunk: Buffer, _enc, done) {
			lines.push({ ...(JSON.parse(chunk.toString()) as Record<string, unknown>), process: name });
			done();
		},
	});
	return pino({ level: 'debug' }, destination);
}

describe.skipIf(!hasRedis)('migration on Redis under a lock', () => {
	it('two processes starting at once on an old layout: one migrates, the other waits and finds it done; money unchanged', async () => {
		const redis = await startRedis();
		const stores: Store[] = [];
		try {
			const before = await money();
			await loadV1IntoRedis(redis.url);
			stores.push(await Store.open(redis.url, logger), await Store.open(redis.url, logger));
			const lines: Array<Record<string, unknown>> = [];
			const [a, b] = stores as [Store, Store];
			await Promise.all([migrate(a, processLogger('a', lines)), migrate(b, processLogger('b', lines))]);

			// Every step reported once in all, by one process; the other waited.
			const steps = lines.filter((l) => String(l.msg).startsWith('store migrated'));
			expect(steps.map((l) => l.to)).toEqual([2, 3, 4, 5]);
			expect(new Set(steps.map((l) => l.process)).size).toBe(1);
			expect(steps.find((l) => l.to === 4)).toMatchObject({ reservations: 9, openJobs: 2 });
			const waiter = lines.filter((l) => l.msg === 'another process is migrating the store; waiting for it');
			expect(waiter.map((l) => l.process)).toEqual([steps[0]?.process === 'a' ? 'b' : 'a']);
			expect(await a.redis?.exists(MIGRATION_LOCK_KEY)).toBe(0);

			for (const s of stores) {
				const l = new Ledger(s, createVault(s), { period: 'monthly', defaultLimit: 1_000_000, globalLimit: 100_000_000, logger, now: () => NOW });
				const rows = await Promise.all([U1, U2, U3].map((userId) => l.standing({ guildId: G, userId })));
				const dm = await l.standing({ guildId: null, userId: U3 });
				expect({
					rows: rows.map((r) => [r.spent, r.reserved, r.images, r.limit, r.limitSource.kind, r.guild?.spent, r.guild?.reserved, r.global?.spent]),
					dm: [dm.spent, dm.images],
				}).toEqual(before);
				expect((await l.vault.openJobs()).map((j) => j.id)).toEqual(['1300000000000000008', '1300000000000000009']);
			}
		} finally {
			for (const s of stores) await s.close();
			await redis.close();
		}
	});

	it('a process that cannot take the lock within its wait stops with a StoreError, and migrates once the lock is free', async () => {
		const redis = await startRedis();
		const onRedis = await Store.open(redis.url, logger);
		try {
			await loadV1IntoRedis(redis.url);
			await onRedis.redis?.set(MIGRATION_LOCK_KEY, 'another process', { expiration: { type: 'PX', value: 60_000 } });
			const error = await migrate(onRedis, logger, { lockWaitMs: 300 }).catch((e: unknown) => e);
			expect(error).toBeInstanceOf(StoreError);
			expect((error as Error).message).toContain(MIGRATION_LOCK_KEY);
			expect(await onRedis.get('meta:schema', z.unknown())).toBeUndefined();
			// Released by its holder, or expired (a holder that died): the next start migrates.
			await onRedis.redis?.del(MIGRATION_LOCK_KEY);
			await migrate(onRedis, logger, { lockWaitMs: 300 });
			expect(await onRedis.get('meta:schema', z.object({ version: z.number() }))).toMatchObject({ version: SCHEMA_VERSION });
		} finally {
			await onRedis.close();
			await redis.close();
		}
	});
});
