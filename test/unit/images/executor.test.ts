// JobExecutor on real parts: the SQLite ledger, the HiapiClient and TaskWatch against the hiapi emulator; only
// Discord is a recording Delivery. Each test checks the money and the stored job as well as what was said.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { JobExecutor } from '../../../src/images/executor.js';
import { failureMessage } from '../../../src/messages/texts.js';
import { jobKeys, type Job } from '../../../src/records/job.js';
import { formatUsd } from '../../../src/util/money.js';
import { startHiapiEmulator, type HiapiEmulator } from '../../emulators/hiapi.js';
import { readCard, replyText } from '../../support/card.js';
import { counterValue, executorFor, GUILD, MOD, openJob, openWorld, PRICE, RecordingDelivery, until, whoOf, type World } from './harness.js';

let emu: HiapiEmulator;
let world: World;
let delivery: RecordingDelivery;
let executor: JobExecutor;
let closeExecutor: () => Promise<void>;

beforeAll(async () => {
	emu = await startHiapiEmulator();
});
afterAll(async () => {
	await emu.close();
});
beforeEach(async () => {
	emu.reset();
	emu.setDefault({ durationMs: 60 });
	world = await openWorld();
	delivery = new RecordingDelivery();
	({ executor, close: closeExecutor } = executorFor(world, emu, delivery));
});
afterEach(async () => {
	await closeExecutor();
	await world.close();
});

const run = (job: Job, signal = new AbortController().signal) => executor.run(job, signal);
const stored = (id: string) => world.ledger.vault.job(id) as Promise<Job | undefined>;
const lastEdit = (id: string) => delivery.of(id, 'edit').at(-1);

describe('a job that goes well', () => {
	it('submits once with the job id as Idempotency-Key, attaches the image, commits once and shows the budget left', async () => {
		const job = await openJob(world.ledger);
		await run(job);

		const submits = emu.submits();
		expect(submits).toHaveLength(1);
		expect(submits[0]?.headers['idempotency-key']).toBe(job.id);
		expect(submits[0]?.json).toMatchObject({ input: { prompt: job.prompt, aspect_ratio: '1:1' } });
		const task = emu.tasks()[0]!;

		const final = lastEdit(job.id)!;
		expect(final.reply.files?.[0]).toMatchObject({ name: `imagine-${job.id}.png`, contentType: 'image/png' });
		expect(final.reply.files?.[0]?.data.equals(emu.cdnBytes(task.taskId))).toBe(true);
		expect('card' in final.reply).toBe(true);
		const card = readCard({ components: 'card' in final.reply ? [final.reply.card] : [] });
		expect(card.media).toEqual([`attachment://imagine-${job.id}.png`]);
		expect(card.facts).toMatchObject({ 'Budget left': formatUsd(1_000_000 - PRICE), 'Requested by': `<@${job.userId}>` });

		expect(await stored(job.id)).toMatchObject({ state: 'delivered', taskId: task.taskId, outcome: 'reply:attached' });
		expect(await world.ledger.vault.reservation(job.id)).toMatchObject({ state: 'committed', taskId: task.taskId });
		expect(await world.ledger.standing(whoOf(job))).toMatchObject({ spent: PRICE, reserved: 0, images: 1 });
		expect(await world.ledger.vault.openJobs()).toEqual([]);
		expect(await counterValue(world.metrics.jobs, { outcome: 'delivered' })).toBe(1);
		// Plenty left: no low-budget note.
		expect(delivery.of(job.id, 'followUp')).toEqual([]);
	});

	it('tells the requester privately when the image leaves them under 20 % of their limit', async () => {
		const job = await openJob(world.ledger);
		await world.ledger.setUserLimit(GUILD, MOD, job.userId, 60_000);
		await run(job);
		const notes = delivery.of(job.id, 'followUp');
		expect(notes).toHaveLength(1);
		expect(notes[0]).toMatchObject({ ephemeral: true });
		expect(replyText(notes[0]!.reply)).toContain(`${formatUsd(10_000)} of your ${formatUsd(60_000)}`);
		expect(await world.ledger.standing(whoOf(job))).toMatchObject({ spent: PRICE, remaining: 10_000 });

		// Exactly 20 % left is not "under 20 %".
		const edge = await openJob(world.ledger);
		await world.ledger.setUserLimit(GUILD, MOD, edge.userId, 62_500);
		await run(edge);
		expect(await world.ledger.standing(whoOf(edge))).toMatchObject({ remaining: 12_500 });
		expect(delivery.of(edge.id, 'followUp')).toEqual([]);
	});

	it('delivers a link, still charged, when the image is larger than the attachment limit', async () => {
		const job = await openJob(world.ledger, { attachmentSizeLimit: 100 });
		await run(job);
		const task = emu.tasks()[0]!;
		const final = lastEdit(job.id)!;
		expect(final.reply.files).toBeUndefined();
		// The same card without a gallery: the link sits in its text.
		expect('card' in final.reply).toBe(true);
		expect(readCard({ components: 'card' in final.reply ? [final.reply.card] : [] }).media).toEqual([]);
		expect(replyText(final.reply)).toMatch(/larger than Discord allows.*expires <t:\d+:R>/s);
		expect(replyText(final.reply)).toContain(`/cdn/${task.taskId}.png`);
		expect(await stored(job.id)).toMatchObject({ state: 'delivered', outcome: 'reply:linked' });
		expect(await world.ledger.standing(whoOf(job))).toMatchObject({ spent: PRICE, reserved: 0 });
	});
});

describe('a job that fails', () => {
	it('refunds a failed task and says it could not be generated', async () => {
		emu.script('doomed', { durationMs: 60, final: 'failed', failError: { code: 'GENERATION_ERROR', message: 'internal model error' } });
		const job = await openJob(world.ledger, { prompt: 'a doomed castle' });
		await run(job);
		expect(replyText(lastEdit(job.id)!.reply)).toBe(failureMessage('task_failed', job.id, { contentFilter: false }));
		expect(replyText(lastEdit(job.id)!.reply)).not.toMatch(/content filter/);
		expect(await stored(job.id)).toMatchObject({ state: 'refunded', outcome: 'task_failed' });
		expect(await world.ledger.vault.reservation(job.id)).toMatchObject({ state: 'refunded' });
		expect(await world.ledger.standing(whoOf(job))).toMatchObject({ spent: 0, reserved: 0, images: 0 });
		expect(await counterValue(world.metrics.jobs, { outcome: 'task_failed' })).toBe(1);
	});

	it('names the content filter when hiapi says the prompt was filtered', async () => {
		emu.script('filtered', { durationMs: 60, final: 'fail', failError: { code: 'CONTENT_POLICY', message: 'NSFW content detected' } });
		const job = await openJob(world.ledger, { prompt: 'a filtered scene' });
		await run(job);
		expect(replyText(lastEdit(job.id)!.reply)).toBe(failureMessage('task_failed', job.id, { contentFilter: true }));
		expect(replyText(lastEdit(job.id)!.reply)).toMatch(/content filter/);
		expect(await world.ledger.standing(whoOf(job))).toMatchObject({ spent: 0, reserved: 0 });
	});

	it('refunds an image that could not be delivered anywhere, and says nothing more', async () => {
		delivery.fail('edit', Object.assign(new Error('Invalid Webhook Token'), { status: 401, code: 50027 }), Infinity);
		const job = await openJob(world.ledger, { canPostInChannel: false });
		await run(job);
		expect(emu.submits()).toHaveLength(1);
		expect(delivery.of(job.id, 'post')).toEqual([]);
		// One attempt for the image; no failure text is tried after 'undeliverable'.
		expect(delivery.of(job.id, 'edit')).toHaveLength(1);
		expect(await stored(job.id)).toMatchObject({ state: 'refunded', outcome: 'undeliverable' });
		expect(await world.ledger.standing(whoOf(job))).toMatchObject({ spent: 0, reserved: 0 });
	});
});

describe('interrupted and resumed jobs', () => {
	it('leaves an aborted job open and its money held; resumed, it waits on the same task and is charged once', async () => {
		emu.script('slow', { durationMs: 700 });
		const job = await openJob(world.ledger, { prompt: 'a slow sunrise' });
		const abort = new AbortController();
		const running = run(job, abort.signal);
		await until(async () => (await stored(job.id))?.state === 'submitted', 'the job to be submitted');
		abort.abort();
		await running;

		expect(delivery.calls).toEqual([]);
		expect(await stored(job.id)).toMatchObject({ state: 'submitted' });
		expect(await world.ledger.vault.openJobs()).toMatchObject([{ id: job.id }]);
		expect(await world.ledger.vault.reservation(job.id)).toMatchObject({ state: 'held' });
		expect(await world.ledger.standing(whoOf(job))).toMatchObject({ spent: 0, reserved: PRICE });

		const again = await executor.runnable(job.id);
		expect(again).toMatchObject({ state: 'submitted', taskId: emu.tasks()[0]?.taskId });
		await run(again!);
		expect(emu.submits()).toHaveLength(1);
		expect(await stored(job.id)).toMatchObject({ state: 'delivered' });
		expect(await world.ledger.standing(whoOf(job))).toMatchObject({ spent: PRICE, reserved: 0, images: 1 });
	});

	it('runnable() gives an open job back as stored', async () => {
		const job = await openJob(world.ledger);
		expect(await executor.runnable(job.id)).toEqual(job);
		expect(await world.ledger.vault.reservation(job.id)).toMatchObject({ state: 'held' });
	});

	it('runnable() refuses a finished job and moves no money again', async () => {
		const job = await openJob(world.ledger);
		await run(job);
		expect(await executor.runnable(job.id)).toBeUndefined();
		expect(await world.ledger.standing(whoOf(job))).toMatchObject({ spent: PRICE, reserved: 0, images: 1 });
		expect(emu.submits()).toHaveLength(1);
	});

	it('runnable() refunds from the reservation when the job record is missing or unreadable', async () => {
		const gone = await openJob(world.ledger);
		const garbled = await openJob(world.ledger, { userId: gone.userId });
		await world.store.write(async (tx) => {
			await tx.delete(jobKeys.job(gone.id));
			await tx.set(jobKeys.job(garbled.id), { v: 99, id: garbled.id });
		});
		expect(await world.ledger.standing(whoOf(gone))).toMatchObject({ reserved: 2 * PRICE });

		expect(await executor.runnable(gone.id)).toBeUndefined();
		expect(await executor.runnable(garbled.id)).toBeUndefined();
		expect(await world.ledger.standing(whoOf(gone))).toMatchObject({ spent: 0, reserved: 0 });
		expect(await world.ledger.vault.reservation(gone.id)).toMatchObject({ state: 'refunded' });
		expect(await stored(gone.id)).toMatchObject({ state: 'refunded', outcome: 'unreadable job record', userId: gone.userId });
		expect(await world.ledger.vault.openJobs()).toEqual([]);
		expect(world.logs.filter((l) => l.msg.startsWith('open job record missing or unreadable')).map((l) => l.corrupt)).toEqual([false, true]);
		expect(emu.submits()).toEqual([]);
	});
});
