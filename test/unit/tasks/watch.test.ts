// A callback only wakes a job; hiapi's answer to the poll it triggers decides. Real parts: the hiapi emulator (task
// API, its own signed callbacks), the bot's HTTP callback route on 127.0.0.1, the waiters and a job's wait.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHiapiEmulator, signHiapiCallback, type HiapiEmulator } from '../../emulators/hiapi.js';
import { startHttpServer } from '../../../src/app/http.js';
import { HiapiClient } from '../../../src/hiapi/index.js';
import { createMetrics } from '../../../src/metrics.js';
import { Store } from '../../../src/storage/store.js';
import { DurationHistory } from '../../../src/tasks/durations.js';
import { TaskWaiters } from '../../../src/tasks/waiters.js';
import { TaskWatch } from '../../../src/tasks/watch.js';

const logger = pino({ level: 'silent' });
const EVIL = 'http://127.0.0.1:9/internal.png';
let emu: HiapiEmulator;
let server: Server;
let store: Store;
let hiapi: HiapiClient;
let watch: TaskWatch;
let routeUrl: string;
const waiters = new TaskWaiters();
let n = 0;

beforeAll(async () => {
	emu = await startHiapiEmulator();
	const metrics = createMetrics();
	server = await startHttpServer({
		port: 0,
		checks: {
			gateway: () => ({ ok: true, shards: { 0: true } }),
			store: () => Promise.resolve(true),
			storeKind: 'sqlite',
			jobs: () => ({ running: 0, queued: 0, accepting: true }),
		},
		metrics,
		logger,
		callback: { path: '/hiapi/callback', secret: emu.signingKey, onTask: (t, at) => waiters.deliver(t, at) },
	});
	routeUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hiapi/callback`;
	hiapi = new HiapiClient({ baseUrl: emu.url, apiKey: emu.apiKey, model: 'flux-1.1-pro', logger, callbackUrl: routeUrl });
	store = await Store.open('sqlite://:memory:', logger);
	const history = new DurationHistory(store, logger);
	watch = new TaskWatch({ hiapi, history, waiters, logger, metrics, maxGapMs: 5000, callbacks: true });
});
afterAll(async () => {
	await hiapi.close();
	await new Promise<void>((resolve) => server.close(() => resolve()));
	await emu.close();
	await store.close();
});

/** Posts a callback correctly signed with the account's signing key, as only hiapi (or a leaked key) could. */
async function signedCallback(task: Record<string, unknown>): Promise<number> {
	const body = JSON.stringify(task);
	const ts = String(Math.floor(Date.now() / 1000));
	const res = await fetch(routeUrl, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'x-hiapi-timestamp': ts, 'x-hiapi-signature': signHiapiCallback(emu.signingKey, ts, body) },
		body,
	});
	return res.status;
}

async function start(prompt: string, behaviour: Parameters<HiapiEmulator['script']>[1]) {
	emu.script(prompt, behaviour);
	const { taskId } = await hiapi.submit({ prompt, aspectRatio: '1:1' }, { idempotencyKey: `watch-${++n}`, deadline: Date.now() + 10_000 });
	const submittedAt = Date.now();
	let resolvedAt: number | undefined;
	const waiting = watch.wait(taskId, { submittedAt, deadline: submittedAt + 20_000 }).finally(() => (resolvedAt = Date.now()));
	waiting.catch(() => undefined);
	const polls = () => emu.requests.filter((r) => r.method === 'GET' && r.path === `/v1/tasks/${taskId}`);
	const createdAt = emu.tasks().find((t) => t.taskId === taskId)?.createdAt ?? 0;
	return { taskId, waiting, polls, createdAt, resolved: () => resolvedAt };
}

describe('a callback only wakes the job; hiapi decides', () => {
	it('a signed success callback with another URL: the job uses the URL hiapi answers', async () => {
		const job = await start('done, but the callback lies about the url', { durationMs: 200, callback: { drop: true } });
		await new Promise((r) => setTimeout(r, 400)); // hiapi has finished the task
		expect(await signedCallback({ taskId: job.taskId, status: 'success', output: [{ url: EVIL, type: 'image' }] })).toBe(204);
		const snap = await job.waiting;
		expect(snap.output[0]?.url).toBe(`${emu.url}/cdn/${job.taskId}.png`);
		expect(job.polls()).toHaveLength(1); // the poll the callback triggered, long before the 30 s safety poll
	});

	it('a signed success for a task hiapi says is still running: nothing until hiapi says success', async () => {
		const job = await start('still running when a callback claims success', { durationMs: 1500 });
		expect(await signedCallback({ taskId: job.taskId, status: 'success', output: [{ url: EVIL }] })).toBe(204);
		const snap = await job.waiting;
		// Resolved only once hiapi's task had ended (its genuine callback at 1.5 s woke the job again)…
		expect(job.resolved()).toBeGreaterThanOrEqual(job.createdAt + 1500);
		expect(snap.output[0]?.url).toBe(`${emu.url}/cdn/${job.taskId}.png`);
		// …after a poll on the early callback that hiapi answered "running".
		expect(job.polls()).toHaveLength(2);
		expect(emu.callbacks.filter((c) => c.taskId === job.taskId).map((c) => c.status)).toEqual([204]);
	});

	it('a signed "failed" for a task hiapi finished: the image is still delivered (nothing refunded on a callback)', async () => {
		const job = await start('succeeded, but a callback says it failed', { durationMs: 200, callback: { drop: true } });
		await new Promise((r) => setTimeout(r, 400));
		expect(await signedCallback({ taskId: job.taskId, status: 'fail', error: { code: 'GENERATION_FAILED', message: 'no' } })).toBe(204);
		expect((await job.waiting).phase).toBe('success');
	});
});
