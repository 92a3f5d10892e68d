// Upgrading to v5 (/history): a store written before it existed (test/fixtures/store-v4.sqlite, made by
// test/fixtures/make-store-v4.ts with the code of af01dde) shows each member's delivered images after start-up.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Ledger } from '../../../src/budget/ledger.js';
import { createMembers } from '../../../src/members/members.js';
import { SCHEMA_VERSION, migrate } from '../../../src/migrations/migrate.js';
import type { Job } from '../../../src/records/job.js';
import { Store } from '../../../src/storage/store.js';
import { createVault } from '../../../src/vault/create.js';
import { hasRedis, startRedis } from '../../support/redis-server.js';

const logger = pino({ level: 'silent' });
const FIXTURE = join(import.meta.dirname, '../../fixtures/store-v4.sqlite');
const U1 = '200000000000000001';
const U2 = '200000000000000002';
const id = (n: number) => `14000000000000000${String(n).padStart(2, '0')}`;

let dir: string;
beforeEach(() => {
	dir = mkdtempSync(join(tmpdir(), 'migrate-v5-'));
	copyFileSync(FIXTURE, join(dir, 'v4.sqlite'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const summary = (entries: Awaited<ReturnType<ReturnType<typeof createMembers>['history']['entries']>>) =>
	entries.map((e) => [e.job.id, e.job.prompt, e.job.style?.name, e.job.count ?? 1, e.job.private ?? false, e.cost, e.message]);

describe('migration to v5 on a local store', () => {
	it("files every delivered image in its member's history, newest first; refunded and open ones stay out; runs once", async () => {
		const store = await Store.open(`sqlite://${join(dir, 'v4.sqlite')}`, logger);
		try {
			expect(await store.get('meta:schema', z.object({ version: z.number() }))).toMatchObject({ version: 4 });
			const members = createMembers(store, createVault(store), logger);
			expect(await members.history.entries(U1)).toEqual([]); // nothing indexed before the upgrade

			await migrate(store, logger);
			expect(SCHEMA_VERSION).toBe(5);
			expect(summary(await members.history.entries(U1))).toEqual([
				[id(3), 'fixture prompt 3', 'noir', 2, false, 40_000, undefined],
				[id(2), 'fixture prompt 2', undefined, 1, true, 40_000, undefined],
				[id(1), 'fixture prompt 1', undefined, 1, false, 40_000, undefined],
			]);
			expect(summary(await members.history.entries(U2))).toEqual([[id(5), 'fixture prompt 5', undefined, 1, false, 40_000, undefined]]);

			// A second start files nothing twice.
			await migrate(store, logger);
			expect(await members.history.entries(U1)).toHaveLength(3);
		} finally {
			await store.close();
		}
	});
});

describe.skipIf(!hasRedis)('migration to v5 on Redis', () => {
	it("files the fleet vault's delivered jobs in each member's sorted set", async () => {
		const redis = await startRedis();
		try {
			// The fixture's jobs opened and closed through the fleet vault as the v4 code does, then the v5 upgrade.
			const store = await Store.open(redis.url, logger);
			try {
				await store.write((tx) => tx.set('meta:schema', { v: 1, version: 4 }));
				const local = await Store.open(`sqlite://${join(dir, 'v4.sqlite')}`, logger);
				const jobs: Job[] = [];
				try {
					const localVault = createVault(local);
					for (let n = 1; n <= 6; n++) {
						const j = await localVault.job(id(n));
						if (typeof j === 'object') jobs.push(j);
					}
				} finally {
					await local.close();
				}
				expect(jobs).toHaveLength(6);
				const vault = createVault(store);
				expect(vault.kind).toBe('redis');
				const ledger = new Ledger(store, vault, {
					period: 'monthly',
					defaultLimit: 5_000_000,
					globalLimit: 100_000_000,
					logger,
					now: () => Date.UTC(2026, 10, 20, 13),
				});
				for (const j of jobs) {
					const open = { ...j, state: 'reserved' as const };
					delete open.finishedAt;
					expect((await ledger.open(open, { guildId: j.guildId, userId: j.userId, roleIds: [] })).status).toBe('created');
					if (j.state === 'delivered' || j.state === 'refunded') await ledger.close({ ...j, finishedAt: j.finishedAt ?? j.updatedAt });
				}
				const members = createMembers(store, vault, logger);
				expect(await members.history.entries(U1)).toEqual([]);

				await migrate(store, logger);
				expect(summary(await members.history.entries(U1)).map((e) => e[0])).toEqual([id(3), id(2), id(1)]);
				expect(summary(await members.history.entries(U2)).map((e) => e[0])).toEqual([id(5)]);
				expect(await store.redis?.zCard(`ib:hist:${U1}`)).toBe(3);
			} finally {
				await store.close();
			}
		} finally {
			await redis.close();
		}
	});
});
