// A delivered image is committed, never refunded: the executor and the local queue's sweep against the hiapi
// emulator and a real LocalVault on a SQLite file, whose close (and save) fail as a store under strain does:
// a busy SQLite file past its wait, or a Redis reply lost after the script ran. Discord is a recording Delivery.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { Ledger } from '../../../src/budget/ledger.js';
import { HiapiClient } from '../../../src/hiapi/index.js';
import type { Delivery } from '../../../src/images/delivery.js';
import { JobExecutor } from '../../../src/images/executor.js';
import { LocalQueue } from '../../../src/images/queue/local.js';
import type { Reply } from '../../../src/messages/reply.js';
import { replyText } from '../../support/card.js';
import { createMetrics } from '../../../src/metrics.js';
import type { Job } from '../../../src/records/job.js';
import { Store } from '../../../src/storage/store.js';
import { DurationHistory } from '../../../src/tasks/durations.js';
import { TaskWaiters } from '../../../src/tasks/waiters.js';
import { TaskWatch } from '../../../src/tasks/watch.js';
import { LocalVault } from '../../../src/vault/local.js';
import type { CloseRequest, CloseResult, Vault } from '../../../src/vault/vault.js';
import { startHiapiEmulator, type HiapiEmulator } from '../../emulators/hiapi.js';

const logger = pino({ level: 'silent' });
const PRICE = 40_000;

let emu: HiapiEmulator;
let dir: string;
let store: Store;
let seq = 0;

beforeAll(async () => {
	emu = await startHiapiEmulator();
});
afterAll(async () => {
	await emu.close();
});
beforeEach(async () => {
	emu.reset();
	emu.setDefault({ durationMs: 30 });
	dir = mkdtempSync(join(tmpdir(), 'executor-'));
	store = await Store.open(`sqlite://${join(dir, 'bot.sqlite')}`, logger);
});
afterEach(async () => {
	await store.close();
	rmSync(dir, { recursive: true, force: true });
});

interface Faults {
	/** The first this many closes fail. */
	closeFailures: number;
	/** A failing close ran on the store first, and only its reply was lost (Redis). */
	lostReply?: boolean;
	/** Saves of a job marked delivered fail too (the store is down for every write). */
	savePendingFails?: boolean;
}

/** The real LocalVault, with a close that fails the first N times (a thin double: everything else is the vault's). */
function flakyVault(real: LocalVault, faults: Faults) {
	const seen = { attempts: 0, results: [] as CloseResult[] };
	const close = async (request: CloseRequest): Promise<CloseResult> => {
		seen.attempts += 1;
		if (seen.attempts <= faults.closeFailures) {
			if (faults.lostReply) seen.results.push(await real.close(request));
			throw new Error(faults.lostReply ? 'Socket closed unexpectedly' : 'database is locked');
		}
		const result = await real.close(request);
		seen.results.push(result);
		return result;
	};
	const save = async (job: Job): Promise<void> => {
		if (faults.savePendingFails && job.deliveredAt !== undefined) throw new Error('database is locked');
		await real.save(job);
	};
	const vault = new Proxy(real, {
		get(target, prop) {
			if (prop === 'close') return close;
			if (prop === 'save') return save;
			const value: unknown = Reflect.get(target, prop);
			return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
		},
	}) as Vault;
	return { vault, seen };
}

function setup(faults: Faults) {
	const real = new LocalVault(store);
	const { vault, seen } = flakyVault(real, faults);
	const metrics = createMetrics();
	const ledger = new Ledger(store, vault, { period: 'monthly', defaultLimit: 1_000_000, globalLimit: undefined, logger });
	// The emulator's CDN is plain http on 127.0.0.1, a host an operator would have to list for downloads.
	const cdn = { downloadHosts: ['127.0.0.1'] };
	const hiapi = new HiapiClient({ baseUrl: emu.url, apiKey: emu.apiKey, model: 'flux-1.1-pro', logger, ...cdn });
	const tasks = new TaskWatch({
		hiapi,
		history: new DurationHistory(store, logger),
		waiters: new TaskWaiters(),
		logger,
		metrics,
		maxGapMs: 100,
		callbacks: false,
	});
	const sent: Array<{ how: 'edit' | 'post' | 'followUp'; reply: Reply }> = [];
	const delivery: Delivery = {
		editOriginal: (_job, reply) => Promise.resolve(void sent.push({ how: 'edit', reply })),
		postInChannel: (_job, reply) => Promise.resolve(void sent.push({ how: 'post', reply })),
		followUp: (_job, reply) => Promise.resolve(void sent.push({ how: 'followUp', reply })),
	};
	const executor = new JobExecutor({ ledger, hiapi, delivery, logger, metrics, tasks, taskTimeoutMs: 20_000, commitRetryMs: [1, 1] });
	const images = () => sent.filter((s) => (s.reply.files?.length ?? 0) > 0);
	const failures = () => sent.filter((s) => replyText(s.reply).includes('not charged'));
	return { real, ledger, executor, metrics, seen, images, failures, vault };
}

async function openJob(ledger: Ledger, prompt = 'a lighthouse at dusk'): Promise<Job> {
	const at = Date.now();
	const job: Job = {
		v: 2,
		id: `${1_300_000_000_000_000_000 + seq++}`,
		token: 'tok',
		applicationId: 'app',
		userId: 'u1',
		guildId: 'g1',
		channelId: 'c1',
		kind: 'imagine',
		prompt,
		aspectRatio: '1:1',
		price: PRICE,
		attachmentSizeLimit: 8_000_000,
		canPostInChannel: true,
		state: 'reserved',
		createdAt: at,
		updatedAt: at,
	};
	expect((await ledger.open(job, { guildId: 'g1', userId: 'u1' })).status).toBe('created');
	return job;
}

async function money(real: LocalVault, id: string) {
	return {
		reservation: (await real.reservation(id))?.state,
		account: (await real.counters('g1', (await real.reservation(id))?.periodKey ?? '', 'u1')).account,
	};
}

describe('a delivered image', () => {
	it('is committed after a failed commit is retried: delivered once, never a failure text, charged once', async () => {
		const t = setup({ closeFailures: 2 });
		const job = await openJob(t.ledger);
		await t.executor.run(job, new AbortController().signal);
		expect(t.images()).toHaveLength(1);
		expect(t.failures()).toEqual([]);
		expect(t.seen.results).toEqual([expect.objectContaining({ status: 'closed', ended: 'committed' })]);
		expect(await money(t.real, job.id)).toMatchObject({ reservation: 'committed', account: { spent: PRICE, reserved: 0, images: 1 } });
		expect(await t.real.job(job.id)).toMatchObject({ state: 'delivered', outcome: 'reply:attached' });
		expect(await t.real.openJobs()).toEqual([]);
	});

	it('is committed once when the commit ran but its reply was lost: the retry finds it ended', async () => {
		const t = setup({ closeFailures: 1, lostReply: true });
		const job = await openJob(t.ledger);
		await t.executor.run(job, new AbortController().signal);
		expect(t.images()).toHaveLength(1);
		expect(t.failures()).toEqual([]);
		expect(t.seen.results.map((r) => r.status)).toEqual(['closed', 'already-closed']);
		expect(await money(t.real, job.id)).toMatchObject({ reservation: 'committed', account: { spent: PRICE, reserved: 0, images: 1 } });
	});

	it.each([
		['stored as delivered, commit pending', false],
		['remembered in memory when even that record cannot be written', true],
	])('whose commit keeps failing is %s, and the sweep commits it without a restart or a second delivery', async (_name, savePendingFails) => {
		const t = setup({ closeFailures: 3, savePendingFails });
		const queue = new LocalQueue(t.executor, {
			vault: t.vault,
			maxConcurrent: 2,
			maxPerUser: 2,
			logger,
			metrics: t.metrics,
			sweepEveryMs: 20,
			sweepMinAgeMs: 0,
		});
		const job = await openJob(t.ledger);
		await queue.enqueue(job, () => undefined);
		await queue.resume();
		// Committed, and the commit reported done (a write is visible a moment before it is reported: its fsync runs off the main thread).
		await vi.waitFor(async () => expect([(await t.real.reservation(job.id))?.state, t.seen.results.length]).toEqual(['committed', 1]), {
			timeout: 10_000,
			interval: 20,
		});
		await queue.stop(1000);
		expect(t.images()).toHaveLength(1);
		expect(t.failures()).toEqual([]);
		expect(t.seen.attempts).toBe(4);
		expect(t.seen.results).toEqual([expect.objectContaining({ status: 'closed', ended: 'committed' })]);
		expect(await money(t.real, job.id)).toMatchObject({ account: { spent: PRICE, reserved: 0, images: 1 } });
		expect(await t.real.job(job.id)).toMatchObject({ state: 'delivered', outcome: 'reply:attached' });
		expect(await t.real.openJobs()).toEqual([]);
		// hiapi was asked once: the sweep committed the delivered job, it did not run it again.
		expect(emu.submits()).toHaveLength(1);
	});

	it('left open by a process that stopped is committed on the next start, without being run or delivered again', async () => {
		const t = setup({ closeFailures: 3 });
		const job = await openJob(t.ledger);
		await t.executor.run(job, new AbortController().signal);
		expect(await t.real.job(job.id)).toMatchObject({ state: 'submitted', deliveredAt: expect.any(Number), outcome: 'reply:attached' });
		// A fresh process: nothing in memory, the stored record alone says what happened.
		const next = setup({ closeFailures: 0 });
		const queue = new LocalQueue(next.executor, { vault: next.vault, maxConcurrent: 2, maxPerUser: 2, logger, metrics: next.metrics });
		expect(await queue.resume()).toBe(0);
		await queue.stop(1000);
		expect(next.images()).toEqual([]);
		expect([...t.failures(), ...next.failures()]).toEqual([]);
		expect(await money(t.real, job.id)).toMatchObject({ reservation: 'committed', account: { spent: PRICE, reserved: 0, images: 1 } });
		expect(emu.submits()).toHaveLength(1);
	});
});

describe('the local queue', () => {
	it('finishes a job whose refund failed with its next sweep, without a restart', async () => {
		emu.setDefault({ durationMs: 30, final: 'fail', failError: { code: 'GENERATION_FAILED', message: 'boom' } });
		const t = setup({ closeFailures: 1 });
		const queue = new LocalQueue(t.executor, {
			vault: t.vault,
			maxConcurrent: 2,
			maxPerUser: 2,
			logger,
			metrics: t.metrics,
			sweepEveryMs: 20,
			sweepMinAgeMs: 0,
		});
		const job = await openJob(t.ledger);
		await queue.enqueue(job, () => undefined);
		await queue.resume();
		await vi.waitFor(async () => expect((await t.real.reservation(job.id))?.state).toBe('refunded'), { timeout: 10_000, interval: 20 });
		await queue.stop(1000);
		expect(await money(t.real, job.id)).toMatchObject({ account: { spent: 0, reserved: 0, images: 0 } });
		expect(await t.real.openJobs()).toEqual([]);
		expect(t.failures()).toHaveLength(1);
		expect(t.images()).toEqual([]);
	});

	it('holds a job in line once, however often it is handed over', async () => {
		emu.setDefault({ durationMs: 200 });
		const t = setup({ closeFailures: 0 });
		const queue = new LocalQueue(t.executor, {
			vault: t.vault,
			maxConcurrent: 2,
			maxPerUser: 5,
			logger,
			metrics: t.metrics,
			sweepEveryMs: 20,
			sweepMinAgeMs: 0,
		});
		const job = await openJob(t.ledger);
		let released = 0;
		await queue.resume();
		await Promise.all([queue.enqueue(job, () => void released++), queue.enqueue(job, () => void released++)]);
		// Committed, and the commit reported done (a write is visible a moment before it is reported: its fsync runs off the main thread).
		await vi.waitFor(async () => expect([(await t.real.reservation(job.id))?.state, t.seen.results.length]).toEqual(['committed', 1]), {
			timeout: 10_000,
			interval: 20,
		});
		await queue.stop(1000);
		expect(released).toBe(2);
		expect(t.images()).toHaveLength(1);
		expect(emu.submits()).toHaveLength(1);
	});
});
