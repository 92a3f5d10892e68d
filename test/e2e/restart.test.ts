// Restarts, crashes and shutdowns: an image that was paid for is never lost, never charged twice,
// and no reply is left on "thinking…". The bot is SIGKILLed at each job state and restarted on the same store.
import KeyvSqlite from '@keyv/sqlite';
import Keyv from 'keyv';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SentInteraction } from '../emulators/discord/index.js';
import { readCard } from '../support/card.js';
import { createWorld, imagine, newUserId, outcome, replyContent, usage, type BotProcess, type World } from './harness.js';

let world: World;

beforeAll(async () => {
	world = await createWorld({ IMAGE_PRICE_USD: '0.05', TASK_TIMEOUT_MS: '20000', SHUTDOWN_GRACE_MS: '5000' });
}, 40_000);

afterAll(async () => {
	await world?.close();
});

// A failed test must not leave a bot connected: two bots would both answer the next interaction.
afterEach(async () => {
	await Promise.all(world.bots.map((b) => b.kill()));
});

/** Starts the bot; each test leaves none running. */
async function withBot<T>(fn: (bot: BotProcess) => Promise<T>, env: Record<string, string> = {}): Promise<T> {
	const bot = await world.start(env);
	try {
		return await fn(bot);
	} finally {
		await bot.kill();
	}
}

function tasksFor(id: string) {
	return world.hiapi.tasks().filter((t) => t.idempotencyKey === id);
}

describe('restart safety', () => {
	it('spend survives a restart on the same SQLite file', async () => {
		const userId = newUserId();
		await withBot(async (bot) => {
			expect((await outcome(world, bot, imagine(world, { prompt: 'persist me', userId }).id)).kind).toBe('delivered');
			expect(await bot.stop()).toMatchObject({ code: 0 });
		});
		await withBot(async () => {
			expect(await usage(world, userId)).toMatchObject({ Spent: '$0.05', 'Images this period': '1' });
		});
	});

	it('killed while reserved (submit not yet accepted): resubmitted with the same Idempotency-Key, delivered once, charged once', async () => {
		world.hiapi.script('kill-reserved', { submitError: { status: 503, retryAfter: '10', times: 1 } });
		const userId = newUserId();
		let sent!: SentInteraction;
		await withBot(async (bot) => {
			sent = imagine(world, { prompt: 'kill-reserved', userId });
			await bot.waitForLog((l) => l.jobId === sent.id && l.msg === 'image accepted');
			await world.discord.waitFor((r) => r.interactionId === sent.id && r.path.endsWith('/callback'));
			await bot.waitForLog((l) => l.msg === 'hiapi submit retry' || String(l.msg).includes('retry'));
		}).catch(() => undefined);
		await withBot(async (bot) => {
			const done = await outcome(world, bot, sent.id);
			expect(done.kind).toBe('delivered');
			expect(done.finalEdit?.files).toHaveLength(1);
			expect(bot.logs.some((l) => l.msg === 'resuming job' && l.jobId === sent.id && l.state === 'reserved')).toBe(true);
		});
		expect(tasksFor(sent.id)).toHaveLength(1);
		await withBot(async () => expect((await usage(world, userId)).Spent).toBe('$0.05'));
	});

	it('killed while submitted (task running): polling resumes, delivered once, charged once', async () => {
		world.hiapi.script('kill-submitted', { durationMs: 2500 });
		const userId = newUserId();
		let sent!: SentInteraction;
		await withBot(async (bot) => {
			sent = imagine(world, { prompt: 'kill-submitted', userId });
			await bot.waitForLog((l) => l.jobId === sent.id && l.msg === 'task submitted');
		});
		await withBot(async (bot) => {
			const done = await outcome(world, bot, sent.id);
			expect(done.kind).toBe('delivered');
			expect(await usage(world, userId)).toMatchObject({ Spent: '$0.05', 'Images this period': '1' });
		});
		expect(tasksFor(sent.id)).toHaveLength(1);
		expect(world.hiapi.submits().filter((s) => s.headers['idempotency-key'] === sent.id)).toHaveLength(1);
	});

	it('killed as the image is being delivered: re-delivered after restart, still charged once', async () => {
		world.hiapi.script('kill-delivering', { durationMs: 300 });
		const userId = newUserId();
		let sent!: SentInteraction;
		await withBot(async () => {
			sent = imagine(world, { prompt: 'kill-delivering', userId });
			// The emulator records the upload as it arrives; kill the bot at that moment.
			await world.discord.waitFor((r) => r.interactionId === sent.id && r.method === 'PATCH' && r.files.length > 0);
		});
		await withBot(async (bot) => {
			await new Promise((r) => setTimeout(r, 1500));
			const f = await usage(world, userId);
			expect(f.Spent).toBe('$0.05');
			expect(f['In progress']).toBeUndefined();
			expect(f['Images this period']).toBe('1');
			expect(bot.child.exitCode).toBeNull();
		});
		expect(world.discord.originalMessage(sent.id)?.attachments).toHaveLength(1);
	});

	it('resumed after the interaction token expired: delivered in the channel with a mention', async () => {
		world.hiapi.script('kill-expire', { durationMs: 2000 });
		const userId = newUserId();
		let sent!: SentInteraction;
		await withBot(async (bot) => {
			sent = imagine(world, { prompt: 'kill-expire', userId });
			await bot.waitForLog((l) => l.jobId === sent.id && l.msg === 'task submitted');
		});
		world.discord.expireToken(sent.token);
		await withBot(async (bot) => {
			const done = await outcome(world, bot, sent.id);
			expect(done.kind).toBe('delivered');
			expect(done.log.how).toBe('channel');
			expect((await usage(world, userId)).Spent).toBe('$0.05');
		});
		// The card in the channel: the requester named first in its text, the only one who may be pinged.
		const post = world.discord.channelMessages(world.channelId).find((m) => readCard(m.json).text.startsWith(`<@${userId}> kill-expire`));
		expect(post?.files).toHaveLength(1);
		expect(readCard(post?.json).v2).toBe(true);
		expect(post?.json).not.toHaveProperty('content');
		expect(post?.json).not.toHaveProperty('embeds');
		expect(readCard(post?.json).media).toEqual([`attachment://${post?.files[0]?.filename}`]);
		expect((post?.json as { allowed_mentions?: unknown }).allowed_mentions).toEqual({ parse: [], users: [userId] });
	});

	it('a corrupt job record found at start-up is refunded, logged, and does not crash the bot', async () => {
		world.hiapi.script('kill-corrupt', { durationMs: 5000 });
		const userId = newUserId();
		let sent!: SentInteraction;
		await withBot(async (bot) => {
			sent = imagine(world, { prompt: 'kill-corrupt', userId });
			await bot.waitForLog((l) => l.jobId === sent.id && l.msg === 'task submitted');
		});
		const raw = new Keyv({ store: new KeyvSqlite(world.env.STORE_URL), namespace: 'imagine-bot' });
		await raw.set(`jobs:${sent.id}`, { v: 1, id: sent.id, state: 'gibberish' });
		await raw.disconnect();
		await withBot(async (bot) => {
			await bot.waitForLog((l) => l.jobId === sent.id && String(l.msg).includes('unreadable'));
			const f = await usage(world, userId);
			expect(f.Spent).toBe('$0.00');
			expect(f['In progress']).toBeUndefined();
			expect((await outcome(world, bot, imagine(world, { prompt: 'still works' }).id)).kind).toBe('delivered');
		});
	});
});

describe('graceful shutdown', () => {
	it('SIGTERM lets a running job finish, refuses new ones meanwhile, and exits 0', async () => {
		world.hiapi.script('finish-me', { durationMs: 1500 });
		await withBot(async (bot) => {
			const userId = newUserId();
			const sent = imagine(world, { prompt: 'finish-me', userId });
			await bot.waitForLog((l) => l.jobId === sent.id && l.msg === 'task submitted');
			const exit = bot.stop();
			await bot.waitForLog((l) => l.msg === 'shutting down');
			const late = imagine(world, { prompt: 'too late' });
			expect((await replyContent(world, late.id)).content).toMatch(/restarting/);
			expect(await exit).toMatchObject({ code: 0 });
			expect(bot.logs.some((l) => l.jobId === sent.id && l.msg === 'image delivered')).toBe(true);
			expect(bot.logs.find((l) => l.msg === 'stopped')).toMatchObject({ finished: 1, leftOpen: 0 });
		});
	});

	it('SIGTERM past the grace period leaves the job persisted; the next start delivers it', async () => {
		world.hiapi.script('outlive-grace', { durationMs: 4000 });
		const userId = newUserId();
		let sent!: SentInteraction;
		await withBot(
			async (bot) => {
				sent = imagine(world, { prompt: 'outlive-grace', userId });
				await bot.waitForLog((l) => l.jobId === sent.id && l.msg === 'task submitted');
				const t0 = Date.now();
				expect(await bot.stop()).toMatchObject({ code: 0 });
				expect(Date.now() - t0).toBeLessThan(3000);
				expect(bot.logs.find((l) => l.msg === 'stopped')).toMatchObject({ leftOpen: 1 });
			},
			{ SHUTDOWN_GRACE_MS: '300' },
		);
		await withBot(async (bot) => {
			expect((await outcome(world, bot, sent.id)).kind).toBe('delivered');
			expect((await usage(world, userId)).Spent).toBe('$0.05');
		});
	});

	it('keeps a job going when the gateway drops mid-job, and takes commands after it reconnects', async () => {
		world.hiapi.script('gateway-drop', { durationMs: 1500 });
		await withBot(async (bot) => {
			const sent = imagine(world, { prompt: 'gateway-drop' });
			await bot.waitForLog((l) => l.jobId === sent.id && l.msg === 'task submitted');
			world.discord.closeGateway(4000);
			await world.discord.waitForReady(10_000);
			expect((await outcome(world, bot, sent.id)).kind).toBe('delivered');
			expect((await outcome(world, bot, imagine(world, { prompt: 'after the drop' }).id)).kind).toBe('delivered');
		});
	});
});
