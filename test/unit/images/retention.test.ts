// Retention on the real LocalVault: only finished jobs older than JOB_RETENTION_DAYS go (in batches), open jobs
// and the money history stay, and a failing vault is logged, never thrown.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Retention } from '../../../src/images/retention.js';
import type { Job } from '../../../src/records/job.js';
import { DAY_MS } from '../../../src/util/period.js';
import { captureLogger, openJob, openWorld, until, type World } from './harness.js';

const DAYS = 30;
let world: World;
let clock: number;
const now = () => clock;

beforeEach(async () => {
	clock = Date.now();
	world = await openWorld({ now });
});
afterEach(async () => {
	await world.close();
});

/** A job opened now and finished `ago` ms before now (the ledger takes the finish time from the record). */
async function finishedAgo(ago: number): Promise<Job> {
	const job = await openJob(world.ledger);
	const at = clock - ago;
	expect(await world.ledger.close({ ...job, state: 'delivered', outcome: 'reply:attached', updatedAt: at, finishedAt: at })).toBe('committed');
	return job;
}

describe('Retention', () => {
	it('prunes finished jobs older than the cutoff only; open jobs and reservations stay', async () => {
		const old = await finishedAgo((DAYS + 1) * DAY_MS);
		const atCutoff = await finishedAgo(DAYS * DAY_MS);
		const recent = await finishedAgo((DAYS - 1) * DAY_MS);
		const open = await openJob(world.ledger, { createdAt: clock - 90 * DAY_MS, updatedAt: clock - 90 * DAY_MS });
		const retention = new Retention(world.ledger.vault, DAYS, world.logger, now);

		expect(await retention.prune()).toBe(1);
		expect(await world.ledger.vault.job(old.id)).toBeUndefined();
		expect(await world.ledger.vault.job(atCutoff.id)).toMatchObject({ state: 'delivered' });
		expect(await world.ledger.vault.job(recent.id)).toMatchObject({ state: 'delivered' });
		expect(await world.ledger.vault.job(open.id)).toMatchObject({ state: 'reserved' });
		expect(await world.ledger.vault.openJobs()).toMatchObject([{ id: open.id }]);
		// The charge itself is history (exports, reports): pruning a job never touches it.
		expect(await world.ledger.vault.reservation(old.id)).toMatchObject({ state: 'committed' });
		expect(world.logs.filter((l) => l.msg === 'pruned old job records')).toMatchObject([{ pruned: 1, retentionDays: DAYS }]);

		expect(await retention.prune()).toBe(0);
		expect(world.logs.filter((l) => l.msg === 'pruned old job records')).toHaveLength(1);
		clock += 1; // a millisecond later, the one that finished exactly at the cutoff is past it
		expect(await retention.prune()).toBe(1);
		expect(await world.ledger.vault.job(atCutoff.id)).toBeUndefined();
		expect(await world.ledger.vault.job(open.id)).toMatchObject({ state: 'reserved' });
	});

	it('goes through more than one batch', async () => {
		const jobs = await Promise.all(Array.from({ length: 230 }, (_, i) => finishedAgo((DAYS + 1) * DAY_MS + i)));
		const keep = await finishedAgo(DAY_MS);
		expect(await new Retention(world.ledger.vault, DAYS, world.logger, now).prune()).toBe(jobs.length);
		expect(await world.ledger.vault.job(jobs[0]!.id)).toBeUndefined();
		expect(await world.ledger.vault.job(jobs.at(-1)!.id)).toBeUndefined();
		expect(await world.ledger.vault.job(keep.id)).toMatchObject({ state: 'delivered' });
	});

	it('start() prunes at once, and stop() ends the hourly timer', async () => {
		const old = await finishedAgo((DAYS + 5) * DAY_MS);
		const retention = new Retention(world.ledger.vault, DAYS, world.logger, now);
		retention.start();
		retention.start(); // a second start keeps one timer
		await until(async () => (await world.ledger.vault.job(old.id)) === undefined, 'the old job to be pruned');
		retention.stop();
	});

	it('logs a failing vault and carries on: prune() gives 0, start() does not throw', async () => {
		const { logger, lines } = captureLogger();
		let fail = true;
		const vault = { prune: (cutoff: number) => (fail ? Promise.reject(new Error('SQLITE_IOERR: disk I/O error')) : Promise.resolve(cutoff > 0 ? 3 : 0)) };
		const retention = new Retention(vault, DAYS, logger, now);
		expect(await retention.prune()).toBe(0);
		retention.start();
		await until(() => lines.filter((l) => l.msg === 'pruning old jobs failed').length === 2, 'the second failure to be logged');
		retention.stop();
		expect(lines.find((l) => l.msg === 'pruning old jobs failed')).toMatchObject({ level: 50, err: { message: 'SQLITE_IOERR: disk I/O error' } });
		fail = false;
		expect(await retention.prune()).toBe(3);
	});
});
