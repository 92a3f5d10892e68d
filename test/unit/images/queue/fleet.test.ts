// FleetQueue: two "processes" (each its own Store connection, vault, executor and queue) sharing one real
// redis-server; hiapi is the emulator and Discord a recording Delivery. Skipped when redis-server is missing.
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Ledger } from '../../../../src/budget/ledger.js';
import { FleetQueue } from '../../../../src/images/queue/fleet.js';
import { createMetrics } from '../../../../src/metrics.js';
import type { Job } from '../../../../src/records/job.js';
import { Store } from '../../../../src/storage/store.js';
import { createVault } from '../../../../src/vault/create.js';
import { startHiapiEmulator, type HiapiEmulator } from '../../../emulators/hiapi.js';
import { hasRedis, startRedis, type RedisServer } from '../../../support/redis-server.js';
import { captureLogger, executorFor, openJob, PRICE, RecordingDelivery, until, whoOf, type World } from '../harness.js';

let redis: RedisServer | undefined;
let emu: HiapiEmulator;
const delivery = new RecordingDelivery();
const running: Array<{ queue: FleetQueue; close: () => Promise<void> }> = [];

interface Process {
	world: World;
	queue: FleetQueue;
}

/** One bot process of the fleet: its own Redis connection, ledger, executor and queue (not yet resumed). */
async function process_(maxConcurrent = 1): Promise<Process> {
	const { logger, lines } = captureLogger();
	const store = await Store.open(redis?.url ?? '', logger);
	const ledger = new Ledger(store, createVault(store), { period: 'monthly', defaultLimit: 1_000_000, globalLimit: undefined, logger, maxActivePerUser: 2 });
	const world: World = { dir: '', store, ledger, metrics: createMetrics(), logger, logs: lines, close: () => store.close() };
	const made = executorFor(world, emu, delivery);
	const queue = new FleetQueue(made.executor, { client: store.redis!, vault: ledger.vault, maxConcurrent, lockMs: 5000, logger, metrics: world.metrics });
	running.push({
		queue,
		close: async () => {
			await made.close();
			await store.close();
		},
	});
	return { world, queue };
}

const stateOf = async (p: Process, id: string) => ((await p.world.ledger.vault.job(id)) as Job | undefined)?.state;
const submitsOf = (id: string) => emu.submits().filter((r) => r.headers['idempotency-key'] === id);

beforeAll(async () => {
	emu = await startHiapiEmulator();
	if (hasRedis) redis = await startRedis();
});
afterAll(async () => {
	await emu.close();
	await redis?.close();
});
beforeEach(() => {
	emu.reset();
	emu.setDefault({ durationMs: 150 });
	delivery.calls.length = 0;
});
afterEach(async () => {
	for (const p of running.splice(0)) {
		await p.queue.stop(0);
		await p.close();
	}
	if (!redis) return;
	const cleaner = await Store.open(redis.url, pino({ level: 'silent' }));
	await cleaner.redis?.flushAll();
	await cleaner.close();
});

describe.skipIf(!hasRedis)('FleetQueue', () => {
	it('shares one line: a job queued by both processes runs once, and MAX_CONCURRENT_JOBS holds fleet-wide', async () => {
		const [a, b] = [await process_(), await process_()];
		await a.queue.resume();
		await b.queue.resume();
		const jobs = [await openJob(a.world.ledger), await openJob(a.world.ledger), await openJob(a.world.ledger)];
		await a.queue.enqueue(jobs[0]!);
		await b.queue.enqueue(jobs[0]!);
		await b.queue.enqueue(jobs[1]!);
		await a.queue.enqueue(jobs[2]!);
		await until(async () => (await Promise.all(jobs.map((j) => stateOf(a, j.id)))).every((s) => s === 'delivered'), 'every job to be delivered');

		for (const job of jobs) expect(submitsOf(job.id)).toHaveLength(1);
		expect(jobs.map((j) => delivery.of(j.id, 'edit').filter((c) => c.reply.files?.length).length)).toEqual([1, 1, 1]);
		expect(await a.world.ledger.standing(whoOf(jobs[0]!))).toMatchObject({ spent: PRICE, reserved: 0, images: 1 });
		// One at a time across both processes: every job was submitted after the one before it had finished.
		const windows = await Promise.all(
			jobs.map(async (j) => ({ submitted: submitsOf(j.id)[0]!.at, finished: ((await a.world.ledger.vault.job(j.id)) as Job).finishedAt! })),
		);
		windows.sort((x, y) => x.submitted - y.submitted);
		for (let i = 1; i < windows.length; i++) expect(windows[i]!.submitted).toBeGreaterThanOrEqual(windows[i - 1]!.finished);
	});

	it('resume() sweeps open jobs no queue knows about into the line, once', async () => {
		const a = await process_();
		const left = await openJob(a.world.ledger);
		expect(await a.queue.resume()).toBe(1);
		await until(async () => (await stateOf(a, left.id)) === 'delivered', 'the swept job to be delivered');
		const b = await process_();
		expect(await b.queue.resume()).toBe(0);
		expect(submitsOf(left.id)).toHaveLength(1);
	});

	it('stop(grace) aborts what is still running and leaves it open, its money held, for another process', async () => {
		emu.script('forever', { final: 'never' });
		const a = await process_();
		await a.queue.resume();
		const job = await openJob(a.world.ledger, { prompt: 'forever and ever' });
		await a.queue.enqueue(job);
		await until(async () => (await stateOf(a, job.id)) === 'submitted', 'the job to start');
		expect(await a.queue.stop(200)).toEqual({ finished: 0, leftOpen: 1 });
		expect(a.queue.accepting).toBe(false);
		expect(await stateOf(a, job.id)).toBe('submitted');
		expect(await a.world.ledger.vault.openJobs()).toMatchObject([{ id: job.id }]);
		expect(await a.world.ledger.standing(whoOf(job))).toMatchObject({ reserved: PRICE, spent: 0 });
		expect(delivery.contents(job.id).some((t) => t.startsWith('⚠️'))).toBe(false);
	});
});
