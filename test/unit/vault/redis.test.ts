// The Redis vault against a real redis-server: the Vault contract, and the fleet proof — three processes'
// worth of clients reserving and closing at once never overspend and end every reservation exactly once.
import { createClient, type RedisClientType } from '@keyv/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../../../src/records/job.js';
import { utcDay } from '../../../src/records/budget.js';
import { CORRUPT } from '../../../src/records/read.js';
import { RedisVault } from '../../../src/vault/redis.js';
import type { CloseResult, Limits, OpenRequest, OpenResult } from '../../../src/vault/vault.js';
import { hasRedis, startRedis, type RedisServer } from '../../support/redis-server.js';

if (!hasRedis) process.stderr.write('vault-redis.test: redis-server not found; skipped (apt-get install redis-server)\n');

let server: RedisServer | undefined;
let url = '';
const clients: RedisClientType[] = [];

async function connect(): Promise<RedisClientType> {
	const client = createClient({ url, disableOfflineQueue: true }) as RedisClientType;
	client.on('error', () => undefined);
	await client.connect();
	clients.push(client);
	return client;
}

beforeAll(async () => {
	if (!hasRedis) return;
	server = await startRedis();
	url = server.url;
});

afterAll(async () => {
	await Promise.all(clients.map((c) => c.quit().catch(() => undefined)));
	await server?.close();
});

const PERIOD = '2025-01';
const NOW = Date.UTC(2025, 0, 15, 12);
const HOUR = 3_600_000;
let seq = 0;

function makeJob(userId: string, guildId: string | null, price: number, extra: Partial<Job> = {}): Job {
	const id = `${1_000_000_000 + seq++}`;
	return {
		v: 2,
		id,
		token: `tok-${id}`,
		applicationId: 'app',
		userId,
		userName: `name-${userId}`,
		guildId,
		channelId: 'chan',
		kind: 'imagine',
		prompt: `a cat ${id}`,
		aspectRatio: '1:1',
		price,
		attachmentSizeLimit: 8_000_000,
		canPostInChannel: true,
		state: 'reserved',
		createdAt: NOW,
		updatedAt: NOW,
		...extra,
	};
}

const open = (vault: RedisVault, job: Job, limits: Partial<Limits> = {}, extra: Partial<OpenRequest> = {}): Promise<OpenResult> =>
	vault.open({
		job,
		scope: job.guildId ?? 'dm',
		periodKey: PERIOD,
		limits: { user: 1_000_000, guildCap: undefined, global: undefined, ...limits },
		now: NOW,
		...extra,
	});

const finish = (job: Job, state: 'delivered' | 'refunded', at = NOW + 1000) => ({ ...job, state, outcome: state, updatedAt: at, finishedAt: at });

const close = (vault: RedisVault, job: Job, state: 'delivered' | 'refunded', guildCap?: number, at?: number): Promise<CloseResult> =>
	vault.close({ job: finish(job, state, at), guildCap });

let prefixes = 0;
async function fresh(): Promise<{ vault: RedisVault; client: RedisClientType; prefix: string }> {
	const client = clients[0] ?? (await connect());
	const prefix = `t${prefixes++}:`;
	return { vault: new RedisVault(client, { prefix }), client, prefix };
}

describe.skipIf(!hasRedis)('RedisVault', () => {
	it('opens a reservation with its job, once', async () => {
		const { vault, client, prefix } = await fresh();
		const job = makeJob('u1', 'g1', 40_000);
		const first = await open(vault, job);
		expect(first).toEqual({
			status: 'created',
			counters: {
				account: { spent: 0, reserved: 0, images: 0 },
				pool: { spent: 0, reserved: 0, images: 0 },
				global: { spent: 0, reserved: 0, images: 0 },
				corrupt: false,
			},
		});
		expect(await vault.counters('g1', PERIOD, 'u1')).toEqual({
			account: { spent: 0, reserved: 40_000, images: 0, name: 'name-u1' },
			pool: { spent: 0, reserved: 40_000, images: 0 },
			global: { spent: 0, reserved: 40_000, images: 0 },
			corrupt: false,
		});
		expect(await vault.reservation(job.id)).toEqual({
			v: 1,
			id: job.id,
			scope: 'g1',
			userId: 'u1',
			periodKey: PERIOD,
			amount: 40_000,
			state: 'held',
			createdAt: NOW,
			userName: 'name-u1',
			prompt: job.prompt,
			aspectRatio: '1:1',
		});
		expect(await vault.job(job.id)).toEqual(job);
		expect(await vault.openJobs()).toEqual([{ id: job.id, createdAt: NOW }]);
		// Money is plain integers in hashes.
		expect(await client.hGetAll(`${prefix}acct:g1:${PERIOD}:u1`)).toEqual({ reserved: '40000', name: 'name-u1' });
		expect(await client.hGetAll(`${prefix}pool:*:${PERIOD}`)).toEqual({ reserved: '40000' });

		// A repeated interaction changes nothing, whether the reservation or only the job is there.
		expect(await open(vault, { ...job, price: 10 })).toEqual({ status: 'duplicate' });
		const second = makeJob('u1', 'g1', 10_000);
		await client.set(`${prefix}job:${second.id}`, JSON.stringify(second));
		expect(await open(vault, second)).toEqual({ status: 'duplicate' });
		expect((await vault.counters('g1', PERIOD, 'u1')).account.reserved).toBe(40_000);

		// A DM job has its own scope and still counts against the global pool.
		const dm = makeJob('u1', null, 5_000);
		expect((await open(vault, dm)).status).toBe('created');
		expect((await vault.counters('dm', PERIOD, 'u1')).pool.reserved).toBe(5_000);
		expect((await vault.counters('g1', PERIOD, 'u1')).global.reserved).toBe(45_000);
	});

	it('refuses global, then guild, then user, each when exactly that limit trips, and on a corrupt counter', async () => {
		const { vault, client, prefix } = await fresh();
		expect((await open(vault, makeJob('u1', 'g1', 60_000), { user: 100_000, guildCap: 100_000, global: 100_000 })).status).toBe('created');
		// 60k held everywhere; 40k more fits exactly (spent + reserved + amount ≤ limit).
		const fits = await open(vault, makeJob('u1', 'g1', 40_000), { user: 100_000, guildCap: 100_000, global: 100_000 });
		expect(fits.status).toBe('created');
		const only = async (limits: Partial<Limits>) => open(vault, makeJob('u1', 'g1', 1), { user: 1_000_000, ...limits });
		const refusedBy = async (limits: Partial<Limits>) => {
			const r = await only(limits);
			return r.status === 'refused' ? r.reason : r.status;
		};
		expect(await refusedBy({ global: 100_000 })).toBe('global');
		expect(await refusedBy({ guildCap: 100_000 })).toBe('guild');
		expect(await refusedBy({ user: 100_000 })).toBe('user');
		expect(await refusedBy({ user: 100_000, guildCap: 100_000, global: 100_000 })).toBe('global');
		expect(await refusedBy({ user: 100_000, guildCap: 100_000 })).toBe('guild');
		// Limits elsewhere do not count: another member, another server.
		expect(await refusedBy({ user: 100_001, guildCap: 100_001, global: 100_001 })).toBe('created');
		expect((await open(vault, makeJob('u2', 'g1', 1), { user: 1 })).status).toBe('created');
		expect((await open(vault, makeJob('u2', 'g2', 1), { guildCap: 1, user: 1 })).status).toBe('created');

		// A refusal returns the counters it read and changes nothing.
		const refused = await only({ global: 100_000 });
		expect(refused).toMatchObject({ status: 'refused', counters: { account: { reserved: 100_001 }, global: { reserved: 100_003 } } });
		expect((await vault.counters('g1', PERIOD, 'u1')).account.reserved).toBe(100_001);

		// A malformed field anywhere blocks reservations against it (and is reported, not rewritten).
		await client.hSet(`${prefix}pool:g1:${PERIOD}`, 'spent', 'lots');
		expect(await refusedBy({})).toBe('corrupt');
		expect((await vault.counters('g1', PERIOD, 'u1')).corrupt).toBe(true);
		expect((await vault.counters('g1', PERIOD, 'u1')).pool).toEqual({ spent: 0, reserved: 0, images: 0 });
		expect(await client.hGet(`${prefix}pool:g1:${PERIOD}`, 'spent')).toBe('lots');
		// Elsewhere is unaffected.
		expect((await open(vault, makeJob('u1', 'g3', 1))).status).toBe('created');

		await expect(
			vault.open({
				job: makeJob('u1', 'g1', 1),
				scope: 'g1',
				periodKey: PERIOD,
				limits: { user: Number.NaN, guildCap: undefined, global: undefined },
				now: NOW,
			}),
		).rejects.toThrow(RangeError);
		await expect(open(vault, makeJob('u1', 'g1', 1.5))).rejects.toThrow(RangeError);
	});

	it('says busy at MAX_JOBS_PER_USER open jobs across the fleet, after the limits', async () => {
		const { vault } = await fresh();
		const a = makeJob('u1', 'g1', 1_000);
		const b = makeJob('u1', 'g2', 1_000);
		expect((await open(vault, a, {}, { maxActivePerUser: 2 })).status).toBe('created');
		expect((await open(vault, b, {}, { maxActivePerUser: 2 })).status).toBe('created');
		const busy = await open(vault, makeJob('u1', 'g1', 1_000), {}, { maxActivePerUser: 2 });
		expect(busy).toMatchObject({ status: 'busy', counters: { account: { reserved: 1_000 } } });
		expect((await open(vault, makeJob('u1', 'g1', 1_000), { user: 1_500 }, { maxActivePerUser: 2 })).status).toBe('refused');
		expect((await open(vault, makeJob('u2', 'g1', 1_000), {}, { maxActivePerUser: 2 })).status).toBe('created');
		expect((await open(vault, makeJob('u1', 'g1', 1_000))).status).toBe('created'); // unset: not enforced here
		await close(vault, a, 'refunded');
		expect((await open(vault, makeJob('u1', 'g1', 1_000), {}, { maxActivePerUser: 3 })).status).toBe('created');
	});

	it('closes exactly once: commit moves reserved to spent and images on all three; refund only releases', async () => {
		const { vault } = await fresh();
		const a = makeJob('u1', 'g1', 30_000);
		const b = makeJob('u1', 'g1', 20_000);
		await open(vault, a);
		await open(vault, b);
		const committed = await close(vault, a, 'delivered', undefined, NOW + 5_000);
		expect(committed).toEqual({ status: 'closed', ended: 'committed', capNotes: [], poolSpent: 30_000 });
		expect(await vault.counters('g1', PERIOD, 'u1')).toEqual({
			account: { spent: 30_000, reserved: 20_000, images: 1, name: 'name-u1' },
			pool: { spent: 30_000, reserved: 20_000, images: 1 },
			global: { spent: 30_000, reserved: 20_000, images: 1 },
			corrupt: false,
		});
		expect(await vault.reservation(a.id)).toMatchObject({ state: 'committed', endedAt: NOW + 5_000 });
		expect(await vault.job(a.id)).toEqual(finish(a, 'delivered', NOW + 5_000));
		expect(await vault.openJobs()).toEqual([{ id: b.id, createdAt: NOW }]);

		expect(await close(vault, a, 'delivered')).toEqual({ status: 'already-closed' });
		expect(await close(vault, a, 'refunded')).toEqual({ status: 'already-closed' });
		expect(await vault.job(a.id)).toEqual(finish(a, 'delivered', NOW + 5_000)); // the repeat did not rewrite it

		expect(await close(vault, b, 'refunded')).toEqual({ status: 'closed', ended: 'refunded', capNotes: [], poolSpent: 30_000 });
		expect(await vault.counters('g1', PERIOD, 'u1')).toMatchObject({
			account: { spent: 30_000, reserved: 0, images: 1 },
			pool: { spent: 30_000, reserved: 0, images: 1 },
			global: { spent: 30_000, reserved: 0, images: 1 },
		});
		expect(await vault.reservation(b.id)).toMatchObject({ state: 'refunded', endedAt: NOW + 1000 });
		expect(await vault.openJobs()).toEqual([]);

		expect(await close(vault, makeJob('u1', 'g1', 1), 'delivered')).toEqual({ status: 'missing' });
		await expect(vault.close({ job: { ...a, finishedAt: NOW }, guildCap: undefined })).rejects.toThrow(RangeError);
	});

	it('files an open job whose reservation is gone as finished, and never lets reserved go below zero', async () => {
		const { vault, client, prefix } = await fresh();
		const a = makeJob('u1', 'g1', 30_000);
		await open(vault, a);
		await client.del(`${prefix}res:${a.id}`);
		expect(await close(vault, a, 'delivered')).toEqual({ status: 'missing' });
		expect(await vault.openJobs()).toEqual([]);
		expect(await vault.job(a.id)).toMatchObject({ state: 'delivered' });
		expect((await vault.counters('g1', PERIOD, 'u1')).account).toMatchObject({ spent: 0, reserved: 30_000 });

		const b = makeJob('u1', 'g1', 50_000);
		await open(vault, b);
		await client.hSet(`${prefix}acct:g1:${PERIOD}:u1`, 'reserved', '10');
		await close(vault, b, 'delivered');
		expect((await vault.counters('g1', PERIOD, 'u1')).account).toMatchObject({ spent: 50_000, reserved: 0, images: 1 });
	});

	it('files an open job whose reservation already ended, as the money ended, and stops counting it busy (as LocalVault does)', async () => {
		const { vault, client, prefix } = await fresh();
		const job = makeJob('u1', 'g1', 30_000);
		await open(vault, job, {}, { maxActivePerUser: 1 });
		expect(await close(vault, job, 'delivered')).toMatchObject({ status: 'closed', ended: 'committed' });
		// A store written by an older version: the charge was committed but the job was left open.
		const stale: Job = { ...job, state: 'submitted', taskId: 'task-1', updatedAt: NOW + 10 };
		await vault.importJob(stale, true);
		expect(await client.sCard(`${prefix}active:u1`)).toBe(1);
		expect(await close(vault, stale, 'refunded', undefined, NOW + 20_000)).toEqual({ status: 'already-closed' });
		expect(await vault.openJobs()).toEqual([]);
		expect(await client.sCard(`${prefix}active:u1`)).toBe(0);
		expect(await vault.job(job.id)).toMatchObject({ state: 'delivered', taskId: 'task-1', finishedAt: NOW + 20_000 });
		expect(await client.zScore(`${prefix}jobs:done`, job.id)).toBe(NOW + 20_000);
		// Nothing moved: charged once, never refunded.
		expect((await vault.counters('g1', PERIOD, 'u1')).account).toMatchObject({ spent: 30_000, reserved: 0, images: 1 });
		expect((await open(vault, makeJob('u1', 'g1', 1), {}, { maxActivePerUser: 1 })).status).toBe('created');
	});

	it('saves open jobs (task id noted on the reservation) and ignores saves once closed', async () => {
		const { vault } = await fresh();
		const job = makeJob('u1', 'g1', 10_000);
		await open(vault, job);
		const submitted: Job = { ...job, state: 'submitted', taskId: 'task-1', submittedAt: NOW + 10, updatedAt: NOW + 10 };
		await vault.save(submitted);
		expect(await vault.job(job.id)).toEqual(submitted);
		expect(await vault.reservation(job.id)).toMatchObject({ state: 'held', taskId: 'task-1' });
		await close(vault, submitted, 'delivered');
		await vault.save({ ...submitted, taskId: 'task-2', updatedAt: NOW + 99 });
		expect(await vault.job(job.id)).toMatchObject({ state: 'delivered', taskId: 'task-1' });
		expect(await vault.reservation(job.id)).toMatchObject({ state: 'committed', taskId: 'task-1' });
		await vault.save(makeJob('u1', 'g1', 1)); // never opened: nothing written
		expect(await vault.openJobs()).toEqual([]);
		await expect(vault.save(finish(job, 'refunded'))).rejects.toThrow(RangeError);
	});

	it('notes 80 % and 100 % of a server cap once per period, on commits only', async () => {
		const { vault } = await fresh();
		const commit = async (price: number, guildId: string | null = 'g1', periodKey = PERIOD, state: 'delivered' | 'refunded' = 'delivered') => {
			const job = makeJob('u1', guildId, price);
			expect(
				(await vault.open({ job, scope: guildId ?? 'dm', periodKey, limits: { user: 10_000_000, guildCap: undefined, global: undefined }, now: NOW })).status,
			).toBe('created');
			const r = await close(vault, job, state, 1_000_000);
			return r.status === 'closed' ? [r.capNotes, r.poolSpent] : r.status;
		};
		expect(await commit(500_000)).toEqual([[], 500_000]);
		expect(await commit(300_000, 'g1', PERIOD, 'refunded')).toEqual([[], 500_000]);
		expect(await commit(300_000)).toEqual([[80], 800_000]);
		expect(await commit(100_000)).toEqual([[], 900_000]);
		expect(await commit(100_000)).toEqual([[100], 1_000_000]);
		expect(await commit(100_000)).toEqual([[], 1_100_000]);
		expect(await commit(1_000_000, 'g1', '2025-02')).toEqual([[80, 100], 1_000_000]);
		expect(await commit(1_000_000, 'g2')).toEqual([[80, 100], 1_000_000]);
		expect(await commit(1_000_000, null)).toEqual([[], 1_000_000]); // DMs have no cap
		const job = makeJob('u1', 'g3', 900_000);
		await open(vault, job);
		expect(await close(vault, job, 'delivered', 0)).toMatchObject({ capNotes: [] }); // 0 = none
		const other = makeJob('u1', 'g4', 900_000);
		await open(vault, other);
		expect(await close(vault, other, 'delivered', undefined)).toMatchObject({ capNotes: [] });
	});

	it('totals committed spend per UTC day of the end', async () => {
		const { vault } = await fresh();
		const end = async (price: number, at: number, state: 'delivered' | 'refunded' = 'delivered') => {
			const job = makeJob('u1', 'g1', price);
			await open(vault, job);
			await close(vault, job, state, undefined, at);
		};
		const midnight = Date.UTC(2025, 0, 16);
		await end(10_000, midnight - 1);
		await end(20_000, midnight - HOUR);
		await end(40_000, midnight);
		await end(80_000, midnight + HOUR, 'refunded');
		expect(await vault.day('g1', '2025-01-15')).toEqual({ spent: 30_000, images: 2 });
		expect(await vault.day('g1', '2025-01-16')).toEqual({ spent: 40_000, images: 1 });
		expect(await vault.day('g1', '2025-01-17')).toEqual({ spent: 0, images: 0 });
		expect(await vault.day('g2', '2025-01-15')).toEqual({ spent: 0, images: 0 });
	});

	it('lists leaders by spend, then images; resetSpend zeroes a member only', async () => {
		const { vault, client, prefix } = await fresh();
		const spend = async (userId: string, ...prices: number[]) => {
			for (const price of prices) {
				const job = makeJob(userId, 'g1', price);
				await open(vault, job);
				await close(vault, job, 'delivered');
			}
		};
		await spend('alice', 300_000);
		await spend('zed', 200_000); // ties with 'amy' on spend; fewer images; sorts first among ties by id
		await spend('amy', 100_000, 50_000, 50_000);
		await spend('bob', 10_000);
		const refunded = makeJob('carol', 'g1', 10_000);
		await open(vault, refunded);
		await close(vault, refunded, 'refunded'); // no spend: not a leader
		const elsewhere = makeJob('alice', 'g2', 999_999_999); // another server
		expect((await open(vault, elsewhere, { user: 1e12 })).status).toBe('created');
		await close(vault, elsewhere, 'delivered');

		expect(await vault.top('g1', PERIOD, 10)).toEqual([
			{ userId: 'alice', name: 'name-alice', spent: 300_000, images: 1 },
			{ userId: 'amy', name: 'name-amy', spent: 200_000, images: 3 },
			{ userId: 'zed', name: 'name-zed', spent: 200_000, images: 1 },
			{ userId: 'bob', name: 'name-bob', spent: 10_000, images: 1 },
		]);
		expect((await vault.top('g1', PERIOD, 2)).map((r) => r.userId)).toEqual(['alice', 'amy']);
		expect(await vault.top('g1', PERIOD, 0)).toEqual([]);

		expect(await vault.resetSpend('g1', PERIOD, 'alice')).toBe(300_000);
		expect(await vault.counters('g1', PERIOD, 'alice')).toMatchObject({
			account: { spent: 0, images: 1 },
			pool: { spent: 710_000 },
			global: { spent: 999_999_999 + 710_000 },
		});
		expect((await vault.top('g1', PERIOD, 10)).map((r) => [r.userId, r.spent])).toEqual([
			['amy', 200_000],
			['zed', 200_000],
			['bob', 10_000],
			['alice', 0],
		]);
		expect(await vault.resetSpend('g1', PERIOD, 'nobody')).toBe(0);
		expect(await client.exists(`${prefix}acct:g1:${PERIOD}:nobody`)).toBe(0);

		// An unreadable account is repaired by the reset.
		await client.hSet(`${prefix}acct:g1:${PERIOD}:bob`, 'images', 'x');
		expect((await vault.counters('g1', PERIOD, 'bob')).corrupt).toBe(true);
		expect((await vault.top('g1', PERIOD, 10)).map((r) => r.userId)).not.toContain('bob');
		expect(await vault.resetSpend('g1', PERIOD, 'bob')).toBe('corrupt');
		expect(await vault.counters('g1', PERIOD, 'bob')).toMatchObject({ account: { spent: 0, images: 0 }, corrupt: false });
	});

	it('lists a period’s charges in the order they were made, across pages', async () => {
		const { vault } = await fresh();
		const ids: string[] = [];
		await Promise.all(
			Array.from({ length: 1_203 }, async (_, i) => {
				const job = makeJob(`u${i % 7}`, 'g1', 1_000 + i);
				ids.push(job.id);
				await vault.open({ job, scope: 'g1', periodKey: PERIOD, limits: { user: 1e12, guildCap: undefined, global: undefined }, now: NOW + i });
			}),
		);
		await open(vault, makeJob('u1', 'g2', 5));
		await vault.open({
			job: makeJob('u1', 'g1', 5),
			scope: 'g1',
			periodKey: '2025-02',
			limits: { user: 100, guildCap: undefined, global: undefined },
			now: NOW,
		});
		const first = await vault.job(ids[0] ?? '');
		if (!first || first === CORRUPT) throw new Error('first job missing');
		await close(vault, first, 'delivered');
		const listed = [];
		for await (const r of vault.charges('g1', PERIOD)) listed.push(r);
		expect(listed.map((r) => r.id)).toEqual(ids);
		expect(listed.map((r) => r.createdAt)).toEqual(ids.map((_, i) => NOW + i));
		expect(listed[0]).toMatchObject({ state: 'committed', amount: 1_000 });
		expect(listed[1]).toMatchObject({ state: 'held', amount: 1_001, userId: 'u1' });
	});

	it('prunes only finished jobs that ended before the cutoff, in batches', async () => {
		const { vault } = await fresh();
		const jobs = Array.from({ length: 460 }, (_, i) => makeJob(`u${i % 5}`, 'g1', 100, { createdAt: NOW - 10 * HOUR }));
		await Promise.all(jobs.map((job) => open(vault, job)));
		await Promise.all(jobs.slice(0, 450).map((job, i) => close(vault, job, i % 2 ? 'delivered' : 'refunded', undefined, i < 430 ? NOW - HOUR - i : NOW + i)));
		expect(await vault.prune(NOW)).toBe(430);
		expect(await vault.prune(NOW)).toBe(0);
		expect(await vault.job(jobs[0]?.id ?? '')).toBeUndefined();
		expect(await vault.job(jobs[429]?.id ?? '')).toBeUndefined();
		expect(await vault.job(jobs[430]?.id ?? '')).toMatchObject({ state: expect.any(String) });
		expect((await vault.openJobs()).map((j) => j.id)).toEqual(jobs.slice(450).map((j) => j.id));
		expect(await vault.reservation(jobs[0]?.id ?? '')).toMatchObject({ state: 'refunded' }); // the money record stays
		expect(await vault.prune(NOW + 10 * HOUR)).toBe(20);
		expect((await vault.openJobs()).length).toBe(10);
	});

	it('reads unreadable jobs and reservations safely, and reloads its scripts after SCRIPT FLUSH', async () => {
		const { vault, client, prefix } = await fresh();
		expect(await vault.job('nope')).toBeUndefined();
		await client.set(`${prefix}job:bad`, '{not json');
		expect(await vault.job('bad')).toBe(CORRUPT);
		await client.set(`${prefix}job:bad2`, JSON.stringify({ v: 2, id: 'bad2' }));
		expect(await vault.job('bad2')).toBe(CORRUPT);
		await client.hSet(`${prefix}res:bad`, { v: '1', id: 'bad', amount: 'ten' });
		expect(await vault.reservation('bad')).toBeUndefined();

		await client.scriptFlush();
		const job = makeJob('u1', 'g1', 100);
		expect((await open(vault, job)).status).toBe('created');
		await client.scriptFlush();
		expect((await close(vault, job, 'delivered')).status).toBe('closed');
		expect(vault.kind).toBe('redis');
		await vault.dispose();
	});

	it('three clients, 10,000 concurrent reservations: no overspend anywhere, every reservation ended exactly once', async () => {
		const vaults = [new RedisVault(await connect()), new RedisVault(await connect()), new RedisVault(await connect())];
		const sampler = new RedisVault(await connect());
		const samplerClient = clients.at(-1) as RedisClientType;
		const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)] as T;
		const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

		const USERS = 300;
		const scopes = ['g0', 'g1', 'g2'];
		const caps: Record<string, number | undefined> = { g0: 3_000_000, g1: 6_000_000, g2: undefined };
		const GLOBAL = 15_000_000;
		const MAX_ACTIVE = 2;
		const userLimit = (u: number) => (u % 10 === 0 ? 20_000 : 150_000);
		const scopeOf = (u: number) => scopes[u % 3] as string;
		const limitsFor = (u: number): Limits => ({ user: userLimit(u), guildCap: caps[scopeOf(u)], global: GLOBAL });

		const outcomes = { created: 0, busy: 0, duplicate: 0, user: 0, guild: 0, global: 0, corrupt: 0 };
		const closes = { closed: 0, 'already-closed': 0, missing: 0 };
		const created = new Map<string, { u: number; amount: number; ended?: 'committed' | 'refunded'; finishedAt?: number }>();
		const notCreated: string[] = [];
		let doubleCloses = 0;
		let running = true;
		let samples = 0;
		const violations: string[] = [];

		const check = (what: string, spent: number, reserved: number, limit: number | undefined) => {
			if (limit !== undefined && spent + reserved > limit) violations.push(`${what}: ${spent} + ${reserved} > ${limit}`);
		};
		const sampling = (async () => {
			while (running) {
				await Promise.all(
					Array.from({ length: 8 }, async () => {
						const u = Math.floor(Math.random() * USERS);
						const c = await sampler.counters(scopeOf(u), PERIOD, `u${u}`);
						check(`account u${u}`, c.account.spent, c.account.reserved, userLimit(u));
						check(`pool ${scopeOf(u)}`, c.pool.spent, c.pool.reserved, caps[scopeOf(u)]);
						check('global', c.global.spent, c.global.reserved, GLOBAL);
						const active = await samplerClient.sCard(`ib:active:u${u}`);
						if (active > MAX_ACTIVE) violations.push(`u${u} has ${active} open jobs`);
						samples++;
					}),
				);
			}
		})();

		const started = Date.now();
		await Promise.all(
			Array.from({ length: 10_000 }, async (_, n) => {
				await sleep(Math.random() * 600);
				const u = Math.floor(Math.random() * USERS);
				const job = makeJob(`u${u}`, scopeOf(u), 10_000 + Math.floor(Math.random() * 50_000));
				const result = await pick(vaults).open({ job, scope: scopeOf(u), periodKey: PERIOD, limits: limitsFor(u), maxActivePerUser: MAX_ACTIVE, now: NOW + n });
				if (result.status === 'refused') outcomes[result.reason]++;
				else outcomes[result.status]++;
				if (result.status !== 'created') {
					notCreated.push(job.id);
					return;
				}
				const entry: { u: number; amount: number; ended?: 'committed' | 'refunded'; finishedAt?: number } = { u, amount: job.price };
				created.set(job.id, entry);
				await sleep(Math.random() * 40);
				const finishedAt = NOW + HOUR * Math.floor(Math.random() * 48); // spread over three UTC days
				const state = Math.random() < 0.5 ? 'delivered' : 'refunded';
				const twice = Math.random() < 0.15;
				if (twice) doubleCloses++;
				const first = vaults.indexOf(pick(vaults));
				const attempts = [{ vault: vaults[first] as RedisVault, state }];
				// A second process closing the same job at the same time, possibly with the other outcome.
				if (twice) attempts.push({ vault: vaults[(first + 1) % 3] as RedisVault, state: Math.random() < 0.5 ? 'delivered' : 'refunded' });
				const results = await Promise.all(attempts.map((a) => close(a.vault, job, a.state as 'delivered' | 'refunded', caps[scopeOf(u)], finishedAt)));
				for (const r of results) {
					closes[r.status]++;
					if (r.status === 'closed') {
						if (entry.ended) violations.push(`${job.id} closed twice`);
						entry.ended = r.ended;
						entry.finishedAt = finishedAt;
					}
				}
			}),
		);
		running = false;
		await sampling;
		const elapsed = Date.now() - started;
		console.log(
			`fleet proof: ${elapsed} ms, ${samples} samples, opens ${JSON.stringify(outcomes)}, closes ${JSON.stringify(closes)}, double closes ${doubleCloses}`,
		);

		expect(violations).toEqual([]);
		expect(samples).toBeGreaterThan(100);
		expect(outcomes.created).toBe(created.size);
		expect(outcomes.created + outcomes.busy + outcomes.user + outcomes.guild + outcomes.global).toBe(10_000);
		expect(outcomes.created).toBeLessThan(5_000); // most are refused
		expect(outcomes.global).toBeGreaterThan(0);
		expect(outcomes.guild).toBeGreaterThan(0);
		expect(outcomes.user).toBeGreaterThan(0);
		expect(outcomes.busy).toBeGreaterThan(0);
		expect(outcomes.duplicate + outcomes.corrupt).toBe(0);
		expect(closes).toEqual({ closed: created.size, 'already-closed': doubleCloses, missing: 0 });

		// Every created reservation ended exactly once, as the close that won said; nothing refused left a trace.
		const ids = [...created.keys()];
		const stored = await Promise.all(ids.map((id) => sampler.reservation(id)));
		ids.forEach((id, i) => {
			const entry = created.get(id);
			expect(stored[i]).toMatchObject({ state: entry?.ended, endedAt: entry?.finishedAt, amount: entry?.amount });
		});
		const leftovers = await Promise.all(notCreated.map(async (id) => [await sampler.reservation(id), await sampler.job(id)]));
		expect(leftovers.flat().filter((x) => x !== undefined)).toEqual([]);

		// The sums in every account, pool and the global pool equal the committed reservations'.
		const want = {
			accounts: new Map<number, { spent: number; images: number }>(),
			pools: new Map<string, { spent: number; images: number }>(),
			days: new Map<string, number>(),
		};
		for (const entry of created.values()) {
			if (entry.ended !== 'committed') continue;
			const add = <K>(map: Map<K, { spent: number; images: number }>, k: K) => {
				const t = map.get(k) ?? { spent: 0, images: 0 };
				map.set(k, { spent: t.spent + entry.amount, images: t.images + 1 });
			};
			add(want.accounts, entry.u);
			add(want.pools, scopeOf(entry.u));
			add(want.pools, '*');
			const day = `${scopeOf(entry.u)} ${utcDay(entry.finishedAt ?? 0)}`;
			want.days.set(day, (want.days.get(day) ?? 0) + entry.amount);
		}
		for (let u = 0; u < USERS; u++) {
			const c = await sampler.counters(scopeOf(u), PERIOD, `u${u}`);
			expect(c.corrupt).toBe(false);
			expect(c.account).toMatchObject({ reserved: 0, ...(want.accounts.get(u) ?? { spent: 0, images: 0 }) });
			expect(c.account.spent).toBeLessThanOrEqual(userLimit(u));
			expect(c.pool).toEqual({ reserved: 0, ...want.pools.get(scopeOf(u)) });
			expect(c.global).toEqual({ reserved: 0, ...want.pools.get('*') });
			if (caps[scopeOf(u)] !== undefined) expect(c.pool.spent).toBeLessThanOrEqual(caps[scopeOf(u)] as number);
			expect(c.global.spent).toBeLessThanOrEqual(GLOBAL);
			expect(await samplerClient.sCard(`ib:active:u${u}`)).toBe(0);
		}
		for (const [key, spent] of want.days) {
			const [scope, date] = key.split(' ') as [string, string];
			expect((await sampler.day(scope, date)).spent).toBe(spent);
		}
		expect(await sampler.openJobs()).toEqual([]);
		expect(await samplerClient.zCard('ib:jobs:done')).toBe(created.size);
		let charges = 0;
		for (const scope of scopes) for await (const r of sampler.charges(scope, PERIOD)) charges += r.state === 'held' ? 1_000_000 : 1;
		expect(charges).toBe(created.size);
		const top = await sampler.top('g2', PERIOD, 5);
		for (const row of top) expect(row.spent).toBe(want.accounts.get(Number(row.userId.slice(1)))?.spent);
	}, 30_000);
});
