import { randomBytes } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { pino } from 'pino';
import { request } from 'undici';
import { classifyHttpError, HiapiClient, HiapiError, parseRetryAfter, type HiapiClientOptions, type TaskSnapshot } from '../../../src/hiapi/index.js';
import { startHiapiEmulator, type HiapiEmulator } from '../../emulators/hiapi.js';
import { makePng, PNG_MAGIC } from '../../emulators/png.js';

const MODEL = 'flux-1.1-pro';

let emu: HiapiEmulator;
const logLines: Array<Record<string, unknown>> = [];
const rawLogs: string[] = [];
const logger = pino(
	{ level: 'debug' },
	{
		write(line: string) {
			rawLogs.push(line);
			logLines.push(JSON.parse(line) as Record<string, unknown>);
		},
	},
);
const clients: HiapiClient[] = [];

function makeClient(over: Partial<HiapiClientOptions> = {}): HiapiClient {
	// The emulator's CDN is plain http on 127.0.0.1: a host the operator has to list.
	const c = new HiapiClient({ baseUrl: emu.url, apiKey: emu.apiKey, model: MODEL, logger, downloadHosts: ['127.0.0.1'], ...over });
	clients.push(c);
	return c;
}

/** Fake clock + sleep that resolves at once, advancing the clock and recording the requested delays. */
function fakeTime() {
	const t = { clock: Date.now(), sleeps: [] as number[] };
	return {
		t,
		now: () => t.clock,
		sleep: (ms: number) => {
			t.sleeps.push(ms);
			t.clock += ms;
			return Promise.resolve();
		},
	};
}

/** Real clock, but sleeps are capped at 10 ms (requested delays recorded) so retries stay fast. */
function fastSleep() {
	const sleeps: number[] = [];
	return {
		sleeps,
		sleep: (ms: number, signal?: AbortSignal) => {
			sleeps.push(ms);
			return new Promise<void>((resolve, reject) => {
				const timer = setTimeout(resolve, Math.min(ms, 10));
				signal?.addEventListener('abort', () => {
					clearTimeout(timer);
					reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
				});
			});
		},
	};
}

async function catchErr(p: Promise<unknown>): Promise<HiapiError> {
	try {
		await p;
	} catch (e) {
		expect(e).toBeInstanceOf(HiapiError);
		return e as HiapiError;
	}
	throw new Error('expected a rejection');
}

let keyN = 0;
const key = () => `job-${++keyN}`;
const soon = (ms = 5000) => Date.now() + ms;

async function submitAndWait(client: HiapiClient, prompt: string) {
	const { taskId } = await client.submit({ prompt, aspectRatio: '1:1' }, { idempotencyKey: key(), deadline: soon() });
	const snap = await client.waitForTask(taskId, { intervalMs: 10, deadline: soon() });
	return { taskId, snap };
}

beforeAll(async () => {
	emu = await startHiapiEmulator();
});
afterAll(async () => {
	await emu.close();
	// Log hygiene across the whole file: the key and the Authorization header never reach the logs.
	expect(rawLogs.length).toBeGreaterThan(0);
	for (const line of rawLogs) {
		expect(line).not.toContain(emu.apiKey);
		expect(line.toLowerCase()).not.toContain('authorization');
		expect(line).not.toContain('Bearer');
	}
});
beforeEach(() => {
	emu.reset();
	emu.setDefault({ durationMs: 60 });
});
afterEach(async () => {
	await Promise.all(clients.splice(0).map((c) => c.close()));
});

describe('emulator', () => {
	it('makePng produces a valid PNG whose pixels depend on the seed', () => {
		const a = makePng(16, 8, 1);
		const b = makePng(16, 8, 2);
		expect(a.subarray(0, 8)).toEqual(PNG_MAGIC);
		expect(a.readUInt32BE(16)).toBe(16);
		expect(a.readUInt32BE(20)).toBe(8);
		// IDAT starts after magic (8) + IHDR chunk (25)
		const idatLen = a.readUInt32BE(33);
		expect(a.toString('latin1', 37, 41)).toBe('IDAT');
		expect(inflateSync(a.subarray(41, 41 + idatLen)).length).toBe(8 * (16 * 4 + 1));
		expect(a.equals(b)).toBe(false);
		expect(makePng(16, 8, 1).equals(a)).toBe(true);
	});

	it('rejects unknown input properties like the real schema', async () => {
		const res = await request(`${emu.url}/v1/tasks`, {
			method: 'POST',
			headers: { authorization: `Bearer ${emu.apiKey}`, 'content-type': 'application/json' },
			body: JSON.stringify({ model: MODEL, input: { prompt: 'x', aspect_ratio: '1:1', size: '1024x1024' } }),
		});
		expect(res.statusCode).toBe(400);
		expect(await res.body.json()).toMatchObject({ code: 400, data: null, error_code: 'INVALID_REQUEST' });
		expect(emu.tasks()).toHaveLength(0);
	});
});

describe('submit', () => {
	it('sends exactly the documented body and headers', async () => {
		const client = makeClient();
		const { taskId } = await client.submit({ prompt: 'a red fox', aspectRatio: '16:9' }, { idempotencyKey: 'job-abc', deadline: soon() });
		expect(taskId).toMatch(/^tk-hiapi-/);
		const [req] = emu.submits();
		expect(emu.submits()).toHaveLength(1);
		expect(req!.path).toBe('/v1/tasks');
		expect(req!.headers['authorization']).toBe(`Bearer ${emu.apiKey}`);
		expect(req!.headers['content-type']).toBe('application/json');
		expect(req!.headers['idempotency-key']).toBe('job-abc');
		expect(JSON.parse(req!.rawBody)).toStrictEqual({ model: MODEL, input: { prompt: 'a red fox', aspect_ratio: '16:9' } });
		expect(emu.tasks()).toMatchObject([{ taskId, prompt: 'a red fox', aspectRatio: '16:9', idempotencyKey: 'job-abc' }]);

		// Same key again → same task, no second one.
		const again = await client.submit({ prompt: 'a red fox', aspectRatio: '16:9' }, { idempotencyKey: 'job-abc', deadline: soon() });
		expect(again.taskId).toBe(taskId);
		expect(emu.tasks()).toHaveLength(1);
	});

	it('retries 503 with Retry-After and collapses into one task', async () => {
		emu.script('busy', { submitError: { status: 503, retryAfter: '3', times: 2 } });
		const ft = fakeTime();
		const client = makeClient({ now: ft.now, sleep: ft.sleep });
		const { taskId } = await client.submit({ prompt: 'busy night', aspectRatio: '1:1' }, { idempotencyKey: 'k-503', deadline: ft.now() + 60_000 });
		expect(ft.t.sleeps).toEqual([3000, 3000]);
		expect(emu.submits()).toHaveLength(3);
		expect(new Set(emu.submits().map((r) => r.headers['idempotency-key']))).toEqual(new Set(['k-503']));
		expect(emu.tasks()).toEqual([expect.objectContaining({ taskId, idempotencyKey: 'k-503' })]);
		expect(logLines.filter((l) => l['msg'] === 'hiapi submit retry' && l['status'] === 503 && l['level'] === 40)).toHaveLength(2);
	});

	it('retries 429 with an HTTP-date Retry-After, and caps Retry-After at 60 s', async () => {
		const ft = fakeTime();
		emu.script('date', { submitError: { status: 429, retryAfter: new Date(ft.t.clock + 5000).toUTCString(), times: 1 } });
		emu.script('long', { submitError: { status: 429, retryAfter: '600', times: 1 } });
		const client = makeClient({ now: ft.now, sleep: ft.sleep });
		await client.submit({ prompt: 'date', aspectRatio: '1:1' }, { idempotencyKey: key(), deadline: ft.now() + 120_000 });
		expect(ft.t.sleeps).toHaveLength(1);
		expect(ft.t.sleeps[0]).toBeGreaterThan(3900);
		expect(ft.t.sleeps[0]).toBeLessThanOrEqual(5000);
		ft.t.sleeps.length = 0;
		await client.submit({ prompt: 'long', aspectRatio: '1:1' }, { idempotencyKey: key(), deadline: ft.now() + 120_000 });
		expect(ft.t.sleeps).toEqual([60_000]);
		expect(emu.tasks()).toHaveLength(2);
	});

	it('retries 409 IDEMPOTENCY_KEY_PROCESSING, 500 and a dropped connection with backoff', async () => {
		emu.script('conflict', { submitError: { status: 409, times: 1 } });
		emu.script('boom', { submitError: { status: 500, times: 2 } });
		const ft = fakeTime();
		const client = makeClient({ now: ft.now, sleep: ft.sleep });
		await client.submit({ prompt: 'conflict', aspectRatio: '1:1' }, { idempotencyKey: key(), deadline: ft.now() + 60_000 });
		await client.submit({ prompt: 'boom', aspectRatio: '1:1' }, { idempotencyKey: key(), deadline: ft.now() + 60_000 });
		expect(ft.t.sleeps).toHaveLength(3);
		for (const ms of ft.t.sleeps) expect(ms).toBeGreaterThanOrEqual(250);
		expect(emu.tasks()).toHaveLength(2);

		// Nothing listening: network errors are retried until the deadline, then surface as 'unavailable'.
		const dead = makeClient({ baseUrl: 'http://127.0.0.1:1', now: ft.now, sleep: ft.sleep });
		ft.t.sleeps.length = 0;
		const err = await catchErr(dead.submit({ prompt: 'x', aspectRatio: '1:1' }, { idempotencyKey: key(), deadline: ft.now() + 3000 }));
		expect(err.kind).toBe('unavailable');
		expect(ft.t.sleeps.length).toBeGreaterThanOrEqual(2);
	});

	it('gives up at the deadline with the last error', async () => {
		emu.script('down', { submitError: { status: 503, retryAfter: '10' } });
		const ft = fakeTime();
		const client = makeClient({ now: ft.now, sleep: ft.sleep });
		const err = await catchErr(client.submit({ prompt: 'down', aspectRatio: '1:1' }, { idempotencyKey: key(), deadline: ft.now() + 25_000 }));
		expect(err.kind).toBe('unavailable');
		expect(err.status).toBe(503);
		expect(err.retryAfterMs).toBe(10_000);
		expect(ft.t.sleeps).toEqual([10_000, 10_000]);
		expect(emu.submits()).toHaveLength(3);
		expect(emu.tasks()).toHaveLength(0);
	});

	it('accepts envelopes with code 0', async () => {
		emu.script('zero', { submitError: { status: 200, body: { code: 0, message: 'ok', data: { taskId: 'tk-zero', extra: 1 }, trace: 'x' } } });
		const client = makeClient();
		expect(await client.submit({ prompt: 'zero', aspectRatio: '1:1' }, { idempotencyKey: key(), deadline: soon() })).toEqual({ taskId: 'tk-zero' });
	});

	it.each([
		{ name: '400 from schema validation', setup: () => {}, ratio: '5:4', kind: 'invalid_input', status: 400, code: 'INVALID_REQUEST' },
		{
			name: '400 scripted',
			setup: () =>
				emu.script('bad', { submitError: { status: 400, body: { code: 400, message: 'prompt rejected', data: null, error_code: 'INVALID_REQUEST' } } }),
			ratio: '1:1',
			kind: 'invalid_input',
			status: 400,
			code: 'INVALID_REQUEST',
		},
		{ name: '402 zero balance', setup: () => emu.setBalance(true), ratio: '1:1', kind: 'out_of_credit', status: 402, code: 'INSUFFICIENT_BALANCE' },
		{ name: '403', setup: () => emu.script('bad', { submitError: { status: 403 } }), ratio: '1:1', kind: 'out_of_credit', status: 403, code: 'FORBIDDEN' },
		{
			name: '400 with an insufficient-credit message',
			setup: () =>
				emu.script('bad', {
					submitError: { status: 400, body: { code: 400, message: 'Insufficient credits for this model', data: null, error_code: 'INVALID_REQUEST' } },
				}),
			ratio: '1:1',
			kind: 'out_of_credit',
			status: 400,
			code: 'INVALID_REQUEST',
		},
		{
			name: 'HTTP 200 with an error envelope',
			setup: () => emu.script('bad', { submitError: { status: 200, body: { code: 402, message: 'balance too low', data: null } } }),
			ratio: '1:1',
			kind: 'out_of_credit',
			status: 402,
			code: undefined,
		},
	])('does not retry: $name → $kind', async ({ setup, ratio, kind, status, code }) => {
		setup();
		const ft = fakeTime();
		const client = makeClient({ now: ft.now, sleep: ft.sleep });
		const err = await catchErr(client.submit({ prompt: 'bad prompt', aspectRatio: ratio }, { idempotencyKey: key(), deadline: ft.now() + 60_000 }));
		expect(err.kind).toBe(kind);
		expect(err.status).toBe(status);
		expect(err.code).toBe(code);
		expect(err.method).toBe('POST');
		expect(err.url).toBe(`${emu.url}/v1/tasks`);
		expect(ft.t.sleeps).toEqual([]);
		expect(emu.submits()).toHaveLength(1);
		expect(emu.tasks()).toHaveLength(0);
	});

	it('401 → auth, and the key never appears in the error', async () => {
		const client = makeClient({ apiKey: 'sk-wrong-secret-123' });
		const err = await catchErr(client.submit({ prompt: 'x', aspectRatio: '1:1' }, { idempotencyKey: key(), deadline: soon() }));
		expect(err.kind).toBe('auth');
		expect(err.status).toBe(401);
		expect(emu.submits()).toHaveLength(1);
		expect(JSON.stringify({ m: err.message, u: err.upstreamMessage, s: err.stack })).not.toContain('sk-wrong-secret-123');
	});

	it('malformed success body → bad_response (retried, then reported at the deadline)', async () => {
		emu.script('garbled', { submitError: { status: 200, body: '{"code":200,"data":{"taskId"' } });
		const ft = fakeTime();
		const client = makeClient({ now: ft.now, sleep: ft.sleep });
		const err = await catchErr(client.submit({ prompt: 'garbled', aspectRatio: '1:1' }, { idempotencyKey: key(), deadline: ft.now() + 2000 }));
		expect(err.kind).toBe('bad_response');
		expect(err.message).toMatch(/not JSON/);
	});
});

describe('classifyHttpError', () => {
	it.each([
		[401, { message: 'bad key' }, 'auth'],
		[402, {}, 'out_of_credit'],
		[403, {}, 'out_of_credit'],
		[400, { message: 'insufficient balance' }, 'out_of_credit'],
		[429, { message: 'quota exceeded for this account' }, 'rate_limited'], // a 429 is always waited out
		[400, { message: 'bad prompt', error_code: 'INVALID_REQUEST' }, 'invalid_input'],
		[422, {}, 'invalid_input'],
		[404, {}, 'not_found'],
		[409, { error_code: 'IDEMPOTENCY_KEY_PROCESSING' }, 'unavailable'],
		[429, { message: 'slow down' }, 'rate_limited'],
		[500, 'oops', 'unavailable'],
		[502, '<html>bad gateway</html>', 'unavailable'],
		[503, { message: 'load balancer has no healthy backend' }, 'unavailable'],
	] as const)('%i %j → %s', (status, body, kind) => {
		const e = classifyHttpError(status, body, { method: 'GET', url: 'http://x/y' });
		expect(e.kind).toBe(kind);
		expect(e.status).toBe(status);
	});

	it('keeps error_code and upstream message', () => {
		const e = classifyHttpError(409, { code: 409, message: 'still processing', data: null, error_code: 'IDEMPOTENCY_KEY_PROCESSING' });
		expect(e.code).toBe('IDEMPOTENCY_KEY_PROCESSING');
		expect(e.upstreamMessage).toBe('still processing');
	});

	it('parses Retry-After', () => {
		expect(parseRetryAfter('2', 0)).toBe(2000);
		expect(parseRetryAfter('0.5', 0)).toBe(500);
		expect(parseRetryAfter('9999', 0)).toBe(60_000);
		expect(parseRetryAfter(new Date(10_000).toUTCString(), 7000)).toBe(3000);
		expect(parseRetryAfter(new Date(0).toUTCString(), 7000)).toBe(0);
		expect(parseRetryAfter('soon', 0)).toBeUndefined();
		expect(parseRetryAfter(undefined)).toBeUndefined();
	});
});

describe('polling', () => {
	it('goes queued → handling → success and reports each phase once', async () => {
		emu.setDefault({ durationMs: 300 });
		const client = makeClient();
		const { taskId } = await client.submit({ prompt: 'a lighthouse', aspectRatio: '3:2' }, { idempotencyKey: key(), deadline: soon() });
		const progress: TaskSnapshot[] = [];
		const snap = await client.waitForTask(taskId, { intervalMs: 20, deadline: soon(), onProgress: (s) => progress.push(s) });
		expect(progress.map((s) => s.phase)).toEqual(['queued', 'running', 'success']);
		expect(progress.map((s) => s.status)).toEqual(['queued', 'handling', 'success']);
		expect(snap.phase).toBe('success');
		expect(snap.taskId).toBe(taskId);
		expect(snap.output).toHaveLength(1);
		expect(snap.output[0]!.url).toBe(`${emu.url}/cdn/${taskId}.png`);
		expect(typeof snap.output[0]!.expireAt).toBe('string');
		const polls = emu.requests.filter((r) => r.method === 'GET' && r.path === `/v1/tasks/${taskId}`);
		expect(polls.length).toBeGreaterThanOrEqual(3);
		expect(polls.every((r) => r.headers['authorization'] === `Bearer ${emu.apiKey}`)).toBe(true);
		expect(logLines.some((l) => l['msg'] === 'hiapi poll' && l['taskId'] === taskId && typeof l['ms'] === 'number' && l['status'] === 'handling')).toBe(true);
	});

	it.each(['fail', 'failed', 'canceled'] as const)('final status %s → task_failed with the code', async (final) => {
		emu.script('doomed', { durationMs: 30, final, failError: { code: 'NSFW_BLOCKED', message: 'content flagged' } });
		const client = makeClient();
		const { taskId } = await client.submit({ prompt: 'doomed', aspectRatio: '1:1' }, { idempotencyKey: key(), deadline: soon() });
		const err = await catchErr(client.waitForTask(taskId, { intervalMs: 10, deadline: soon() }));
		expect(err.kind).toBe('task_failed');
		expect(err.code).toBe('NSFW_BLOCKED');
		expect(err.upstreamMessage).toBe('content flagged');
		const snap = await client.getTask(taskId);
		expect(snap).toMatchObject({ phase: 'failed', status: final, error: { code: 'NSFW_BLOCKED', message: 'content flagged' } });
	});

	it('treats old and unknown statuses as running, warning once per task', async () => {
		emu.setDefault({ durationMs: 400, runningStatuses: ['pending', 'processing', 'archiving', 'weird-new-status'] });
		const client = makeClient();
		const { taskId } = await client.submit({ prompt: 'odd', aspectRatio: '1:1' }, { idempotencyKey: key(), deadline: soon() });
		const phases: string[] = [];
		const snap = await client.waitForTask(taskId, { intervalMs: 10, deadline: soon(), onProgress: (s) => phases.push(s.phase) });
		expect(snap.phase).toBe('success');
		expect(phases).toEqual(['queued', 'running', 'success']);
		const seen = logLines.filter((l) => l['msg'] === 'hiapi poll' && l['taskId'] === taskId).map((l) => l['status']);
		expect(seen).toEqual(expect.arrayContaining(['queued', 'pending', 'processing', 'archiving', 'weird-new-status', 'success']));
		expect(seen.filter((s) => s === 'weird-new-status').length).toBeGreaterThanOrEqual(2);
		const warns = logLines.filter((l) => l['level'] === 40 && l['taskId'] === taskId && l['status'] === 'weird-new-status');
		expect(warns).toHaveLength(1);
	});

	it('retries poll 500s with backoff, then succeeds', async () => {
		emu.setDefault({ durationMs: 30, pollError: { status: 500, times: 3 } });
		const fs = fastSleep();
		const client = makeClient({ sleep: fs.sleep });
		const { taskId } = await client.submit({ prompt: 'flaky', aspectRatio: '1:1' }, { idempotencyKey: key(), deadline: soon() });
		const snap = await client.waitForTask(taskId, { intervalMs: 10, deadline: soon() });
		expect(snap.phase).toBe('success');
		const retries = logLines.filter((l) => l['msg'] === 'hiapi poll retry' && l['taskId'] === taskId);
		expect(retries.map((l) => [l['kind'], l['status'], l['attempt']])).toEqual([
			['unavailable', 500, 1],
			['unavailable', 500, 2],
			['unavailable', 500, 3],
		]);
		// growing backoff: 0.25–0.5 s, 0.5–1 s, 1–2 s
		expect(fs.sleeps.slice(0, 3).map((ms) => ms >= 250)).toEqual([true, true, true]);
		expect(fs.sleeps[2]!).toBeGreaterThanOrEqual(1000);
	});

	it('malformed JSON is retried as bad_response until the deadline → timeout', async () => {
		emu.setDefault({ durationMs: 20, malformedPoll: true });
		const fs = fastSleep();
		const client = makeClient({ sleep: fs.sleep });
		const { taskId } = await client.submit({ prompt: 'garbled', aspectRatio: '1:1' }, { idempotencyKey: key(), deadline: soon() });
		await new Promise((r) => setTimeout(r, 30));
		const single = await catchErr(client.getTask(taskId));
		expect(single.kind).toBe('bad_response');
		expect(single.message).toMatch(/not JSON/);
		const err = await catchErr(client.waitForTask(taskId, { intervalMs: 10, deadline: Date.now() + 300 }));
		expect(err.kind).toBe('timeout');
		expect(err.message).toMatch(/bad_response/);
		expect((err.cause as HiapiError).kind).toBe('bad_response');
		expect(logLines.filter((l) => l['msg'] === 'hiapi poll retry' && l['taskId'] === taskId).length).toBeGreaterThanOrEqual(2);
	});

	it('success without output → bad_response', async () => {
		emu.setDefault({ pollError: { status: 200, body: { code: 200, message: 'success', data: { taskId: 'x', status: 'success', output: [] } } } });
		const client = makeClient();
		const { taskId } = await client.submit({ prompt: 'empty', aspectRatio: '1:1' }, { idempotencyKey: key(), deadline: soon() });
		const err = await catchErr(client.waitForTask(taskId, { intervalMs: 10, deadline: soon() }));
		expect(err.kind).toBe('bad_response');
		expect(emu.requests.filter((r) => r.method === 'GET')).toHaveLength(1);
	});

	it('unknown task → not_found, not retried', async () => {
		const client = makeClient();
		const err = await catchErr(client.waitForTask('tk-does-not-exist', { intervalMs: 10, deadline: soon() }));
		expect(err.kind).toBe('not_found');
		expect(err.status).toBe(404);
		expect(err.code).toBe('TASK_NOT_FOUND');
		expect(emu.requests.filter((r) => r.method === 'GET')).toHaveLength(1);
	});

	it('stuck task → timeout at the deadline', async () => {
		emu.setDefault({ final: 'never', durationMs: 30 });
		const client = makeClient();
		const { taskId } = await client.submit({ prompt: 'stuck', aspectRatio: '1:1' }, { idempotencyKey: key(), deadline: soon() });
		const started = Date.now();
		const phases: string[] = [];
		const err = await catchErr(client.waitForTask(taskId, { intervalMs: 20, deadline: Date.now() + 250, onProgress: (s) => phases.push(s.phase) }));
		expect(err.kind).toBe('timeout');
		expect(Date.now() - started).toBeLessThan(1000);
		expect(phases).toContain('running');
	});

	it('a deadline already in the past still gets one poll (job resumed after a restart)', async () => {
		emu.setDefault({ durationMs: 10 });
		emu.script('stuck', { final: 'never' });
		const client = makeClient();
		const done = await client.submit({ prompt: 'done', aspectRatio: '1:1' }, { idempotencyKey: key(), deadline: soon() });
		const stuck = await client.submit({ prompt: 'stuck', aspectRatio: '1:1' }, { idempotencyKey: key(), deadline: soon() });
		await new Promise((r) => setTimeout(r, 30));
		const snap = await client.waitForTask(done.taskId, { intervalMs: 10, deadline: Date.now() - 60_000 });
		expect(snap.phase).toBe('success');
		const err = await catchErr(client.waitForTask(stuck.taskId, { intervalMs: 10, deadline: Date.now() - 60_000 }));
		expect(err.kind).toBe('timeout');
		expect(emu.requests.filter((r) => r.path === `/v1/tasks/${stuck.taskId}`)).toHaveLength(1);
	});

	it('a hanging poll is cut off at the deadline', async () => {
		emu.setDefault({ pollDelayMs: 3000 });
		const client = makeClient();
		const { taskId } = await client.submit({ prompt: 'slow', aspectRatio: '1:1' }, { idempotencyKey: key(), deadline: soon() });
		const started = Date.now();
		const err = await catchErr(client.waitForTask(taskId, { intervalMs: 10, deadline: Date.now() + 200 }));
		expect(err.kind).toBe('timeout');
		expect(Date.now() - started).toBeLessThan(1000);
	});

	it('getTask: headers timeout → timeout; 401 → auth; caller abort → AbortError', async () => {
		emu.setDefault({ pollDelayMs: 1000 });
		const slow = makeClient({ headersTimeoutMs: 100 });
		const { taskId } = await slow.submit({ prompt: 'slow', aspectRatio: '1:1' }, { idempotencyKey: key(), deadline: soon() });
		const err = await catchErr(slow.getTask(taskId));
		expect(err.kind).toBe('timeout');
		expect(err.code).toBe('UND_ERR_HEADERS_TIMEOUT');

		const wrong = makeClient({ apiKey: 'nope' });
		expect((await catchErr(wrong.waitForTask(taskId, { intervalMs: 10, deadline: soon() }))).kind).toBe('auth');

		const ctl = new AbortController();
		const p = makeClient().getTask(taskId, ctl.signal);
		setTimeout(() => ctl.abort(), 20);
		await expect(p).rejects.toMatchObject({ name: 'AbortError' });
	});
});

describe('download', () => {
	it('returns exactly the CDN bytes, without sending the API key', async () => {
		emu.setDefault({ durationMs: 20, image: { width: 96, height: 64 } });
		const client = makeClient();
		const { taskId, snap } = await submitAndWait(client, 'a tree');
		const img = await client.download(snap.output[0]!.url, { maxBytes: 10 * 1024 * 1024 });
		expect(img.bytes.equals(emu.cdnBytes(taskId))).toBe(true);
		expect(img.extension).toBe('png');
		expect(img.contentType).toBe('image/png');
		const cdnReq = emu.requests.find((r) => r.path === `/cdn/${taskId}.png`);
		expect(cdnReq).toBeDefined();
		expect(cdnReq!.headers['authorization']).toBeUndefined();
	});

	it('sniffs the format from magic bytes, falling back to content-type', async () => {
		const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(100)]);
		const webp = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBPVP8 '), randomBytes(50)]);
		const gif = Buffer.concat([Buffer.from('GIF89a'), randomBytes(50)]);
		emu.script('jpeg', { durationMs: 10, image: { bytes: jpeg, contentType: 'application/octet-stream' } });
		emu.script('webp', { durationMs: 10, image: { bytes: webp, contentType: 'image/webp' } });
		emu.script('gif', { durationMs: 10, image: { bytes: gif, contentType: 'image/png' } });
		emu.script('mystery', { durationMs: 10, image: { bytes: Buffer.from('0123456789'), contentType: 'image/jpeg' } });
		const client = makeClient();
		const get = async (p: string) => client.download((await submitAndWait(client, p)).snap.output[0]!.url, { maxBytes: 1e6 });
		expect(await get('jpeg')).toMatchObject({ extension: 'jpg', contentType: 'image/jpeg' });
		expect(await get('webp')).toMatchObject({ extension: 'webp', contentType: 'image/webp' });
		expect(await get('gif')).toMatchObject({ extension: 'gif', contentType: 'image/gif' });
		expect(await get('mystery')).toMatchObject({ extension: 'jpg', contentType: 'image/jpeg' });
	});

	it('rejects non-image content', async () => {
		emu.setDefault({ durationMs: 10, image: { bytes: Buffer.from('<html><body>Access denied</body></html>'), contentType: 'text/html' } });
		const client = makeClient();
		const { snap } = await submitAndWait(client, 'html');
		const err = await catchErr(client.download(snap.output[0]!.url, { maxBytes: 1e6 }));
		expect(err.kind).toBe('download_failed');
		expect(err.message).toMatch(/not an image/);
	});

	it('too_large: rejected on Content-Length, and streaming aborts early', async () => {
		const big = Buffer.concat([PNG_MAGIC, randomBytes(4 * 1024 * 1024)]);
		emu.script('declared', { durationMs: 10, image: { bytes: big } });
		emu.script('streamed', { durationMs: 10, image: { bytes: big }, cdn: { chunked: true, chunkDelayMs: 10 } });
		const client = makeClient();
		const a = await submitAndWait(client, 'declared');
		expect((await catchErr(client.download(a.snap.output[0]!.url, { maxBytes: 256 * 1024 }))).kind).toBe('too_large');
		const b = await submitAndWait(client, 'streamed');
		const started = Date.now();
		const err = await catchErr(client.download(b.snap.output[0]!.url, { maxBytes: 256 * 1024 }));
		expect(err.kind).toBe('too_large');
		// 4 MiB in 64 KiB chunks 10 ms apart takes ≥ 640 ms; the limit is hit after ~5 chunks.
		expect(Date.now() - started).toBeLessThan(400);
		// and the same stream fits when the limit allows it
		const ok = await client.download(b.snap.output[0]!.url, { maxBytes: 8 * 1024 * 1024 });
		expect(ok.bytes.equals(emu.cdnBytes(b.taskId))).toBe(true);
	});

	it.each([403, 404, 410])('CDN %i → download_failed (expired link)', async (status) => {
		emu.setDefault({ durationMs: 10, cdn: { status } });
		const client = makeClient();
		const { snap } = await submitAndWait(client, 'gone');
		const err = await catchErr(client.download(snap.output[0]!.url, { maxBytes: 1e6 }));
		expect(err.kind).toBe('download_failed');
		expect(err.status).toBe(status);
	});

	it('truncated body → download_failed', async () => {
		emu.setDefault({ durationMs: 10, cdn: { truncate: true }, image: { width: 128, height: 128 } });
		const client = makeClient();
		const { snap } = await submitAndWait(client, 'cut');
		const err = await catchErr(client.download(snap.output[0]!.url, { maxBytes: 1e7 }));
		expect(err.kind).toBe('download_failed');
	});

	it('slow CDN → timeout', async () => {
		emu.setDefault({ durationMs: 10, cdn: { delayMs: 1000 } });
		const client = makeClient({ headersTimeoutMs: 100 });
		const { snap } = await submitAndWait(client, 'slow cdn');
		expect((await catchErr(client.download(snap.output[0]!.url, { maxBytes: 1e6 }))).kind).toBe('timeout');
	});
});

describe('pricing', () => {
	it('parses the default pricing (extra fields tolerated)', async () => {
		const client = makeClient();
		expect(await client.fetchPricing(emu.pricingUrl)).toEqual({ priceMicros: 50_000, version: '2026-11-01' });
		expect(await client.fetchPricing(emu.pricingUrl, 'other')).toEqual({ priceMicros: 1_000_000, version: '2026-11-01' });
		const req = emu.requests.find((r) => r.path === '/api/pricing');
		expect(req!.headers['authorization']).toBeUndefined();
	});

	it('follows setPricing', async () => {
		emu.setPricing({ priceUsd: 0.0375, version: 'v2' });
		expect(await makeClient().fetchPricing(emu.pricingUrl)).toEqual({ priceMicros: 37_500, version: 'v2' });
		emu.setPricing({ body: { data: [{ model_name: MODEL, base_usd_value: '0.04' }] } });
		expect(await makeClient().fetchPricing(emu.pricingUrl)).toEqual({ priceMicros: 40_000 });
	});

	it.each([
		['down (503)', { status: 503, body: 'unavailable' }, 'unavailable'],
		['malformed JSON', { body: '{"data": [' }, 'bad_response'],
		['no data array', { body: { success: true } }, 'bad_response'],
		['model missing', { body: { data: [{ model_name: 'other', base_usd_value: 1 }] } }, 'bad_response'],
		['price not a number', { body: { data: [{ model_name: MODEL, base_usd_value: 'free' }] } }, 'bad_response'],
	] as const)('%s → %s', async (_n, cfg, kind) => {
		emu.setPricing(cfg);
		expect((await catchErr(makeClient().fetchPricing(emu.pricingUrl))).kind).toBe(kind);
	});

	it('unreachable → unavailable', async () => {
		expect((await catchErr(makeClient().fetchPricing('http://127.0.0.1:1/api/pricing'))).kind).toBe('unavailable');
	});

	it.each([0, '0', 0.0000004, -0.05, 'Infinity', 1e300])(
		'a price of %s is not a price: bad_response, code invalid_price, the raw value kept',
		async (value) => {
			emu.setPricing({ body: { data: [{ model_name: MODEL, base_usd_value: value }] } });
			const err = await catchErr(makeClient().fetchPricing(emu.pricingUrl));
			expect(err).toMatchObject({ kind: 'bad_response', code: 'invalid_price', upstreamMessage: String(value) });
		},
	);

	it('one micro-dollar is the smallest price', async () => {
		emu.setPricing({ body: { data: [{ model_name: MODEL, base_usd_value: 0.0000006 }] } });
		expect(await makeClient().fetchPricing(emu.pricingUrl)).toEqual({ priceMicros: 1 });
	});
});

describe('shared backoff', () => {
	it('a 429 with Retry-After: 2 pauses every request of the client', async () => {
		const t = { clock: Date.now() };
		const pending: Array<{ ms: number; release: () => void }> = [];
		const client = makeClient({
			now: () => t.clock,
			sleep: (ms) =>
				new Promise<void>((resolve) => {
					const start = t.clock;
					pending.push({
						ms,
						release: () => {
							t.clock = Math.max(t.clock, start + ms);
							resolve();
						},
					});
				}),
		});
		const { taskId } = await client.submit({ prompt: 'first', aspectRatio: '1:1' }, { idempotencyKey: key(), deadline: t.clock + 60_000 });
		expect(client.pausedUntil()).toBeLessThanOrEqual(t.clock);
		emu.script('throttled', { submitError: { status: 429, retryAfter: '2', times: 1 } });

		const submitting = client.submit({ prompt: 'throttled', aspectRatio: '1:1' }, { idempotencyKey: key(), deadline: t.clock + 60_000 });
		await vi.waitFor(() => expect(pending).toHaveLength(1));
		expect(client.pausedUntil() - t.clock).toBe(2000);
		expect(pending[0]!.ms).toBe(2000);

		// A poll for an unrelated job waits for the pause too instead of hitting hiapi.
		const polled = client.getTask(taskId);
		await vi.waitFor(() => expect(pending).toHaveLength(2));
		expect(pending[1]!.ms).toBe(2000);
		await new Promise((r) => setTimeout(r, 50));
		expect(emu.requests.filter((r) => r.method === 'GET')).toHaveLength(0);

		for (const p of pending.splice(0)) p.release();
		const [second, snap] = await Promise.all([submitting, polled]);
		expect(snap.taskId).toBe(taskId);
		expect(second.taskId).not.toBe(taskId);
		expect(pending).toHaveLength(0); // nobody had to wait again
		expect(emu.requests.filter((r) => r.method === 'GET')).toHaveLength(1);
		expect(emu.submits()).toHaveLength(3);
		expect(emu.tasks()).toHaveLength(2);
		expect(logLines.some((l) => l['msg'] === 'hiapi backoff: pausing all requests' && l['status'] === 429)).toBe(true);
	});

	it('a 503 on a poll pauses the client too', async () => {
		emu.setDefault({ pollError: { status: 503, retryAfter: '1', times: 1 } });
		const ft = fakeTime();
		const client = makeClient({ now: ft.now, sleep: ft.sleep });
		const { taskId } = await client.submit({ prompt: 'p', aspectRatio: '1:1' }, { idempotencyKey: key(), deadline: ft.now() + 60_000 });
		const err = await catchErr(client.getTask(taskId));
		expect(err).toMatchObject({ kind: 'unavailable', status: 503, retryAfterMs: 1000 });
		expect(client.pausedUntil() - ft.now()).toBe(1000);
		await client.getTask(taskId); // waits out the pause first
		expect(ft.t.sleeps).toEqual([1000]);
	});
});

describe('observer (metrics hook)', () => {
	it('sees every API request by op, and each retried error by kind', async () => {
		const requests: string[] = [];
		const retried: string[] = [];
		const ft = fastSleep();
		const client = makeClient({ sleep: ft.sleep, observer: { request: (op, s) => requests.push(`${op}:${s >= 0}`), retried: (k) => retried.push(k) } });
		emu.script('observed', { submitError: { status: 429, retryAfter: '1', times: 1 }, pollError: { status: 500, times: 1 }, durationMs: 50 });
		const { taskId } = await client.submit({ prompt: 'observed', aspectRatio: '1:1' }, { idempotencyKey: key(), deadline: soon() });
		await client.waitForTask(taskId, { intervalMs: 20, deadline: soon() });
		await client.fetchPricing(emu.pricingUrl);
		expect(requests.filter((r) => r === 'submit:true')).toHaveLength(2);
		expect(requests.filter((r) => r === 'poll:true').length).toBeGreaterThanOrEqual(2);
		expect(requests).toContain('pricing:true');
		expect(retried).toEqual(['rate_limited', 'unavailable']);
	});
});
