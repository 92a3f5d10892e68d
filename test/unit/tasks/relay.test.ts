// In a fleet, a callback that reaches one process wakes the job waiting on another, through real Redis; the relayed
// message is hiapi's signed callback, verified again on receipt, so a client of the Redis server cannot forge one.
import { createClient, type RedisClientType } from '@keyv/redis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signHiapiCallback } from '../../emulators/hiapi.js';
import { CallbackRelay, RELAY_CHANNEL } from '../../../src/tasks/relay.js';
import type { SignedCallback, TaskSnapshot } from '../../../src/hiapi/index.js';
import { createMetrics } from '../../../src/metrics.js';
import { TaskWaiters } from '../../../src/tasks/waiters.js';
import { hasRedis, startRedis, type RedisServer } from '../../support/redis-server.js';

const SECRET = 'whsec-relay-test-signing-key-0123456789';
let redis: RedisServer | undefined;
const clients: RedisClientType[] = [];
const relays: CallbackRelay[] = [];
let channelNo = 0;

interface Proc {
	waiters: TaskWaiters;
	relay: CallbackRelay;
	client: RedisClientType;
	logs: Array<Record<string, unknown>>;
	metrics: ReturnType<typeof createMetrics>;
}

async function process_(channel?: string): Promise<Proc> {
	const client = createClient({ url: redis?.url ?? '' }) as RedisClientType;
	await client.connect();
	clients.push(client);
	const waiters = new TaskWaiters();
	const logs: Array<Record<string, unknown>> = [];
	const logger = pino({ level: 'warn' }, { write: (line: string) => logs.push(JSON.parse(line) as Record<string, unknown>) });
	const metrics = createMetrics();
	const relay = new CallbackRelay(client, waiters, { secret: SECRET, logger, metrics, ...(channel ? { channel } : {}) });
	await relay.start();
	relays.push(relay);
	return { waiters, relay, client, logs, metrics };
}

const bodyOf = (taskId: string, url = 'https://cdn.example/x.png') => JSON.stringify({ taskId, status: 'success', output: [{ url }] });
const signedOf = (body: string, secret = SECRET, ts = String(Math.floor(Date.now() / 1000))): SignedCallback => ({
	rawBody: Buffer.from(body),
	timestamp: ts,
	signature: signHiapiCallback(secret, ts, body),
});
const done = (taskId: string): TaskSnapshot => ({ taskId, status: 'success', phase: 'success', output: [{ url: 'https://cdn.example/x.png' }] });
/** Resolves with the arrival time of the task's first wake, or 'none' after `ms`. */
const wokeWithin = (p: Proc, taskId: string, ms: number) =>
	new Promise<number | 'none'>((resolve) => {
		p.waiters.register(taskId).wakes(resolve);
		setTimeout(() => resolve('none'), ms);
	});

beforeAll(async () => {
	if (hasRedis) redis = await startRedis();
});
afterAll(async () => {
	for (const r of relays) await r.stop();
	for (const c of clients) await c.quit().catch(() => undefined);
	await redis?.close();
});

describe.skipIf(!hasRedis)('callback relay', () => {
	it('uses a channel under the store namespace', () => {
		expect(RELAY_CHANNEL).toBe('imagine-bot:callbacks');
	});

	it('wakes the job on the other process once, and only relays what nobody here waits for', async () => {
		const channel = `test-relay-${++channelNo}`;
		const a = await process_(channel);
		const b = await process_(channel);
		const onA = wokeWithin(a, 'task-a', 2000);
		const onB = wokeWithin(b, 'task-b', 2000);
		expect(a.relay.deliver(done('task-a'), 1, signedOf(bodyOf('task-a')))).toBe('woke'); // waited for here: no relay
		expect(await onA).toBe(1);

		const before = Date.now();
		expect(a.relay.deliver(done('task-b'), 2, signedOf(bodyOf('task-b')))).toBe('relayed');
		// Woken with B's own clock: the sender's time is not part of what hiapi signed.
		expect(await onB).toBeGreaterThanOrEqual(before);
		// A duplicate callback (hiapi delivers at least once): A has seen it already, so it is not relayed again.
		expect(a.relay.deliver(done('task-b'), 3, signedOf(bodyOf('task-b')))).toBe('duplicate');
		await new Promise((r) => setTimeout(r, 200));
		expect(b.waiters.deliver(done('task-b'), 4)).toBe('duplicate');
	});

	it('refuses what hiapi did not sign: a forged, unsigned, stale, tampered or old-style message wakes nothing, and is logged at most once per reason per 10 s', async () => {
		const channel = `test-relay-${++channelNo}`;
		const b = await process_(channel);
		const woke = wokeWithin(b, 'task-c', 800);
		const publish = (m: unknown) => b.client.publish(channel, typeof m === 'string' ? m : JSON.stringify(m));
		const forged = signedOf(bodyOf('task-c', 'http://127.0.0.1:9/internal'), 'not-the-webhook-secret-000000');
		const message = (s: SignedCallback) => ({ v: 2, body: s.rawBody.toString('base64'), timestamp: s.timestamp, signature: s.signature });
		// The message format before this change: the parsed task, trusted by its shape.
		await publish({ at: 1, task: { taskId: 'task-c', status: 'success', phase: 'success', output: [{ url: 'http://127.0.0.1:9/x' }] } });
		await publish('not json');
		for (let i = 0; i < 5; i++) await publish(message(forged)); // 5 forgeries: 1 line, 5 counted
		await publish({ ...message(signedOf(bodyOf('task-c'))), signature: undefined }); // unsigned
		await publish(message(signedOf(bodyOf('task-c'), SECRET, String(Math.floor(Date.now() / 1000) - 301)))); // stale
		const genuine = signedOf(bodyOf('task-c'));
		await publish({ ...message(genuine), body: Buffer.from(bodyOf('task-c', 'http://127.0.0.1:9/x')).toString('base64') }); // tampered
		expect(await woke).toBe('none');
		const lines = b.logs.filter((l) => l.msg === 'relayed callback refused');
		expect(lines.map((l) => l.reason).sort()).toEqual(['bad_signature', 'malformed', 'stale_timestamp']);
		expect(lines.every((l) => l.channel === channel)).toBe(true);
		const refused = Number(/imagine_bot_hiapi_callbacks_total\{result="relay_refused"\} (\d+)/.exec(await b.metrics.registry.metrics())?.[1]);
		expect(refused).toBe(10);
	});

	it('ignores what is published on the old fixed channel', async () => {
		const b = await process_(); // the real channel
		const woke = wokeWithin(b, 'task-d', 500);
		await b.client.publish('ib:callbacks', JSON.stringify({ at: 1, task: { ...done('task-d') } }));
		expect(await woke).toBe('none');
	});
});
