// The members room on real stores: settings validated on write and read (a corrupt record reads as none and is
// replaced), and the history index in both modes (local SQLite markers, a Redis sorted set): newest first,
// pruned or foreign jobs forgotten, undelivered ones left out, the cost what was charged.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HISTORY_MAX } from '../../../src/members/history.js';
import { MAX_KEPT } from '../../../src/members/history-index.js';
import { createMembers, type Members } from '../../../src/members/members.js';
import { withDefaults } from '../../../src/members/settings.js';
import type { Job } from '../../../src/records/job.js';
import { memberKeys } from '../../../src/records/member.js';
import { CORRUPT, type Read } from '../../../src/records/read.js';
import type { Reservation } from '../../../src/records/budget.js';
import { Store } from '../../../src/storage/store.js';
import { hasRedis, startRedis, type RedisServer } from '../../support/redis-server.js';

const logger = pino({ level: 'silent' });
const U = '200000000000000001';
const OTHER = '200000000000000002';

function job(n: number, extra: Partial<Job> = {}): Job {
	return {
		v: 3,
		id: `15000000000000000${String(n).padStart(2, '0')}`,
		token: 't',
		applicationId: '1100000000000000001',
		userId: U,
		guildId: '100000000000000001',
		channelId: '900000000000000001',
		kind: 'imagine',
		prompt: `p${n}`,
		aspectRatio: '1:1',
		price: 40_000,
		attachmentSizeLimit: 1,
		canPostInChannel: true,
		state: 'delivered',
		createdAt: 1_000_000 + n,
		updatedAt: 1_000_000 + n,
		...extra,
	};
}

/** A vault holding `jobs` (and charges for some), enough for History's reads. */
function fakeVault(jobs: Map<string, Read<Job>>, charges = new Map<string, Reservation>()) {
	return { job: (id: string) => Promise.resolve(jobs.get(id)), reservation: (id: string) => Promise.resolve(charges.get(id)) };
}

let redis: RedisServer | undefined;
afterAll(async () => {
	await redis?.close();
});

describe.each(['sqlite', 'redis'] as const)('members on %s', (kind) => {
	let dir: string;
	let store: Store;
	beforeEach(async (ctx) => {
		if (kind === 'redis' && !hasRedis) ctx.skip();
		dir = mkdtempSync(join(tmpdir(), 'members-'));
		if (kind === 'redis') {
			redis ??= await startRedis();
			store = await Store.open(redis.url, logger);
			await store.redis?.flushAll();
		} else store = await Store.open(`sqlite://${join(dir, 's.sqlite')}`, logger);
	});
	afterEach(async () => {
		await store?.close();
		rmSync(dir, { recursive: true, force: true });
	});

	const members = (jobs: Map<string, Read<Job>>, charges?: Map<string, Reservation>): Members => createMembers(store, fakeVault(jobs, charges), logger);

	it('settings: set, merge, clear; a corrupt record reads as none (flagged) and the next change replaces it', async () => {
		const m = members(new Map());
		expect(await m.settings.get(U)).toEqual({ defaults: {}, corrupt: false });
		await m.settings.update(U, { aspectRatio: '16:9', count: 2 });
		expect(await m.settings.update(U, { private: true, style: 'noir' })).toEqual({ aspectRatio: '16:9', count: 2, private: true, style: 'noir' });
		expect(await m.settings.update(U, {}, ['style'])).toEqual({ aspectRatio: '16:9', count: 2, private: true });
		// Refused on write: nothing changes.
		await expect(m.settings.update(U, { count: 7 })).rejects.toThrow();
		expect((await m.settings.get(U)).defaults.count).toBe(2);
		expect((await m.settings.get(OTHER)).defaults).toEqual({});

		for (const bad of [{ v: 1, count: 9 }, { v: 1, aspectRatio: '7:5' }, { v: 2 }, 'nonsense', { v: 1, style: '' }]) {
			await store.write((tx) => tx.set(memberKeys.settings(U), bad));
			expect(await m.settings.get(U)).toEqual({ defaults: {}, corrupt: true });
			expect(await m.settings.defaultsFor(U)).toEqual({});
		}
		expect(await m.settings.update(U, { count: 3 })).toEqual({ count: 3 });
		await m.settings.reset(U);
		expect(await m.settings.get(U)).toEqual({ defaults: {}, corrupt: false });
	});

	it('history: newest first, only the member’s delivered jobs; pruned, foreign and unreadable ones are forgotten; cost as charged', async () => {
		const jobs = new Map<string, Read<Job>>();
		const m = members(
			jobs,
			new Map([
				[job(2).id, { v: 1, id: job(2).id, scope: 'g', userId: U, periodKey: 'p', amount: 120_000, state: 'committed', createdAt: 1 } satisfies Reservation],
			]),
		);
		const add = (j: Job, message?: { guildId: string | null; channelId: string; messageId: string }) => m.history.record(j, message);
		await add(job(1), { guildId: '100000000000000001', channelId: '900000000000000001', messageId: '700000000000000001' });
		await add(job(2, { count: 3 }));
		await add(job(3, { private: true }), { guildId: null, channelId: '900000000000000001', messageId: '700000000000000003' });
		await add(job(4));
		await add(job(5));
		await add(job(6));
		jobs.set(job(1).id, job(1));
		jobs.set(job(2).id, job(2, { count: 3 }));
		jobs.set(job(3).id, job(3, { private: true }));
		jobs.set(job(4).id, job(4, { userId: OTHER })); // a marker naming someone else's job
		jobs.set(job(5).id, CORRUPT);
		jobs.set(job(6).id, job(6, { state: 'submitted' })); // not delivered (yet): left out, kept
		// job 7's marker exists but the job was pruned
		await add(job(7));

		const entries = await m.history.entries(U);
		expect(entries.map((e) => [e.job.id.slice(-1), e.cost, e.message?.messageId])).toEqual([
			['3', 40_000, undefined], // private: no link kept
			['2', 120_000, undefined],
			['1', 40_000, '700000000000000001'],
		]);
		// The stale markers went; the undelivered one stays for later.
		expect((await m.history.index.newest(U, 50)).map((x) => x.jobId.slice(-1))).toEqual(['6', '3', '2', '1']);
	});

	it('history keeps the newest MAX_KEPT markers and shows at most HISTORY_MAX', async () => {
		const jobs = new Map<string, Read<Job>>();
		const m = members(jobs);
		for (let n = 1; n <= MAX_KEPT + 5; n++) {
			const j = job(n);
			jobs.set(j.id, j);
			await m.history.record(j, undefined);
		}
		const entries = await m.history.entries(U);
		expect(entries).toHaveLength(HISTORY_MAX);
		expect(entries[0]?.job.id).toBe(job(MAX_KEPT + 5).id);
		await m.history.index.newest(U, 1); // local stores trim on read
		expect((await m.history.index.newest(U, 1000)).length).toBe(MAX_KEPT);
	});
});

describe('withDefaults', () => {
	it('fills only what was left out, and says when the style came from the defaults', () => {
		const none = { aspectRatio: undefined, style: undefined, count: undefined, private: undefined };
		expect(withDefaults(none, { aspectRatio: '4:3', style: 'noir', count: 2, private: true })).toEqual({
			aspectRatio: '4:3',
			style: 'noir',
			count: 2,
			private: true,
			styleFromDefaults: true,
		});
		expect(
			withDefaults({ aspectRatio: '1:1', style: 'ink', count: 1, private: false }, { aspectRatio: '4:3', style: 'noir', count: 2, private: true }),
		).toEqual({
			aspectRatio: '1:1',
			style: 'ink',
			count: 1,
			private: false,
			styleFromDefaults: false,
		});
		expect(withDefaults(none, {})).toEqual({ ...none, styleFromDefaults: false });
	});
});
