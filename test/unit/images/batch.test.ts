// Batches (`/imagine count:`) on real parts: the SQLite ledger, HiapiClient and TaskWatch against the hiapi
// emulator; only Discord is a recording Delivery. Each test checks the money and the stored job as well as the card.
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { imagesThatFit, splitByTotal } from '../../../src/images/batch.js';
import type { JobExecutor } from '../../../src/images/executor.js';
import { batchTexts, BATCH_TEXT } from '../../../src/messages/batch-texts.js';
import { failureMessage } from '../../../src/messages/texts.js';
import type { Job } from '../../../src/records/job.js';
import { formatUsd } from '../../../src/util/money.js';
import { startHiapiEmulator, type HiapiEmulator } from '../../emulators/hiapi.js';
import { makePng } from '../../emulators/png.js';
import { readCard, replyText } from '../../support/card.js';
import { executorFor, GUILD, MOD, openJob, openWorld, PRICE, RecordingDelivery, until, whoOf, type World } from './harness.js';

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
const finalCard = (id: string) => {
	const edit = delivery.of(id, 'edit').at(-1);
	if (!edit || !('card' in edit.reply)) throw new Error('no card');
	return { reply: edit.reply, card: readCard({ components: [edit.reply.card] }) };
};

describe('a batch of 4', () => {
	it('holds 4 × price at once, submits 4 tasks with distinct keys, delivers one card with 4 images and charges 4 × price', async () => {
		const job = await openJob(world.ledger, { count: 4, style: { name: 'Watercolor', template: 'a watercolor of {prompt}' } });
		expect(await world.ledger.standing(whoOf(job))).toMatchObject({ reserved: 4 * PRICE });
		await run(job);

		const keys = emu.submits().map((r) => r.headers['idempotency-key']);
		expect(keys.sort()).toEqual([0, 1, 2, 3].map((i) => `${job.id}-${i}`));
		expect(emu.submits().every((r) => (r.json as { input: { prompt: string } }).input.prompt === 'a watercolor of a red fox in the snow')).toBe(true);
		expect(delivery.of(job.id, 'edit').filter((c) => 'card' in c.reply)).toHaveLength(1);
		const { reply, card } = finalCard(job.id);
		expect(card.media).toEqual([1, 2, 3, 4].map((i) => `attachment://imagine-${job.id}-${i}.png`));
		expect(reply.files?.map((f) => f.name)).toEqual([1, 2, 3, 4].map((i) => `imagine-${job.id}-${i}.png`));
		expect(card.facts).toMatchObject({ Cost: formatUsd(4 * PRICE), Style: 'Watercolor', 'Budget left': formatUsd(1_000_000 - 4 * PRICE) });
		expect(card.text).not.toMatch(/failed/);

		expect(await world.ledger.standing(whoOf(job))).toMatchObject({ spent: 4 * PRICE, reserved: 0, images: 4 });
		expect(await world.ledger.vault.reservation(job.id)).toMatchObject({ state: 'committed', amount: 4 * PRICE, images: 4 });
		const saved = await stored(job.id);
		expect(saved).toMatchObject({ state: 'delivered' });
		expect(saved?.images?.map((i) => i.state)).toEqual(['delivered', 'delivered', 'delivered', 'delivered']);
		expect(new Set(saved?.images?.map((i) => i.taskId)).size).toBe(4);
	});

	it('tells the requester privately when the batch leaves them under 20 % of their limit, as a single image does', async () => {
		const job = await openJob(world.ledger, { count: 4 });
		await world.ledger.setUserLimit(GUILD, MOD, job.userId, 4 * PRICE + 10_000);
		await run(job);
		const notes = delivery.of(job.id, 'followUp');
		expect(notes).toHaveLength(1);
		expect(notes[0]).toMatchObject({ ephemeral: true });
		expect(replyText(notes[0]!.reply)).toContain(`${formatUsd(10_000)} of your ${formatUsd(4 * PRICE + 10_000)}`);
	});

	it('one task failing: 3 images on the card, which says 1 failed and why; only 3 charged, the 4th released', async () => {
		const job = await openJob(world.ledger, { count: 4 });
		emu.scriptKey(`${job.id}-2`, { durationMs: 60, final: 'failed' });
		await run(job);

		const { card } = finalCard(job.id);
		expect(card.media).toHaveLength(3);
		expect(card.text).toContain("3 of 4 images made; 1 failed: the image service couldn't generate it. You were not charged for it.");
		expect(card.facts).toMatchObject({ Cost: formatUsd(3 * PRICE) });
		expect(await world.ledger.standing(whoOf(job))).toMatchObject({ spent: 3 * PRICE, reserved: 0, images: 3 });
		expect(await world.ledger.vault.reservation(job.id)).toMatchObject({ state: 'committed', amount: 3 * PRICE, images: 3 });
		expect((await stored(job.id))?.images?.map((i) => i.state)).toEqual(['delivered', 'delivered', 'failed', 'delivered']);
	});

	it('every task failing: the usual failure text, everything refunded', async () => {
		emu.setDefault({ durationMs: 60, final: 'failed' });
		const job = await openJob(world.ledger, { count: 3 });
		await run(job);
		expect(delivery.contents(job.id).at(-1)).toMatch(/^⚠️ .*You were not charged\.$/);
		expect(await world.ledger.standing(whoOf(job))).toMatchObject({ spent: 0, reserved: 0, images: 0 });
		expect(await world.ledger.vault.reservation(job.id)).toMatchObject({ state: 'refunded' });
	});

	it('every submit refused: the refusal is told as it is (not as an internal error), everything refunded', async () => {
		emu.setDefault({ submitError: { status: 400 } });
		const job = await openJob(world.ledger, { count: 2 });
		await run(job);
		expect(delivery.contents(job.id).at(-1)).toBe(failureMessage('invalid_input', job.id));
		expect(await world.ledger.standing(whoOf(job))).toMatchObject({ spent: 0, reserved: 0 });
	});

	it('attaches only what fits the upload limit together and links the rest; all are charged', async () => {
		// Every task serves the same image, so the limit below fits exactly two (generated images differ in size by task).
		const bytes = makePng(64, 64, 7);
		emu.setDefault({ durationMs: 60, image: { bytes } });
		const size = bytes.length;
		const job = await openJob(world.ledger, { count: 4, attachmentSizeLimit: 2 * size + 10 });
		await run(job);
		const { reply, card } = finalCard(job.id);
		expect(reply.files).toHaveLength(2);
		expect(card.text).toContain('2 images are larger than Discord allows here, so here are links');
		expect((card.text.match(/http:\/\/127\.0\.0\.1/g) ?? []).length).toBe(2);
		expect(await world.ledger.vault.reservation(job.id)).toMatchObject({ state: 'committed', amount: 4 * PRICE });
	});

	it('interrupted after submitting: stays open with its money held; resumed, it waits on the same 4 tasks and is charged once', async () => {
		emu.setDefault({ durationMs: 700 });
		const job = await openJob(world.ledger, { count: 4 });
		const abort = new AbortController();
		const running = run(job, abort.signal);
		await until(async () => (await stored(job.id))?.state === 'submitted', 'the batch to be submitted');
		abort.abort();
		await running;
		expect(delivery.of(job.id).filter((c) => 'card' in c.reply)).toEqual([]);
		expect(await world.ledger.standing(whoOf(job))).toMatchObject({ spent: 0, reserved: 4 * PRICE });

		const again = await executor.runnable(job.id);
		expect(again?.images?.every((i) => i.state === 'submitted' && i.taskId)).toBe(true);
		await run(again!);
		expect(emu.tasks()).toHaveLength(4);
		expect(finalCard(job.id).card.media).toHaveLength(4);
		expect(await world.ledger.standing(whoOf(job))).toMatchObject({ spent: 4 * PRICE, reserved: 0, images: 4 });
		// Run again (another process picking it up): nothing more happens.
		expect(await executor.runnable(job.id)).toBeUndefined();
		expect(await world.ledger.standing(whoOf(job))).toMatchObject({ spent: 4 * PRICE, images: 4 });
	});

	it('interrupted mid-submit (before the tasks were stored): resubmitting repeats the same keys, so hiapi makes no new task', async () => {
		emu.setDefault({ durationMs: 60 });
		const job = await openJob(world.ledger, { count: 3 });
		// What a SIGKILL between hiapi's answers and the save leaves: tasks at hiapi, the job still 'reserved'.
		const { hiapi } = executorFor(world, emu, delivery);
		for (const i of [0, 1, 2])
			await hiapi.submit({ prompt: job.prompt, aspectRatio: '1:1' }, { idempotencyKey: `${job.id}-${i}`, deadline: Date.now() + 5000 });
		await hiapi.close();
		await run((await executor.runnable(job.id))!);
		expect(emu.tasks()).toHaveLength(3);
		expect(await world.ledger.standing(whoOf(job))).toMatchObject({ spent: 3 * PRICE, reserved: 0, images: 3 });
	});
});

describe('batch helpers', () => {
	it('imagesThatFit: never more than every limit leaves, never the whole batch, as many as fit', () => {
		const opt = fc.option(fc.nat(10_000_000), { nil: undefined });
		fc.assert(
			fc.property(fc.nat(10_000_000), opt, opt, fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 1, max: 4 }), (user, guild, global, price, count) => {
				const s = {
					remaining: user,
					corrupt: false,
					guild: guild === undefined ? undefined : { remaining: guild },
					global: global === undefined ? undefined : { remaining: global },
				} as Parameters<typeof imagesThatFit>[0];
				const left = Math.min(user, guild ?? Infinity, global ?? Infinity);
				const fits = imagesThatFit(s, price, count);
				expect(fits).toBeGreaterThanOrEqual(0);
				expect(fits).toBeLessThanOrEqual(Math.max(0, count - 1));
				expect(fits * price).toBeLessThanOrEqual(left);
				if (fits < count - 1) expect((fits + 1) * price).toBeGreaterThan(left);
			}),
		);
		expect(imagesThatFit({ remaining: 10 * PRICE, corrupt: true, guild: undefined, global: undefined }, PRICE, 4)).toBe(0);
	});

	it('splitByTotal keeps the order and the total within the limit', () => {
		fc.assert(
			fc.property(fc.array(fc.option(fc.nat(100), { nil: undefined }), { maxLength: 4 }), fc.nat(300), (sizes, limit) => {
				const made = sizes.map((n, i) => ({ i, image: n === undefined ? undefined : { bytes: Buffer.alloc(n) } }));
				const { attached, linked } = splitByTotal(made, limit);
				expect(attached.reduce((t, m) => t + (m.image?.bytes.length ?? 0), 0)).toBeLessThanOrEqual(limit);
				expect([...attached, ...linked].map((m) => m.i).sort()).toEqual(made.map((m) => m.i));
				expect(attached.every((m) => m.image)).toBe(true);
			}),
		);
	});

	it('progress says how many are ready', () => {
		expect(BATCH_TEXT.progress('running', 12_300, 4, 2)).toBe('🎨 Generating your 4 images… 2 of 4 ready (12 s)');
		expect(replyText({ content: BATCH_TEXT.progress('waiting', 0, 4, 0, 3) })).toContain('#3 in line');
	});

	it("progress, the failed note and the refusal are worded in the reader's locale", () => {
		expect(batchTexts('de').progress('running', 12_300, 4, 2)).toBe('🎨 Deine 4 Bilder werden erstellt … 2 von 4 fertig (12 s)');
		expect(batchTexts('fr').progress('queued', 5_000, 4, 1)).toBe('🎨 Création de vos 4 images… prêtes : 1 sur 4 (5 s)');
		expect(batchTexts('fr').progress('queued', 5_000, 4, 2)).toContain('prêtes : 2 sur 4');
		expect(batchTexts('ja').progress('running', 1_000, 3, 2)).toContain('3 枚中 2 枚完成');
		const fr = batchTexts('fr');
		expect(fr.failedNote(3, 4, [fr.failReason('timeout', false)])).toBe(
			'⚠️ 3 images sur 4 créées ; 1 a échoué : elle a pris trop de temps. Rien ne vous a été facturé pour celle-ci.',
		);
		expect(fr.failedNote(2, 4, [fr.failReason('timeout', false), fr.failReason('timeout', false)])).toContain('2 ont échoué');
		expect(BATCH_TEXT.failedNote(3, 4, [BATCH_TEXT.failReason('task_failed', true)])).toBe(
			"⚠️ 3 of 4 images made; 1 failed: the image service's content filter rejected it. You were not charged for it.",
		);
		expect(BATCH_TEXT.refusal(2, 4, PRICE)).toContain(`budget for 2 of the 4 images right now (${formatUsd(PRICE)} each)`);
		expect(BATCH_TEXT.refusal(1, 4, PRICE)).toContain('Ask for 1 image or fewer');
		expect(batchTexts('de').refusal(2, 4, 40_000)).toContain(`für 2 der 4 Bilder (${formatUsd(40_000, 'de')} pro Bild)`);
		expect(
			batchTexts('ru').linksNote([
				{ url: 'https://x', expiresAt: undefined },
				{ url: 'https://y', expiresAt: undefined },
			]),
		).toMatch(/^2 изображения больше/);
	});
});
