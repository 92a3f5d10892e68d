// `/imagine count:` through the real built bot, the Discord and hiapi emulators: one reservation of N × price,
// N tasks with distinct Idempotency-Keys, one message with every image, each charged only when delivered;
// all or nothing when N don't fit; restart-safe after a SIGKILL mid-batch, on SQLite and on Redis.
import type { APIMessage } from 'discord.js';
import { ComponentType, type APIButtonComponentWithCustomId } from 'discord.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SentInteraction } from '../emulators/discord/index.js';
import { readCard } from '../support/card.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';
import { createWorld, newUserId, outcome, replyContent, stringOption, usage, type BotProcess, type World } from './harness.js';

const ENV = { IMAGE_PRICE_USD: '0.05', DEFAULT_USER_BUDGET_USD: '0.30', MAX_JOBS_PER_USER: '5', TASK_TIMEOUT_MS: '20000' };

function batch(world: World, prompt: string, count: number, userId = newUserId()): SentInteraction {
	return world.discord.sendInteraction({
		commandName: 'imagine',
		options: [stringOption('prompt', prompt), { name: 'count', type: 4, value: count }],
		user: { id: userId },
	});
}

/** hiapi tasks made for an interaction's batch (keys `<id>-<i>`). */
const tasksOf = (world: World, id: string) => world.hiapi.tasks().filter((t) => t.idempotencyKey?.startsWith(`${id}-`));
const imageEdits = (world: World, id: string) => world.discord.edits(id).filter((r) => r.status === 200 && r.files.length > 0);

function buttons(message: APIMessage | undefined): APIButtonComponentWithCustomId[] {
	const found: APIButtonComponentWithCustomId[] = [];
	const walk = (c: { type: number; components?: unknown[] }): void => {
		if (c.type === ComponentType.Button) found.push(c as unknown as APIButtonComponentWithCustomId);
		for (const child of c.components ?? []) walk(child as { type: number; components?: unknown[] });
	};
	for (const c of message?.components ?? []) walk(c);
	return found;
}

describe('batches on SQLite', () => {
	let world: World;
	let bot: BotProcess;

	beforeAll(async () => {
		world = await createWorld(ENV);
		bot = await world.start();
	}, 40_000);
	afterAll(async () => {
		await world?.close();
	});

	it('count 4: one message with 4 images, 4 distinct Idempotency-Keys, charged 4 × price', async () => {
		const userId = newUserId();
		const sent = batch(world, 'four foxes', 4, userId);
		const done = await outcome(world, bot, sent.id);
		expect(done.kind).toBe('delivered');
		expect(
			tasksOf(world, sent.id)
				.map((t) => t.idempotencyKey)
				.sort(),
		).toEqual([0, 1, 2, 3].map((i) => `${sent.id}-${i}`));
		expect(world.hiapi.submits().filter((r) => String(r.headers['idempotency-key']).startsWith(sent.id))).toHaveLength(4);
		expect(imageEdits(world, sent.id)).toHaveLength(1);
		expect(done.finalEdit?.files).toHaveLength(4);
		const card = readCard(done.message);
		expect(card.media).toHaveLength(4);
		expect(card.facts.Cost).toBe('$0.20');
		expect(await usage(world, userId)).toMatchObject({ Spent: '$0.20', 'Images this period': '4' });
	});

	it('one of 4 failing: 3 images, the message says 1 failed and why, 3 charged', async () => {
		const userId = newUserId();
		const sent = batch(world, 'three and a half owls', 4, userId);
		world.hiapi.scriptKey(`${sent.id}-2`, { final: 'failed' });
		const done = await outcome(world, bot, sent.id);
		expect(done.kind).toBe('delivered');
		expect(done.finalEdit?.files).toHaveLength(3);
		const card = readCard(done.message);
		expect(card.media).toHaveLength(3);
		expect(card.text).toContain('3 of 4 images made; 1 failed:');
		expect(card.text).toContain('You were not charged for it.');
		expect(await usage(world, userId)).toMatchObject({ Spent: '$0.15', 'Images this period': '3' });
	});

	it("N that don't fit: told how many would, nothing submitted, nothing charged", async () => {
		const userId = newUserId();
		expect((await outcome(world, bot, batch(world, 'first four', 4, userId).id)).kind).toBe('delivered');
		const sent = batch(world, 'four more', 4, userId);
		const reply = await replyContent(world, sent.id);
		expect(reply).toMatchObject({ ephemeral: true, type: 4 });
		expect(reply.content).toContain('There is budget for 2 of the 4 images');
		await new Promise((r) => setTimeout(r, 300));
		expect(tasksOf(world, sent.id)).toHaveLength(0);
		expect(await usage(world, userId)).toMatchObject({ Spent: '$0.20', 'Images this period': '4' });
	});

	it('a forged count of 7 (past the registered max): a private answer, nothing charged or submitted', async () => {
		const userId = newUserId();
		const sent = batch(world, 'seven seas', 7, userId);
		const reply = await replyContent(world, sent.id);
		expect(reply).toMatchObject({ ephemeral: true, type: 4 });
		expect(reply.content).toMatch(/1.+4/);
		await new Promise((r) => setTimeout(r, 300));
		expect(world.hiapi.submits().filter((r) => String(r.headers['idempotency-key']).startsWith(sent.id))).toHaveLength(0);
		expect((await usage(world, userId)).Spent).toBe('$0.00');
	});

	it('Reroll of a batch makes a new batch of the same size, paid by the clicker', async () => {
		const requester = newUserId();
		const done = await outcome(world, bot, batch(world, 'two kites', 2, requester).id);
		const message = done.message as APIMessage;
		const reroll = buttons(message).find((b) => b.custom_id.startsWith('imagine:reroll:'));
		const clicker = newUserId();
		const click = world.discord.clickButton({ messageId: message.id, customId: reroll?.custom_id ?? '', user: { id: clicker } });
		const again = await outcome(world, bot, click.id);
		expect(again.kind).toBe('delivered');
		expect(readCard(again.message).media).toHaveLength(2);
		expect(tasksOf(world, click.id)).toHaveLength(2);
		expect((await usage(world, clicker)).Spent).toBe('$0.10');
		expect((await usage(world, requester)).Spent).toBe('$0.10');
	});
});

/** SIGKILL while the batch's tasks run, then a new process on the same store: every image delivered once, charged once. */
async function killMidBatch(world: World): Promise<void> {
	world.hiapi.script('kill-batch', { durationMs: 2500 });
	const userId = newUserId();
	const first = await world.start();
	const sent = batch(world, 'kill-batch of four', 4, userId);
	await first.waitForLog((l) => l.jobId === sent.id && l.msg === 'batch tasks submitted');
	await first.kill();
	const second = await world.start();
	try {
		const done = await outcome(world, second, sent.id, 30_000);
		expect(done.kind).toBe('delivered');
		expect(second.logs.some((l) => l.jobId === sent.id && (l.msg === 'resuming job' || l.msg === 'picked up job from the fleet'))).toBe(true);
		expect(tasksOf(world, sent.id)).toHaveLength(4);
		expect(imageEdits(world, sent.id)).toHaveLength(1);
		expect(done.finalEdit?.files).toHaveLength(4);
		expect(await usage(world, userId)).toMatchObject({ Spent: '$0.20', 'Images this period': '4' });
	} finally {
		await second.kill();
	}
}

describe('restart safety of a batch', () => {
	let world: World | undefined;
	let redis: RedisServer | undefined;
	afterEach(async () => {
		await world?.close();
		await redis?.close();
		world = undefined;
		redis = undefined;
	});

	it('SQLite: SIGKILL mid-batch, restarted: every image delivered once, charged exactly once', async () => {
		world = await createWorld(ENV);
		await killMidBatch(world);
	}, 60_000);

	it('Redis (fleet mode): SIGKILL mid-batch, another process: every image delivered once, charged exactly once', async () => {
		redis = await startRedis();
		world = await createWorld({ ...ENV, STORE_URL: redis.url, JOB_LOCK_MS: '3000' });
		await killMidBatch(world);
	}, 60_000);
});
