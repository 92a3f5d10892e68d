// The two vaults end reservations by the same rules. A model-based property test: random sequences of open
// (one image or a batch of up to 4: price × count held at once), close (delivered, a batch's k images charged
// and the rest released, or refunded), save, repeated opens and closes, closes of unknown ids, "crashes" (the vault
// object and its connection dropped and made again on the same data) and reservations that ended while their
// job stayed open run against LocalVault (a real SQLite file) and RedisVault (a real redis-server) side by side,
// and against a plain model. After every step: both answer the same, the answers are what the model predicts,
// no limit is exceeded, every reservation ended at most once, every counter is the sum of its reservations, and
// no job stays open once its reservation has ended and a close was tried.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type RedisClientType } from '@keyv/redis';
import fc from 'fast-check';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobKeys, type Job } from '../../../src/records/job.js';
import { Store } from '../../../src/storage/store.js';
import { LocalVault } from '../../../src/vault/local.js';
import { RedisVault } from '../../../src/vault/redis.js';
import type { CloseResult, Counter, Limits, OpenResult, Vault } from '../../../src/vault/vault.js';
import { hasRedis, startRedis, type RedisServer } from '../../support/redis-server.js';

const logger = pino({ level: 'silent' });
if (!hasRedis) process.stderr.write('parity.test: redis-server not found; checking LocalVault against the model only (apt-get install redis-server)\n');

const PERIOD = '2025-01';
const NOW = Date.UTC(2025, 0, 15, 12);
const USERS = ['u0', 'u1', 'u2'] as const;
const SCOPES = ['g1', 'g2', 'dm'] as const;
const USER_LIMIT: Record<string, number> = { u0: 60, u1: 150, u2: 10_000 };
const CAP: Record<string, number | undefined> = { g1: 120, g2: undefined, dm: undefined };
const GLOBAL = 250;
const limitsFor = (user: string, scope: string): Limits => ({ user: USER_LIMIT[user] as number, guildCap: CAP[scope], global: GLOBAL });

let dir: string;
let server: RedisServer | undefined;
let runs = 0;

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), 'parity-'));
	if (hasRedis) server = await startRedis();
});
afterAll(async () => {
	await server?.close();
	rmSync(dir, { recursive: true, force: true });
});

// ── The real side: one SQLite file and one Redis prefix per run ─────────────────────────────────────────

class Real {
	local!: { store: Store; vault: LocalVault };
	redis: { client: RedisClientType; vault: RedisVault } | undefined;
	private readonly file = join(dir, `run-${runs}.sqlite`);
	readonly prefix = `p${runs++}:`;

	static async start(): Promise<Real> {
		const real = new Real();
		await real.connect();
		return real;
	}

	/** Opens the store and makes the vault objects (again, after a crash: nothing carried over in memory). */
	async connect(): Promise<void> {
		const store = await Store.open(`sqlite://${this.file}`, logger);
		this.local = { store, vault: new LocalVault(store) };
		if (!server) return;
		const client = createClient({ url: server.url, disableOfflineQueue: true }) as RedisClientType;
		client.on('error', () => undefined);
		await client.connect();
		this.redis = { client, vault: new RedisVault(client, { prefix: this.prefix }) };
	}

	async crash(): Promise<void> {
		await this.local.store.close();
		await this.redis?.client.quit();
		await this.connect();
	}

	get vaults(): Vault[] {
		return [this.local.vault, ...(this.redis ? [this.redis.vault] : [])];
	}

	/** Runs `op` on every vault and checks they all answered alike; returns the answer. */
	async each<T>(op: (v: Vault) => Promise<T>): Promise<T> {
		const answers = await Promise.all(this.vaults.map(op));
		for (const answer of answers.slice(1)) expect(answer, 'RedisVault answers as LocalVault does').toEqual(answers[0]);
		return answers[0] as T;
	}

	/** A job left open after its reservation ended, as a store written by an older version can hold it. */
	async reopen(job: Job, finishedAt: number): Promise<void> {
		await this.local.store.write(async (tx) => {
			await tx.set(jobKeys.job(job.id), job);
			await tx.set(jobKeys.open(job.id), { v: 1 });
			await tx.delete(jobKeys.done(finishedAt, job.id));
		});
		if (!this.redis) return;
		await this.redis.vault.importJob(job, true);
		await this.redis.client.zRem(`${this.prefix}jobs:done`, job.id);
	}

	async close(): Promise<void> {
		await this.local.store.close();
		await this.redis?.client.quit();
	}
}

// ── The model ───────────────────────────────────────────────────────────────────────────────────────

interface ModelJob {
	record: Job;
	scope: string;
	open: boolean;
	reservation: 'held' | 'committed' | 'refunded';
	/** Left open by an injected fault after its reservation ended; no close has been tried since. */
	stale: boolean;
	/** Images charged when committed (k of a batch). */
	charged: number;
}

interface Model {
	jobs: Map<string, ModelJob>;
	next: number;
}

const sum = (jobs: Iterable<ModelJob>, keep: (j: ModelJob) => boolean): Counter => {
	const c = { spent: 0, reserved: 0, images: 0 };
	for (const j of jobs) {
		if (!keep(j)) continue;
		if (j.reservation === 'held') c.reserved += held(j.record);
		if (j.reservation === 'committed') {
			c.spent += j.record.price * j.charged;
			c.images += j.charged;
		}
	}
	return c;
};
const account = (m: Model, scope: string, user: string) => sum(m.jobs.values(), (j) => j.scope === scope && j.record.userId === user);
const pool = (m: Model, scope: string) => sum(m.jobs.values(), (j) => j.scope === scope);
const global = (m: Model) => sum(m.jobs.values(), () => true);
const used = (c: Counter) => c.spent + c.reserved;
const held = (job: Job) => job.price * (job.count ?? 1);

function makeJob(n: number, userId: string, scope: string, price: number, count = 1): Job {
	const id = `${1_000_000_000 + n}`;
	return {
		v: 2,
		id,
		token: `tok-${id}`,
		applicationId: 'app',
		userId,
		userName: `name-${userId}`,
		guildId: scope === 'dm' ? null : scope,
		channelId: 'chan',
		kind: 'imagine',
		prompt: `a cat ${id}`,
		aspectRatio: '1:1',
		...(count > 1 ? { count } : {}),
		price,
		attachmentSizeLimit: 8_000_000,
		canPostInChannel: true,
		state: 'reserved',
		createdAt: NOW + n,
		updatedAt: NOW + n,
	};
}

const pick = (m: Model, k: number): ModelJob => [...m.jobs.values()][k % m.jobs.size] as ModelJob;
/** A final record; a delivered batch has `k` of its images delivered (the rest failed). */
const finished = (job: Job, state: 'delivered' | 'refunded', at: number, k = 1) => ({
	...job,
	state,
	outcome: state,
	updatedAt: at,
	finishedAt: at,
	...((job.count ?? 1) > 1
		? { images: Array.from({ length: job.count ?? 1 }, (_, i) => ({ state: i < k && state === 'delivered' ? ('delivered' as const) : ('failed' as const) })) }
		: {}),
});
/** How many images a close of `j` delivers: 1 for a single image, 1–count of a batch. */
const kOf = (j: ModelJob, k: number) => 1 + (k % (j.record.count ?? 1));

// ── Commands ────────────────────────────────────────────────────────────────────────────────────────

type Cmd = fc.AsyncCommand<Model, Real>;

class Open implements Cmd {
	constructor(
		readonly user: string,
		readonly scope: string,
		readonly price: number,
		readonly count: number,
	) {}
	check = () => true;
	async run(m: Model, r: Real): Promise<void> {
		const n = m.next++;
		const job = makeJob(n, this.user, this.scope, this.price, this.count);
		const before = { account: account(m, this.scope, this.user), pool: pool(m, this.scope), global: global(m) };
		const limits = limitsFor(this.user, this.scope);
		const answer = await r.each((v) => v.open({ job, scope: this.scope, periodKey: PERIOD, limits, now: NOW + n }));
		const over = (c: Counter, limit: number | undefined) => limit !== undefined && used(c) + this.price * this.count > limit;
		const reason = over(before.global, GLOBAL)
			? 'global'
			: over(before.pool, limits.guildCap)
				? 'guild'
				: over(before.account, limits.user)
					? 'user'
					: undefined;
		expect(answer.status === 'refused' ? answer.reason : answer.status).toBe(reason ?? 'created');
		const counters = (answer as Exclude<OpenResult, { status: 'duplicate' }>).counters;
		expect({ account: { ...counters.account, name: undefined }, pool: counters.pool, global: counters.global, corrupt: counters.corrupt }).toEqual({
			account: { ...before.account, name: undefined },
			pool: before.pool,
			global: before.global,
			corrupt: false,
		});
		if (answer.status === 'created') m.jobs.set(job.id, { record: job, scope: this.scope, open: true, reservation: 'held', stale: false, charged: 0 });
	}
	toString = () => `open(${this.user}, ${this.scope}, ${this.price} × ${this.count})`;
}

class OpenAgain implements Cmd {
	constructor(readonly k: number) {}
	check = (m: Readonly<Model>) => m.jobs.size > 0;
	async run(m: Model, r: Real): Promise<void> {
		const { record, scope } = pick(m, this.k);
		const answer = await r.each((v) =>
			v.open({ job: { ...record, state: 'reserved' }, scope, periodKey: PERIOD, limits: limitsFor(record.userId, scope), now: NOW }),
		);
		expect(answer).toEqual({ status: 'duplicate' });
	}
	toString = () => `openAgain(#${this.k})`;
}

class Close implements Cmd {
	constructor(
		readonly k: number,
		readonly state: 'delivered' | 'refunded',
		readonly delivered: number,
	) {}
	check = (m: Readonly<Model>) => m.jobs.size > 0;
	async run(m: Model, r: Real): Promise<void> {
		const j = pick(m, this.k);
		const at = NOW + 1_000_000 + m.next++;
		const k = kOf(j, this.delivered);
		const job = finished(j.record, this.state, at, k);
		const answer: CloseResult = await r.each((v) => v.close({ job, guildCap: CAP[j.scope] }));
		if (j.reservation === 'held') {
			const ended = this.state === 'delivered' ? 'committed' : 'refunded';
			expect(answer).toMatchObject({ status: 'closed', ended });
			j.reservation = ended;
			j.charged = ended === 'committed' ? k : 0;
			j.record = job;
			expect(answer).toMatchObject({ poolSpent: pool(m, j.scope).spent });
		} else {
			// Ended once already: never again. A job still open is filed as its money ended.
			expect(answer).toEqual({ status: 'already-closed' });
			if (j.open) j.record = { ...job, state: j.reservation === 'committed' ? 'delivered' : 'refunded' };
		}
		j.open = false;
		j.stale = false;
	}
	toString = () => `close(#${this.k}, ${this.state}, k≈${this.delivered})`;
}

class CloseUnknown implements Cmd {
	check = () => true;
	async run(m: Model, r: Real): Promise<void> {
		const job = finished(makeJob(500_000 + m.next++, 'u0', 'g1', 10), 'delivered', NOW);
		expect(await r.each((v) => v.close({ job, guildCap: undefined }))).toEqual({ status: 'missing' });
		expect(await r.each((v) => v.job(job.id))).toBeUndefined();
	}
	toString = () => 'closeUnknown()';
}

class Save implements Cmd {
	constructor(readonly k: number) {}
	check = (m: Readonly<Model>) => m.jobs.size > 0;
	async run(m: Model, r: Real): Promise<void> {
		const j = pick(m, this.k);
		const n = m.next++;
		const next: Job = { ...j.record, state: 'submitted', taskId: `task-${n}`, submittedAt: NOW + n, updatedAt: NOW + n };
		await r.each((v) => v.save(next));
		if (j.open) j.record = next;
	}
	toString = () => `save(#${this.k})`;
}

class Crash implements Cmd {
	check = () => true;
	async run(_m: Model, r: Real): Promise<void> {
		await r.crash();
	}
	toString = () => 'crash()';
}

/** The reservation ends (through the vault) and the job is put back as open: what an older store can hold. */
class EndWhileOpen implements Cmd {
	constructor(
		readonly k: number,
		readonly state: 'delivered' | 'refunded',
	) {}
	check = (m: Readonly<Model>) => [...m.jobs.values()].some((j) => j.open && j.reservation === 'held');
	async run(m: Model, r: Real): Promise<void> {
		const candidates = [...m.jobs.values()].filter((j) => j.open && j.reservation === 'held');
		const j = candidates[this.k % candidates.length] as ModelJob;
		const at = NOW + 1_000_000 + m.next++;
		await r.each((v) => v.close({ job: finished(j.record, this.state, at, kOf(j, this.k)), guildCap: CAP[j.scope] }));
		j.reservation = this.state === 'delivered' ? 'committed' : 'refunded';
		j.charged = this.state === 'delivered' ? kOf(j, this.k) : 0;
		j.record = { ...j.record, state: 'submitted', taskId: `task-${j.record.id}`, updatedAt: at };
		await r.reopen(j.record, at);
		j.stale = true;
	}
	toString = () => `endWhileOpen(#${this.k}, ${this.state})`;
}

// ── Checks after every step ─────────────────────────────────────────────────────────────────────────

async function invariants(m: Model, r: Real): Promise<void> {
	const pairs = SCOPES.flatMap((scope) => USERS.map((user) => [scope, user] as const));
	const counters = await Promise.all(pairs.map(([scope, user]) => r.each((v) => v.counters(scope, PERIOD, user))));
	pairs.forEach(([scope, user], i) => {
		const c = counters[i] as Awaited<ReturnType<Vault['counters']>>;
		expect(c.corrupt).toBe(false);
		expect({ spent: c.account.spent, reserved: c.account.reserved, images: c.account.images }, `account ${scope}/${user}`).toEqual(account(m, scope, user));
		expect({ spent: c.pool.spent, reserved: c.pool.reserved, images: c.pool.images }, `pool ${scope}`).toEqual(pool(m, scope));
		expect({ spent: c.global.spent, reserved: c.global.reserved, images: c.global.images }, 'global').toEqual(global(m));
		expect(used(c.account)).toBeLessThanOrEqual(USER_LIMIT[user] as number);
		expect(used(c.pool)).toBeLessThanOrEqual(CAP[scope] ?? Infinity);
		expect(used(c.global)).toBeLessThanOrEqual(GLOBAL);
	});
	const open = [...m.jobs.values()].filter((j) => j.open);
	expect((await r.each((v) => v.openJobs())).map((o) => o.id)).toEqual(open.map((j) => j.record.id));
	await Promise.all(
		[...m.jobs.values()].map(async (j) => {
			expect(await r.each((v) => v.job(j.record.id))).toEqual(j.record);
			// Once committed, a reservation's amount is what was charged (k × price); held or refunded, all it held.
			const amount = j.reservation === 'committed' ? j.record.price * j.charged : held(j.record);
			expect(await r.each((v) => v.reservation(j.record.id))).toMatchObject({ state: j.reservation, amount });
			// Open with an ended reservation only while no close has been tried since the fault.
			if (j.open && j.reservation !== 'held') expect(j.stale).toBe(true);
		}),
	);
	// Redis counts each member's open jobs (MAX_JOBS_PER_USER across the fleet): a filed job must not stay counted.
	const redis = r.redis;
	if (!redis) return;
	const active = await Promise.all(USERS.map((user) => redis.client.sCard(`${r.prefix}active:${user}`)));
	USERS.forEach((user, i) => expect(active[i], `open jobs of ${user} on Redis`).toBe(open.filter((j) => j.record.userId === user).length));
}

const STATS: Record<string, number> = {};
afterAll(() => console.log(`vault parity: steps run ${JSON.stringify(STATS)}`));
const checked = (cmd: Cmd): Cmd => ({
	check: (m) => cmd.check(m),
	run: async (m, r) => {
		const name = cmd.toString().split('(')[0] ?? '';
		STATS[name] = (STATS[name] ?? 0) + 1;
		await cmd.run(m, r);
		await invariants(m, r);
	},
	toString: () => cmd.toString(),
});

const k = fc.nat(1000);
const outcome = fc.constantFrom('delivered' as const, 'refunded' as const);
const open = fc
	.tuple(fc.constantFrom(...USERS), fc.constantFrom(...SCOPES), fc.integer({ min: 1, max: 100 }), fc.constantFrom(1, 1, 2, 3, 4))
	.map(([u, s, p, n]) => new Open(u, s, p, n));
const close = fc.tuple(k, outcome, fc.nat(3)).map(([i, o, d]) => new Close(i, o, d));
// Repeated entries weigh the draw: opens and closes most, the rest now and then.
const commands = [
	open,
	open,
	open,
	close,
	close,
	k.map((i) => new OpenAgain(i)),
	fc.constant(new CloseUnknown()),
	k.map((i) => new Save(i)),
	fc.constant(new Crash()),
	fc.tuple(k, outcome).map(([i, o]) => new EndWhileOpen(i, o)),
].map((arb) => arb.map(checked));

describe('LocalVault and RedisVault', () => {
	it('refuse an amount that is not a positive safe integer the same way, before touching storage', async () => {
		const r = await Real.start();
		try {
			for (const price of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) {
				for (const vault of r.vaults) {
					const job = makeJob(900 + Math.floor(Math.random() * 1e6), 'u0', 'g1', price);
					await expect(
						vault.open({ job, scope: 'g1', periodKey: PERIOD, limits: limitsFor('u0', 'g1'), now: NOW }),
						`${vault.kind} price ${price}`,
					).rejects.toThrow(RangeError);
					expect(await vault.job(job.id)).toBeUndefined();
					expect(await vault.reservation(job.id)).toBeUndefined();
				}
			}
			// A count that is not a positive integer, or a price × count beyond a safe integer, is refused alike.
			for (const [price, count] of [
				[10, 0],
				[10, 1.5],
				[2 ** 40, 2 ** 14],
			] as const) {
				for (const vault of r.vaults) {
					const job = { ...makeJob(700 + Math.floor(Math.random() * 1e6), 'u0', 'g1', price), count };
					await expect(
						vault.open({ job, scope: 'g1', periodKey: PERIOD, limits: limitsFor('u0', 'g1'), now: NOW }),
						`${vault.kind} ${price} × ${count}`,
					).rejects.toThrow(RangeError);
					expect(await vault.reservation(job.id)).toBeUndefined();
				}
			}
			const job = makeJob(1, 'u0', 'g1', 10);
			for (const vault of r.vaults) {
				await expect(
					vault.open({ job, scope: 'g1', periodKey: PERIOD, limits: { user: Number.NaN, guildCap: undefined, global: undefined }, now: NOW }),
				).rejects.toThrow(RangeError);
				expect(await vault.counters('g1', PERIOD, 'u0')).toMatchObject({ account: { spent: 0, reserved: 0, images: 0 }, global: { reserved: 0 } });
			}
			expect(await r.each((v) => v.openJobs())).toEqual([]);
		} finally {
			await r.close();
		}
	});

	it('answer alike, never exceed a limit, and end every reservation once, over random sequences with crashes', async () => {
		await fc.assert(
			fc.asyncProperty(fc.commands(commands, { maxCommands: 30, size: 'max' }), async (cmds) => {
				const real = await Real.start();
				try {
					await fc.asyncModelRun(() => ({ model: { jobs: new Map(), next: 0 }, real }), cmds);
				} finally {
					await real.close();
				}
			}),
			{ numRuns: 100, seed: 17_2025, endOnFailure: true },
		);
	}, 120_000);
});
