// hiapi callbacks: the verification rules (pure), and the route on the bot's HTTP server over real HTTP, signed
// by the hiapi emulator's own signer: refused requests change nothing, and each task wakes its job once.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signHiapiCallback } from '../../emulators/hiapi.js';
import { CALLBACK_MAX_BYTES, verifyCallback } from '../../../src/hiapi/index.js';
import { startHttpServer } from '../../../src/app/http.js';
import { createMetrics, type Metrics } from '../../../src/metrics.js';
import { TaskWaiters } from '../../../src/tasks/waiters.js';
import { rawConnection, requestHead } from '../../support/raw-http.js';

const SECRET = 'whsec-unit-test-signing-key-0123456789';
const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);
const task = (taskId: string, status = 'success') =>
	JSON.stringify({
		taskId,
		model: 'flux-1.1-pro',
		status,
		created: NOW / 1000 - 15,
		completed: NOW / 1000,
		output: [{ url: `https://cdn.example/${taskId}.png` }],
	});
const signed = (body: string, ts = String(Math.floor(NOW / 1000)), secret = SECRET) => ({ timestamp: ts, signature: signHiapiCallback(secret, ts, body) });
const verify = (body: string, headers: { timestamp?: string; signature?: string }, now = NOW) =>
	verifyCallback({ rawBody: Buffer.from(body), timestamp: headers.timestamp, signature: headers.signature, secret: SECRET, now });

describe('callback verification', () => {
	it('accepts a correctly signed task object and reads it like a poll answer', () => {
		const body = task('tk-1');
		const verdict = verify(body, signed(body));
		expect(verdict).toMatchObject({
			ok: true,
			task: { taskId: 'tk-1', status: 'success', phase: 'success', output: [{ url: 'https://cdn.example/tk-1.png' }] },
		});
		expect(verify(task('tk-2', 'failed'), signed(task('tk-2', 'failed')))).toMatchObject({ ok: true, task: { phase: 'failed' } });
	});

	it('refuses a missing or wrong signature, a tampered body, another key, or a signature that is not hex', () => {
		const body = task('tk-1');
		const good = signed(body);
		expect(verify(body, {})).toMatchObject({ ok: false, status: 401, reason: 'missing_signature' });
		expect(verify(body, { timestamp: good.timestamp })).toMatchObject({ ok: false, status: 401, reason: 'missing_signature' });
		expect(verify(body, { ...good, signature: good.signature.replace(/^./, good.signature.startsWith('a') ? 'b' : 'a') })).toMatchObject({
			status: 401,
			reason: 'bad_signature',
		});
		expect(verify(body.replace('tk-1', 'tk-9'), good)).toMatchObject({ status: 401, reason: 'bad_signature' });
		expect(verify(`${body} `, good)).toMatchObject({ status: 401, reason: 'bad_signature' }); // raw bytes, not re-serialized JSON
		expect(verify(body, signed(body, good.timestamp, 'whsec-some-other-key-000000000000'))).toMatchObject({ status: 401, reason: 'bad_signature' });
		expect(verify(body, { ...good, signature: 'z'.repeat(64) })).toMatchObject({ status: 401, reason: 'bad_signature' });
		expect(verify(body, { ...good, signature: good.signature.slice(2) })).toMatchObject({ status: 401, reason: 'bad_signature' });
		// The timestamp is signed too.
		expect(verify(body, { ...good, timestamp: String(Number(good.timestamp) + 1) })).toMatchObject({ status: 401, reason: 'bad_signature' });
	});

	it('refuses a correctly signed timestamp more than 300 s away, either way', () => {
		const body = task('tk-1');
		const at = (offsetS: number) => signed(body, String(Math.floor(NOW / 1000) + offsetS));
		expect(verify(body, at(-301))).toMatchObject({ status: 401, reason: 'stale_timestamp' });
		expect(verify(body, at(301))).toMatchObject({ status: 401, reason: 'stale_timestamp' });
		expect(verify(body, at(-299)).ok).toBe(true);
		expect(verify(body, at(299)).ok).toBe(true);
	});

	it('measures the window in whole seconds, the same both ways: 300 s off passes, 301 s fails, whatever the sub-second', () => {
		const body = task('tk-1');
		for (const subMs of [0, 1, 500, 999]) {
			const now = NOW + subMs; // NOW is a whole second
			const at = (offsetS: number) => verify(body, signed(body, String(NOW / 1000 + offsetS)), now);
			expect(at(-300).ok, `-300 s at +${subMs} ms`).toBe(true);
			expect(at(300).ok, `+300 s at +${subMs} ms`).toBe(true);
			expect(at(-301), `-301 s at +${subMs} ms`).toMatchObject({ ok: false, status: 401, reason: 'stale_timestamp' });
			expect(at(301), `+301 s at +${subMs} ms`).toMatchObject({ ok: false, status: 401, reason: 'stale_timestamp' });
		}
	});

	it('refuses (400) a signed body that is not a task object', () => {
		for (const body of ['not json', '{"status":"success"}', '[]', '{"taskId":"tk-1"}']) {
			expect(verify(body, signed(body))).toMatchObject({ ok: false, status: 400, reason: 'bad_body' });
		}
	});
});

describe('the callback route (real HTTP)', () => {
	let server: Server;
	let url: string;
	let metrics: Metrics;
	const waiters = new TaskWaiters();
	const path = '/hiapi/callback';

	beforeAll(async () => {
		metrics = createMetrics();
		server = await startHttpServer({
			port: 0,
			checks: {
				gateway: () => ({ ok: true, shards: { 0: true } }),
				store: () => Promise.resolve(true),
				storeKind: 'sqlite',
				jobs: () => ({ running: 0, queued: 0, accepting: true }),
			},
			metrics,
			logger: pino({ level: 'silent' }),
			callback: { path, secret: SECRET, onTask: (t, at) => waiters.deliver(t, at) },
		});
		url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
	});
	afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

	const post = (body: string, headers: Record<string, string>) =>
		fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
	const signedHeaders = (body: string, ts = String(Math.floor(Date.now() / 1000))) => ({
		'x-hiapi-timestamp': ts,
		'x-hiapi-signature': signHiapiCallback(SECRET, ts, body),
	});
	const counted = async (result: string) =>
		Number(new RegExp(`imagine_bot_hiapi_callbacks_total\\{result="${result}"\\} (\\d+)`).exec(await metrics.registry.metrics())?.[1] ?? 0);

	it('wakes the waiting job once: duplicates, sequential and concurrent, are acknowledged and change nothing', async () => {
		const { wakes: subscribe, release } = waiters.register('tk-route-1');
		let wakes = 0;
		subscribe(() => wakes++);
		const body = task('tk-route-1');
		const first = await post(body, signedHeaders(body));
		expect(first.status).toBe(204);
		const again = await Promise.all([post(body, signedHeaders(body)), post(body, signedHeaders(body)), post(body, signedHeaders(body))]);
		expect(again.map((r) => r.status)).toEqual([204, 204, 204]);
		// Each verified report rings the job's wait (which polls hiapi at most once a second); only the first counts as woke.
		expect(wakes).toBe(4);
		expect(await counted('woke')).toBe(1);
		expect(await counted('duplicate')).toBe(3);
		release();
		expect((await post(body, signedHeaders(body))).status).toBe(204); // after the job is done: still a duplicate
		expect(await counted('duplicate')).toBe(4);
	});

	it('acknowledges and ignores a task nobody waits for; a job that starts waiting soon after still gets it', async () => {
		const body = task('tk-route-early');
		expect((await post(body, signedHeaders(body))).status).toBe(204);
		expect(await counted('unknown')).toBe(1);
		const early = waiters.register('tk-route-early');
		expect(await new Promise<number>((resolve) => early.wakes(resolve))).toBeGreaterThan(0);
	});

	it('refuses bad signatures and stale timestamps with 401, and too large bodies with 413, without touching the job', async () => {
		let woken = false;
		waiters.register('tk-route-2').wakes(() => (woken = true));
		const body = task('tk-route-2');
		const bad = await post(body, { ...signedHeaders(body), 'x-hiapi-signature': '0'.repeat(64) });
		expect(bad.status).toBe(401);
		expect(await bad.json()).toEqual({ error: 'refused_signature' });
		expect((await post(body, {})).status).toBe(401);
		const stale = await post(body, signedHeaders(body, String(Math.floor(Date.now() / 1000) - 301)));
		expect(stale.status).toBe(401);
		expect(await stale.json()).toEqual({ error: 'refused_stale' });
		const huge = `{"taskId":"tk-route-2","status":"success","pad":"${'x'.repeat(CALLBACK_MAX_BYTES)}"}`;
		// The bot answers 413 and closes: the client sees the 413 or, still sending, a reset.
		const tooLarge = await post(huge, signedHeaders(huge)).catch(() => undefined);
		if (tooLarge) expect(tooLarge.status).toBe(413);
		expect(await counted('too_large')).toBe(1);
		expect((await fetch(url)).status).toBe(405);
		await new Promise((r) => setTimeout(r, 50));
		expect(woken).toBe(false);
		expect(await counted('refused_signature')).toBe(2);
		expect(await counted('refused_stale')).toBe(1);
	});

	it('still serves /healthz with the shards', async () => {
		const health = await fetch(url.replace(path, '/healthz'));
		expect(await health.json()).toMatchObject({ status: 'ok', gateway: true, shards: { 0: true } });
	});
});

describe('the callback route cannot be held open (raw sockets on 127.0.0.1)', () => {
	let server: Server;
	let port: number;
	let metrics: Metrics;
	const logs: Array<Record<string, unknown>> = [];
	const woken: string[] = [];
	const path = '/hiapi/callback';
	const BODY = 64 * 1024 - 1;

	beforeAll(async () => {
		metrics = createMetrics();
		server = await startHttpServer({
			port: 0,
			checks: {
				gateway: () => ({ ok: true, shards: { 0: true } }),
				store: () => Promise.resolve(true),
				storeKind: 'sqlite',
				jobs: () => ({ running: 0, queued: 0, accepting: true }),
			},
			metrics,
			logger: pino({ level: 'warn' }, { write: (line: string) => logs.push(JSON.parse(line) as Record<string, unknown>) }),
			callback: {
				path,
				secret: SECRET,
				bodyDeadlineMs: 300,
				onTask: (t) => {
					woken.push(t.taskId);
					return 'woke';
				},
			},
		});
		port = (server.address() as AddressInfo).port;
	});
	afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

	const counted = async (result: string) =>
		Number(new RegExp(`imagine_bot_hiapi_callbacks_total\\{result="${result}"\\} (\\d+)`).exec(await metrics.registry.metrics())?.[1] ?? 0);
	/** Headers for a 64 KiB body, then 1 KiB of it, then 1 KiB every 50 ms: a body that would take ~3 s to arrive. */
	const trickling = (headers: Record<string, string>) => {
		const c = rawConnection(port, { head: requestHead('POST', path, { 'content-type': 'application/json', 'content-length': BODY, ...headers }) });
		c.send(Buffer.alloc(1024, 0x20));
		c.trickle(Buffer.alloc(1024, 0x20), 50, BODY);
		return c;
	};

	it('answers 401 to a request without the signature headers before reading its body, and closes the connection', async () => {
		const c = trickling({});
		const answer = await c.answer;
		expect(answer.status).toBe(401);
		expect(answer.head).toContain('connection: close');
		expect(answer.bodySent).toBeLessThan(BODY); // answered while the body was still coming
		await c.closed; // and the bot hung up (the trickle would otherwise go on for seconds)
		expect(c.socket.readableEnded || c.socket.destroyed).toBe(true);
		c.destroy();
	});

	it('answers 401 before the body to a timestamp outside the window, or a signature that is not 64 hex digits', async () => {
		const stale = String(Math.floor(Date.now() / 1000) - 301);
		const future = String(Math.floor(Date.now() / 1000) + 301);
		for (const headers of [
			{ 'x-hiapi-timestamp': stale, 'x-hiapi-signature': 'a'.repeat(64) },
			{ 'x-hiapi-timestamp': future, 'x-hiapi-signature': 'a'.repeat(64) },
			{ 'x-hiapi-timestamp': String(Math.floor(Date.now() / 1000)), 'x-hiapi-signature': 'not-hex' },
			{ 'x-hiapi-signature': 'a'.repeat(64) },
		]) {
			const c = trickling(headers);
			const answer = await c.answer;
			expect(answer.status).toBe(401);
			expect(answer.bodySent).toBeLessThan(BODY);
			await c.closed;
			c.destroy();
		}
	});

	it('cuts a request with well-formed signature headers whose body trickles, at the body deadline (408)', async () => {
		const c = trickling({ 'x-hiapi-timestamp': String(Math.floor(Date.now() / 1000)), 'x-hiapi-signature': 'a'.repeat(64) });
		const answer = await c.answer;
		expect(answer.status).toBe(408);
		expect(answer.bodySent).toBeLessThan(BODY);
		await c.closed;
		c.destroy();
		expect(await counted('body_timeout')).toBe(1);
	});

	it('logs refusals at most once per reason per 10 s, with the count held back, while the metrics count each one', async () => {
		const beforeCount = await counted('refused_signature');
		const statuses = await Promise.all(
			Array.from({ length: 20 }, () =>
				fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', body: '{}', headers: { 'x-hiapi-timestamp': '1', 'x-hiapi-signature': 'zz' } }).then(
					(r) => r.status,
				),
			),
		);
		expect(statuses.every((s) => s === 401)).toBe(true);
		expect(await counted('refused_signature')).toBe(beforeCount + 20);
		// One line for the first refusal of this kind in this server's life; the rest are within its 10 s window.
		const lines = logs.filter((l) => l.msg === 'hiapi callback refused' && l.result === 'refused_signature');
		expect(lines).toHaveLength(1);
		expect(woken).toEqual([]);
	});
});
