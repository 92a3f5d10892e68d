// Property tests for hiapi callbacks: random signatures, timestamps and bodies (task objects, any JSON, unicode and
// binary junk, oversize). The pure check in bulk, then a smaller run through the real HTTP route on 127.0.0.1: never
// a 2xx unless correctly signed and in the time window, never a crash, never a wake for a refused request.
import { createHmac } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signHiapiCallback } from '../../emulators/hiapi.js';
import { CALLBACK_MAX_BYTES, verifyCallback } from '../../../src/hiapi/index.js';
import { startHttpServer } from '../../../src/app/http.js';
import { createMetrics } from '../../../src/metrics.js';

const SECRET = 'whsec-fuzz-signing-key-0123456789';
const NOW_S = 1_780_000_000;

type BodyKind = 'task' | 'json' | 'text' | 'bytes' | 'oversize';
const ascii = (max: number) => fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: max });

const taskBody = fc
	.record({
		taskId: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
		status: fc.oneof(fc.constantFrom('success', 'fail', 'failed', 'handling', 'queued', 'archiving'), fc.string({ unit: 'grapheme', minLength: 1 })),
		output: fc.oneof(fc.constant(null), fc.array(fc.record({ url: fc.webUrl(), type: fc.constantFrom('image', 'video') }), { maxLength: 3 })),
		created: fc.oneof(fc.integer({ min: 0, max: 2 ** 32 }), fc.constant(null)),
		completed: fc.oneof(fc.integer({ min: 0, max: 2 ** 32 }), fc.constant(null)),
	})
	.map((t) => JSON.stringify(t));
const body: fc.Arbitrary<{ kind: BodyKind; bytes: Buffer }> = fc.oneof(
	taskBody.map((s) => ({ kind: 'task' as const, bytes: Buffer.from(s) })),
	fc.json().map((s) => ({ kind: 'json' as const, bytes: Buffer.from(s) })),
	fc.string({ unit: 'grapheme', maxLength: 200 }).map((s) => ({ kind: 'text' as const, bytes: Buffer.from(s) })),
	fc.uint8Array({ maxLength: 300 }).map((a) => ({ kind: 'bytes' as const, bytes: Buffer.from(a) })),
	fc.integer({ min: 1, max: 4096 }).map((extra) => ({ kind: 'oversize' as const, bytes: Buffer.alloc(CALLBACK_MAX_BYTES + extra, 0x7b) })),
);

type TsKind = 'in' | 'out' | 'junk' | 'none';
const timestamp: fc.Arbitrary<{ kind: TsKind; value: string | undefined }> = fc.oneof(
	fc.integer({ min: -300, max: 300 }).map((off) => ({ kind: 'in' as const, value: String(NOW_S + off) })),
	fc
		.oneof(fc.integer({ min: 301, max: 10 ** 8 }), fc.integer({ min: -(10 ** 8), max: -301 }))
		.map((off) => ({ kind: 'out' as const, value: String(NOW_S + off) })),
	fc
		.oneof(ascii(20), fc.constantFrom(`${NOW_S}.5`, `+${NOW_S}`, `-${NOW_S}`, ` ${NOW_S}`, '1e9', '0x6A1B', ''))
		.map((v) => ({ kind: 'junk' as const, value: v })),
	fc.constant({ kind: 'none' as const, value: undefined }),
);

type SigKind = 'correct' | 'upper' | 'flipped' | 'other-key' | 'random' | 'junk' | 'none';
const signature = fc.oneof(
	fc.constantFrom<SigKind>('correct', 'upper', 'flipped', 'other-key', 'none'),
	fc.constant<SigKind>('random'),
	fc.constant<SigKind>('junk'),
);
const sign = (kind: SigKind, ts: string | undefined, bytes: Buffer, random: string, junk: string): string | undefined => {
	const mac = (key: string) =>
		createHmac('sha256', key)
			.update(`${ts ?? ''}.`)
			.update(bytes)
			.digest('hex');
	switch (kind) {
		case 'correct':
			return mac(SECRET);
		case 'upper':
			return mac(SECRET).toUpperCase();
		case 'flipped': {
			const good = mac(SECRET);
			return `${good.slice(0, 10)}${good[10] === '0' ? '1' : '0'}${good.slice(11)}`;
		}
		case 'other-key':
			return mac('whsec-not-the-right-key-0000000000');
		case 'random':
			return random;
		case 'junk':
			return junk;
		case 'none':
			return undefined;
	}
};
const sample = fc.record({
	body,
	timestamp,
	sig: signature,
	random: fc.stringMatching(/^[0-9a-f]{64}$/),
	junk: ascii(80),
	subMs: fc.integer({ min: 0, max: 999 }),
});
/** A well-formed task object: what hiapi signs. */
const isTask = (bytes: Buffer) => {
	try {
		const v = JSON.parse(bytes.toString('utf8')) as unknown;
		return (
			typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as { taskId?: unknown }).taskId === 'string' && !!(v as { taskId: string }).taskId
		);
	} catch {
		return false;
	}
};
const authentic = (s: { sig: SigKind; timestamp: { kind: TsKind } }) => (s.sig === 'correct' || s.sig === 'upper') && s.timestamp.kind === 'in';

describe('callback verification, fuzzed', () => {
	it('accepts exactly the correctly signed, in-window task objects, and never throws', () => {
		fc.assert(
			fc.property(sample, (s) => {
				const sig = sign(s.sig, s.timestamp.value, s.body.bytes, s.random, s.junk);
				const verdict = verifyCallback({ rawBody: s.body.bytes, timestamp: s.timestamp.value, signature: sig, secret: SECRET, now: NOW_S * 1000 + s.subMs });
				if (verdict.ok) {
					// Accepted: signed with our key over this timestamp and these bytes, in the window, a task object.
					expect(authentic(s) || (s.sig === 'random' && s.timestamp.kind === 'in' && sig === sign('correct', s.timestamp.value, s.body.bytes, '', ''))).toBe(
						true,
					);
					expect(isTask(s.body.bytes)).toBe(true);
				} else if (authentic(s) && s.body.kind === 'task') {
					throw new Error(`refused a genuine callback: ${verdict.reason}`);
				}
			}),
			{ numRuns: 3000 },
		);
	});
});

describe('the callback route, fuzzed over real HTTP', () => {
	let server: Server;
	let url: string;
	const woken: string[] = [];

	beforeAll(async () => {
		server = await startHttpServer({
			port: 0,
			checks: {
				gateway: () => ({ ok: true, shards: { 0: true } }),
				store: () => Promise.resolve(true),
				storeKind: 'sqlite',
				jobs: () => ({ running: 0, queued: 0, accepting: true }),
			},
			metrics: createMetrics(),
			logger: pino({ level: 'silent' }),
			callback: {
				path: '/hiapi/callback',
				secret: SECRET,
				now: () => NOW_S * 1000 + 500,
				onTask: (t) => {
					woken.push(t.taskId);
					return 'woke';
				},
			},
		});
		url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hiapi/callback`;
	});
	afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

	it('answers 2xx (and wakes) only for a correctly signed, in-window task object; never 5xx; still healthy after', async () => {
		await fc.assert(
			fc.asyncProperty(sample, async (s) => {
				const sig = sign(s.sig, s.timestamp.value, s.body.bytes, s.random, s.junk);
				const headers: Record<string, string> = { 'content-type': 'application/json' };
				if (s.timestamp.value !== undefined) headers['x-hiapi-timestamp'] = s.timestamp.value;
				if (sig !== undefined) headers['x-hiapi-signature'] = sig;
				const wokenBefore = woken.length;
				// An oversize body may be cut off mid-send (413 and close): the client then sees a reset, not an answer.
				const status = await fetch(url, { method: 'POST', headers, body: s.body.bytes, signal: AbortSignal.timeout(5000) })
					.then(async (r) => (await r.arrayBuffer(), r.status))
					.catch(() => 0);
				const accepted = status >= 200 && status < 300;
				expect(status === 0 || (status >= 200 && status < 500)).toBe(true);
				if (accepted) expect(authentic(s) && s.body.kind !== 'oversize' && isTask(s.body.bytes)).toBe(true);
				if (authentic(s) && s.body.kind === 'task') expect(status).toBe(204);
				expect(woken.length - wokenBefore).toBe(accepted ? 1 : 0);
			}),
			{ numRuns: 150 },
		);
		expect((await fetch(url.replace('/hiapi/callback', '/healthz'))).status).toBe(200);
	});

	it('a fixed genuine callback passes the same route (the property is not vacuous)', async () => {
		const b = JSON.stringify({ taskId: 'tk-fuzz-genuine', status: 'success', output: [{ url: 'https://cdn.hiapi.ai/x.png' }] });
		const ts = String(NOW_S);
		const res = await fetch(url, { method: 'POST', headers: { 'x-hiapi-timestamp': ts, 'x-hiapi-signature': signHiapiCallback(SECRET, ts, b) }, body: b });
		expect(res.status).toBe(204);
		expect(woken).toContain('tk-fuzz-genuine');
	});
});
