// LocalQueue over the real JobExecutor (SQLite ledger, hiapi emulator, recording Delivery): the concurrency
// limit and FIFO order, members' slots, places in line, resume of open jobs, and stop with a grace period.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { JobExecutor } from '../../../../src/images/executor.js';
import { LocalQueue } from '../../../../src/images/queue/local.js';
import { jobKeys, type Job } from '../../../../src/records/job.js';
import { startHiapiEmulator, type HiapiEmulator } from '../../../emulators/hiapi.js';
import { executorFor, newId, openJob, openWorld, PRICE, RecordingDelivery, until, whoOf, type World } from '../harness.js';

let emu: HiapiEmulator;
let world: World;
let delivery: RecordingDelivery;
let executor: JobExecutor;
let closeExecutor: () => Promise<void>;
/** Added to the executor's clock (progress throttling), so a test can move past the 5 s limit at once. */
let skew = 0;

beforeAll(async () => {
	emu = await startHiapiEmulator();
});
afterAll(async () => {
	await emu.close();
});
beforeEach(async () => {
	emu.reset();
	emu.setDefault({ durationMs: 200 });
	skew = 0;
	world = await openWorld();
	delivery = new RecordingDelivery();
	({ executor, close: closeExecutor } = executorFor(world, emu, delivery, { now: () => Date.now() + skew }));
});
afterEach(async () => {
	await closeExecutor();
	await world.close();
});

const queueOf = (o: { maxConcurrent: number; maxPerUser?: number }) =>
	new LocalQueue(executor, { vault: world.ledger.vault, maxPerUser: 2, logger: world.logger, metrics: world.metrics, ...o });
const stateOf = async (id: string) => ((await world.ledger.vault.job(id)) as Job | undefined)?.state;
const ended = (jobs: Job[]) =>
	until(async () => (await Promise.all(jobs.map((j) => stateOf(j.id)))).every((s) => s === 'delivered' || s === 'refunded'), 'every job to end');
const submittedAt = (id: string) => emu.submits().find((r) => r.headers['idempotency-key'] === id)?.at;
const waitingTexts = (id: string) => delivery.contents(id).filter((c) => c.includes('in line'));

/** Claims the member's slot and queues the job, as start.ts does. */
async function start(queue: LocalQueue, job: Job): Promise<void> {
	const release = queue.claim(job.userId);
	expect(release).toBeDefined();
	await queue.enqueue(job, release!);
}

describe('LocalQueue', () => {
	it('runs at most maxConcurrent jobs, first come first served, and shows the others their place', async () => {
		const queue = queueOf({ maxConcurrent: 2 });
		const jobs: Job[] = [];
		for (let i = 0; i < 4; i++) jobs.push(await openJob(world.ledger));
		for (const job of jobs) await start(queue, job);
		expect(queue.stats()).toEqual({ running: 2, queued: 2 });
		await until(() => waitingTexts(jobs[3]!.id).length > 0, 'the last job to be told its place');
		expect(waitingTexts(jobs[2]!.id)[0]).toContain('#1 in line');
		expect(waitingTexts(jobs[3]!.id)[0]).toContain('#2 in line');
		expect(waitingTexts(jobs[0]!.id)).toEqual([]);

		await ended(jobs);
		// Each job submitted once (two running at once may reach hiapi in either order; the order check is below).
		expect(
			emu
				.submits()
				.map((r) => r.headers['idempotency-key'])
				.sort(),
		).toEqual(jobs.map((j) => j.id).sort());
		const finishedAt = await Promise.all(jobs.map(async (j) => ((await world.ledger.vault.job(j.id)) as Job).finishedAt!));
		// The n-th job (n > 2) was submitted only after n - 2 jobs had finished.
		jobs.forEach((job, i) => expect(finishedAt.filter((f) => f <= submittedAt(job.id)!).length).toBeGreaterThanOrEqual(i - 1));
		// A job's end is visible in the store a moment before its write is reported done (the fsync runs off the main thread).
		await until(() => queue.stats().running === 0, 'the last runner to let go');
		expect(queue.stats()).toEqual({ running: 0, queued: 0 });
		expect(await world.ledger.standing(whoOf(jobs[0]!))).toMatchObject({ spent: PRICE, reserved: 0 });
	});

	it('holds each member to maxPerUser slots; a release counts once and a finished job frees its slot', async () => {
		const queue = queueOf({ maxConcurrent: 1, maxPerUser: 2 });
		const job = await openJob(world.ledger);
		const other = newId('2');
		const first = queue.claim(job.userId)!;
		const second = queue.claim(job.userId);
		expect(second).toBeDefined();
		expect(queue.claim(job.userId)).toBeUndefined();
		expect(queue.claim(other)).toBeDefined();

		await queue.enqueue(job, first);
		await ended([job]);
		await until(() => queue.stats().running === 0, 'the runner to let go');
		const third = queue.claim(job.userId);
		expect(third).toBeDefined();
		expect(queue.claim(job.userId)).toBeUndefined();
		second!();
		second!();
		expect(queue.claim(job.userId)).toBeDefined();
		expect(queue.claim(job.userId)).toBeUndefined();
	});

	it('moves places up as jobs finish; stop(grace) refuses new work and leaves what did not finish open', async () => {
		emu.script('forever', { final: 'never' });
		const queue = queueOf({ maxConcurrent: 1 });
		const a = await openJob(world.ledger);
		const b = await openJob(world.ledger, { prompt: 'forever and ever' });
		const c = await openJob(world.ledger);
		for (const job of [a, b, c]) await start(queue, job);
		await until(() => waitingTexts(c.id).length > 0, 'c to be told its place');
		expect(waitingTexts(b.id)[0]).toContain('#1 in line');
		expect(waitingTexts(c.id)[0]).toContain('#2 in line');

		await ended([a]);
		await until(async () => (await stateOf(b.id)) === 'submitted', 'b to start');
		skew = 6000; // past the 5 s between two edits: c's new place shows on the next flush
		await until(() => waitingTexts(c.id).some((t) => t.includes('#1 in line')), 'c to move up');

		const stopping = queue.stop(300);
		expect(queue.accepting).toBe(false);
		expect(await stopping).toEqual({ finished: 0, leftOpen: 2 });
		expect(await stateOf(b.id)).toBe('submitted');
		expect(await stateOf(c.id)).toBe('reserved');
		expect((await world.ledger.vault.openJobs()).map((j) => j.id).sort()).toEqual([b.id, c.id].sort());
		expect(await world.ledger.vault.reservation(b.id)).toMatchObject({ state: 'held' });
		// An interrupted job says nothing final: it resumes on the next start.
		expect(delivery.contents(b.id).some((t) => t.startsWith('⚠️'))).toBe(false);
		expect(emu.submits().map((r) => r.headers['idempotency-key'])).toEqual([a.id, b.id]);
	});

	it('stop(grace) lets a running job finish within the grace', async () => {
		const queue = queueOf({ maxConcurrent: 1 });
		const job = await openJob(world.ledger);
		await start(queue, job);
		expect(await queue.stop(10_000)).toEqual({ finished: 1, leftOpen: 0 });
		expect(await stateOf(job.id)).toBe('delivered');
	});

	it('resume() picks up open jobs once each, over the member limit if need be, and refunds an unreadable one', async () => {
		const userId = newId('2');
		const left = [await openJob(world.ledger, { userId }), await openJob(world.ledger, { userId })];
		const lost = await openJob(world.ledger, { userId });
		await world.store.write((tx) => tx.delete(jobKeys.job(lost.id)));
		const queue = queueOf({ maxConcurrent: 1, maxPerUser: 1 });

		expect(await queue.resume()).toBe(2);
		expect(await queue.resume()).toBe(0);
		expect(queue.claim(userId)).toBeUndefined();
		await ended(left);
		expect(emu.submits().map((r) => r.headers['idempotency-key'])).toEqual(left.map((j) => j.id));
		expect(await queue.resume()).toBe(0);
		expect(await world.ledger.vault.openJobs()).toEqual([]);
		expect(await world.ledger.standing({ guildId: lost.guildId, userId })).toMatchObject({ spent: 2 * PRICE, reserved: 0, images: 2 });
		expect(world.logs.filter((l) => l.msg === 'resuming job').map((l) => l.jobId)).toEqual(left.map((j) => j.id));
	});
});
