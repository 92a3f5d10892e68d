// closeJob on the real SQLite ledger: one atomic end per job (commit when delivered, refund otherwise), and a
// second close, whatever it asks for, moves no money and keeps the first final record.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeJob } from '../../../src/images/close-job.js';
import { keys } from '../../../src/records/budget.js';
import type { Job } from '../../../src/records/job.js';
import { counterValue, openJob, openWorld, PRICE, whoOf, type World } from './harness.js';

let world: World;
let clock: number;
const now = () => clock;
const close = (job: Job, state: 'delivered' | 'refunded', outcome: string) =>
	closeJob({ ledger: world.ledger, metrics: world.metrics, now }, job, state, outcome);

beforeEach(async () => {
	clock = Date.now();
	world = await openWorld({ now });
});
afterEach(async () => {
	await world.close();
});

describe('closeJob', () => {
	it('commits a delivered job: final record, finish time, charge, open marker gone', async () => {
		const job = await openJob(world.ledger);
		clock += 4000;
		await close(job, 'delivered', 'reply:attached');
		expect(await world.ledger.vault.job(job.id)).toMatchObject({ state: 'delivered', outcome: 'reply:attached', finishedAt: clock, updatedAt: clock });
		expect(await world.ledger.vault.reservation(job.id)).toMatchObject({ state: 'committed', endedAt: clock });
		expect(await world.ledger.standing(whoOf(job))).toMatchObject({ spent: PRICE, reserved: 0, images: 1 });
		expect(await world.ledger.vault.openJobs()).toEqual([]);
		expect(await counterValue(world.metrics.jobs, { outcome: 'delivered' })).toBe(1);
	});

	it('refunds any other end, counted by the outcome before the colon', async () => {
		const job = await openJob(world.ledger);
		await close(job, 'refunded', 'abandoned: could not acknowledge the interaction');
		expect(await world.ledger.vault.reservation(job.id)).toMatchObject({ state: 'refunded' });
		expect(await world.ledger.standing(whoOf(job))).toMatchObject({ spent: 0, reserved: 0, images: 0 });
		expect(await counterValue(world.metrics.jobs, { outcome: 'abandoned' })).toBe(1);
		expect(await counterValue(world.metrics.jobs, { outcome: 'delivered' })).toBe(0);
	});

	it('is idempotent: a second close (even the other way) is already-ended and moves no money', async () => {
		const job = await openJob(world.ledger);
		await close(job, 'delivered', 'reply:attached');
		const first = await world.ledger.vault.job(job.id);
		clock += 1000;
		await close(job, 'refunded', 'internal');
		await close(job, 'delivered', 'reply:attached');

		expect(await world.ledger.vault.job(job.id)).toEqual(first);
		expect(await world.ledger.vault.reservation(job.id)).toMatchObject({ state: 'committed' });
		expect(await world.ledger.standing(whoOf(job))).toMatchObject({ spent: PRICE, reserved: 0, images: 1 });
		expect(await world.ledger.vault.day(job.guildId!, new Date(clock).toISOString().slice(0, 10))).toEqual({ spent: PRICE, images: 1 });
		// What the ledger answers for a repeat, and that it does not change the record either.
		expect(await world.ledger.close({ ...job, state: 'refunded', finishedAt: clock })).toBe('already-ended');
		expect(await world.ledger.vault.job(job.id)).toEqual(first);
		// Counted once, as what really happened: the repeats are not outcomes.
		expect(await counterValue(world.metrics.jobs, { outcome: 'delivered' })).toBe(1);
		expect(await counterValue(world.metrics.jobs, { outcome: 'internal' })).toBe(0);
	});

	it('ends a refunded job once too: a later "delivered" does not charge it', async () => {
		const job = await openJob(world.ledger);
		await close(job, 'refunded', 'task_failed');
		await close(job, 'delivered', 'reply:attached');
		expect(await world.ledger.vault.job(job.id)).toMatchObject({ state: 'refunded', outcome: 'task_failed' });
		expect(await world.ledger.standing(whoOf(job))).toMatchObject({ spent: 0, reserved: 0, images: 0 });
	});

	it('still ends a job whose reservation is gone, so it is not resumed forever', async () => {
		const job = await openJob(world.ledger);
		await world.store.write((tx) => tx.delete(keys.reservation(job.id)));
		await close(job, 'refunded', 'internal');
		expect(await world.ledger.vault.job(job.id)).toMatchObject({ state: 'refunded' });
		expect(await world.ledger.vault.openJobs()).toEqual([]);
		expect(world.logs.some((l) => l.msg === 'cannot end reservation: missing or unreadable' && l.reservationId === job.id)).toBe(true);
	});
});
