// In a fleet, a callback that reaches one process wakes the job waiting on another, through real Redis.
import { createClient, type RedisClientType } from '@keyv/redis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallbackRelay } from '../../../src/tasks/relay.js';
import type { TaskSnapshot } from '../../../src/hiapi/index.js';
import { TaskWaiters } from '../../../src/tasks/waiters.js';
import { hasRedis, startRedis, type RedisServer } from '../../support/redis-server.js';

const logger = pino({ level: 'silent' });
let redis: RedisServer | undefined;
const clients: RedisClientType[] = [];
const relays: CallbackRelay[] = [];

async function process_(): Promise<{ waiters: TaskWaiters; relay: CallbackRelay; client: RedisClientType }> {
	const client = createClient({ url: redis?.url ?? '' }) as RedisClientType;
	await client.connect();
	clients.push(client);
	const waiters = new TaskWaiters();
	const relay = new CallbackRelay(client, waiters, logger);
	await relay.start();
	relays.push(relay);
	return { waiters, relay, client };
}

const done = (taskId: string): TaskSnapshot => ({ taskId, status: 'success', phase: 'success', output: [{ url: 'https://cdn.example/x.png' }] });

beforeAll(async () => {
	if (hasRedis) redis = await startRedis();
});
afterAll(async () => {
	for (const r of relays) await r.stop();
	for (const c of clients) await c.quit().catch(() => undefined);
	await redis?.close();
});

describe.skipIf(!hasRedis)('callback relay', () => {
	it('wakes the job on the other process once, and only relays what nobody here waits for', async () => {
		const a = await process_();
		const b = await process_();
		const onB = b.waiters.register('task-b');
		const onA = a.waiters.register('task-a');
		expect(a.relay.deliver(done('task-a'), 1)).toBe('woke'); // waited for here: no relay
		expect((await onA.pushed).snapshot.taskId).toBe('task-a');

		expect(a.relay.deliver(done('task-b'), 2)).toBe('relayed');
		const woke = await Promise.race([onB.pushed, new Promise<'late'>((r) => setTimeout(() => r('late'), 2000))]);
		expect(woke).toMatchObject({ at: 2, snapshot: { taskId: 'task-b', phase: 'success', output: [{ url: 'https://cdn.example/x.png' }] } });
		// A duplicate callback (hiapi delivers at least once): A has seen it already, so it is not relayed again.
		expect(a.relay.deliver(done('task-b'), 3)).toBe('duplicate');
		await new Promise((r) => setTimeout(r, 200));
		expect(b.waiters.deliver(done('task-b'), 4)).toBe('duplicate');
	});

	it('ignores a malformed message on the channel', async () => {
		const b = await process_();
		const waiting = b.waiters.register('task-c');
		await b.client.publish('ib:callbacks', JSON.stringify({ at: 1, task: { taskId: 'task-c', phase: 'exploded' } }));
		await b.client.publish('ib:callbacks', 'not json');
		const result = await Promise.race([waiting.pushed, new Promise<'none'>((r) => setTimeout(() => r('none'), 500))]);
		expect(result).toBe('none');
	});
});
