// Upgrading a store written by the landed v1 code (test/fixtures/store-v1.sqlite, made by that code).
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Audit } from '../src/audit.js';
import { jobKeys, openJobIds, pruneJobs, readJob } from '../src/job-record.js';
import { Ledger } from '../src/ledger.js';
import { SCHEMA_VERSION, migrate } from '../src/migrate.js';
import { CORRUPT, Store } from '../src/store.js';

const logger = pino({ level: 'silent' });
const FIXTURE = join(import.meta.dirname, 'fixtures/store-v1.sqlite');
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

const ledger = () => new Ledger(store, { period: 'monthly', defaultLimit: 1_000_000, globalLimit: 100_000_000, logger, now: () => NOW });

async function money() {
	const l = ledger();
	const rows = await Promise.all([U1, U2, U3].map((userId) => l.standing({ guildId: G, userId })));
	const dm = await l.standing({ guildId: null, userId: U3 });
	return {
		rows: rows.map((r) => [r.spent, r.reserved, r.images, r.limit, r.limitSource, r.guild?.spent, r.guild?.reserved, r.global?.spent]),
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

		expect(await openJobIds(store)).toEqual(['1300000000000000008', '1300000000000000009']);
		const open = await readJob(store, '1300000000000000009');
		expect(open !== CORRUPT && open).toMatchObject({ state: 'submitted', kind: 'imagine', taskId: 'task-1300000000000000009' });

		// Finished jobs were filed for retention: pruning everything leaves the open ones alone.
		expect(await pruneJobs(store, NOW + 1, 3)).toBe(7);
		expect(await readJob(store, '1300000000000000001')).toBeUndefined();
		expect(await readJob(store, '1300000000000000008')).not.toBeUndefined();
		expect(await store.get(jobKeys.open('1300000000000000008'), z.unknown())).toBeDefined();

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
