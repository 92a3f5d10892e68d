import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_ID, HIAPI_KEY, assertNoSecrets, createWorld, imagine, newUserId, outcome, replyContent, usage, type BotProcess, type World } from './harness.js';
import { readCard } from '../support/card.js';

let world: World;
let bot: BotProcess;

beforeAll(async () => {
	// A high per-user job limit so the burst test exercises the ledger, not the job limit.
	world = await createWorld({ DEFAULT_USER_BUDGET_USD: '0.20', IMAGE_PRICE_USD: '0.05', MAX_JOBS_PER_USER: '50' });
	bot = await world.start();
}, 40_000);

afterAll(async () => {
	await world?.close();
});

describe('/imagine end to end', () => {
	it('defers within 3 s, submits exactly the documented request, and attaches the CDN bytes', async () => {
		const userId = newUserId();
		const sent = imagine(world, { prompt: '  a lighthouse at dawn, oil painting  ', aspectRatio: '16:9', userId });
		const done = await outcome(world, bot, sent.id);
		expect(done.kind).toBe('delivered');

		const [callback] = world.discord.callbacks(sent.id);
		expect(callback?.json).toMatchObject({ type: 5 });
		expect(((callback?.json as { data?: { flags?: number } }).data?.flags ?? 0) & 64).toBe(0); // public, not ephemeral
		expect((callback?.at ?? Infinity) - sent.sentAt).toBeLessThan(3000);

		const submit = world.hiapi.submits().find((r) => (r.json as { input?: { prompt?: string } }).input?.prompt === 'a lighthouse at dawn, oil painting');
		expect(submit?.json).toEqual({ model: 'flux-1.1-pro', input: { prompt: 'a lighthouse at dawn, oil painting', aspect_ratio: '16:9' } });
		expect(submit?.headers.authorization).toBe(`Bearer ${HIAPI_KEY}`);
		expect(submit?.headers['idempotency-key']).toBe(sent.id);
		expect(submit?.headers['content-type']).toMatch(/^application\/json/);

		const task = world.hiapi.tasks().find((t) => t.idempotencyKey === sent.id);
		expect(task).toBeDefined();
		const edit = done.finalEdit;
		expect(edit?.rawPath).toContain(`/webhooks/${APP_ID}/`);
		expect(edit?.rawPath).toContain('%40original');
		expect(edit?.files).toHaveLength(1);
		expect(edit?.files[0]?.data.equals(world.hiapi.cdnBytes(task?.taskId ?? ''))).toBe(true);
		expect(edit?.files[0]?.filename).toMatch(/\.png$/);
		expect(edit?.files[0]?.contentType).toBe('image/png');
		// The card: Components V2, nothing in content or embeds (the progress text cleared), everything in one Container.
		const payload = edit?.json as Record<string, unknown> & { attachments: Array<{ id: string }> };
		expect(payload.attachments).toEqual([expect.objectContaining({ id: '0' })]);
		expect(payload.content).toBeNull();
		expect(payload).not.toHaveProperty('embeds');
		const card = readCard(payload);
		expect(card.v2).toBe(true);
		expect(card.topLevel).toEqual([17]);
		expect(card.media).toEqual([`attachment://${edit?.files[0]?.filename}`]);
		expect(card.prompt).toBe('a lighthouse at dawn, oil painting');
		expect(card.facts).toMatchObject({ 'Requested by': `<@${userId}>`, 'Aspect ratio': '16:9', Cost: '$0.05', 'Budget left': '$0.15', model: 'FLUX 1.1 Pro' });
		expect(card.facts.Time).toMatch(/^\d+\.\d s$/);
		expect(card.buttons.map((b) => b.label)).toEqual(['Reroll', 'Remix', 'Delete']);
		expect(payload.allowed_mentions).toEqual({ parse: [], users: [] });
		// What Discord stores and shows: the flag, no text outside the card, the gallery resolved to the uploaded file.
		const shown = readCard(done.message);
		expect(shown.v2).toBe(true);
		expect(done.message?.content).toBe('');
		expect(done.message?.embeds).toEqual([]);
		expect(shown.media).toEqual([done.message?.attachments[0]?.url]);
		expect(shown.text).toBe(card.text);

		expect(await usage(world, userId)).toMatchObject({ Spent: '$0.05', Remaining: '$0.15', 'Images this period': '1', 'Price per image': '$0.05' });
	});

	it('uses 1:1 when no aspect ratio is given', async () => {
		const sent = imagine(world, { prompt: 'a square cat' });
		expect((await outcome(world, bot, sent.id)).kind).toBe('delivered');
		const submit = world.hiapi.submits().find((r) => r.headers['idempotency-key'] === sent.id);
		expect(submit?.json).toEqual({ model: 'flux-1.1-pro', input: { prompt: 'a square cat', aspect_ratio: '1:1' } });
	});

	it('refuses a blank prompt ephemerally and sends nothing to hiapi', async () => {
		const before = world.hiapi.submits().length;
		const sent = imagine(world, { prompt: '    ' });
		const reply = await replyContent(world, sent.id);
		expect(reply).toMatchObject({ type: 4, ephemeral: true });
		expect(reply.content).toMatch(/prompt is empty/i);
		expect(world.hiapi.submits()).toHaveLength(before);
	});

	it('refuses at once when the budget is exhausted, saying spent, limit and reset, and never calls hiapi', async () => {
		const userId = newUserId();
		for (let i = 0; i < 4; i++) expect((await outcome(world, bot, imagine(world, { prompt: `budget ${i}`, userId }).id)).kind).toBe('delivered');
		const before = world.hiapi.submits().length;
		const sent = imagine(world, { prompt: 'one too many', userId });
		const reply = await replyContent(world, sent.id);
		expect(reply).toMatchObject({ type: 4, ephemeral: true });
		expect(reply.content).toContain('$0.20');
		expect(reply.content).toMatch(/Spent \$0\.20/);
		expect(reply.content).toMatch(/<t:\d+:f>/);
		expect(world.hiapi.submits()).toHaveLength(before);
		expect(await usage(world, userId)).toMatchObject({ Spent: '$0.20', Remaining: '$0.00' });
	});

	it('never overspends under a burst of concurrent requests from one user', async () => {
		const userId = newUserId();
		// Budget $0.20 at $0.05 = exactly 4 images, whatever the interleaving.
		const sent = Array.from({ length: 12 }, (_, i) => imagine(world, { prompt: `burst ${i}`, userId }));
		const callbacks = await Promise.all(sent.map((s) => world.discord.waitFor((r) => r.interactionId === s.id && r.path.endsWith('/callback'), 10_000)));
		for (const [i, cb] of callbacks.entries()) expect(cb.at - (sent[i]?.sentAt ?? 0)).toBeLessThan(3000);
		const deferred = sent.filter((_, i) => (callbacks[i]?.json as { type: number }).type === 5);
		const outcomes = await Promise.all(deferred.map((s) => outcome(world, bot, s.id)));
		expect(outcomes.every((o) => o.kind === 'delivered')).toBe(true);
		expect(deferred).toHaveLength(4);
		for (const [i, cb] of callbacks.entries()) {
			if ((cb.json as { type: number }).type === 4) expect((await replyContent(world, sent[i]?.id ?? '')).content).toMatch(/enough budget/);
		}
		const fields = await usage(world, userId);
		expect(fields.Spent).toBe(`$0.${String(deferred.length * 5).padStart(2, '0')}`);
		expect(world.hiapi.submits().filter((r) => String((r.json as { input?: { prompt?: string } }).input?.prompt).startsWith('burst')).length).toBe(
			deferred.length,
		);
	});

	it('works in DMs with a separate budget', async () => {
		const userId = newUserId();
		const sent = imagine(world, { prompt: 'a DM drawing', userId, guildId: null });
		const done = await outcome(world, bot, sent.id);
		expect(done.kind).toBe('delivered');
		expect(await usage(world, userId, null)).toMatchObject({ Spent: '$0.05' });
		expect(await usage(world, userId)).toMatchObject({ Spent: '$0.00' });
	});

	it('answers an unknown command instead of leaving it unanswered', async () => {
		const sent = world.discord.sendInteraction({ commandName: 'not-a-command', user: { id: newUserId() } });
		const reply = await replyContent(world, sent.id);
		expect(reply).toMatchObject({ type: 4, ephemeral: true });
		expect(reply.content).toMatch(/isn't available/);
	});

	it('connects with no intents: interactions need none, and no guild data is sent to cache', () => {
		const identify = world.discord.identifies[0] as { intents: number; token: string };
		expect(identify.intents).toBe(0);
	});

	it('never puts a secret in a log line or a Discord payload', () => {
		assertNoSecrets(world, bot);
	});
});

describe('slow store', () => {
	it('acknowledges within 3 s even while the database is locked, then delivers', async () => {
		const sqlite3 = (await import('sqlite3')).default;
		const db = new sqlite3.Database(world.env.STORE_URL?.replace('sqlite://', '') ?? '');
		const exec = (sql: string) => new Promise<void>((resolve, reject) => db.exec(sql, (e) => (e ? reject(e) : resolve())));
		await exec('BEGIN EXCLUSIVE');
		const userId = newUserId();
		const sent = imagine(world, { prompt: 'while locked', userId });
		const cb = await world.discord.waitFor((r) => r.interactionId === sent.id && r.path.endsWith('/callback'), 5000);
		expect(cb.json).toMatchObject({ type: 5 });
		expect(cb.status).toBe(204);
		expect(cb.at - sent.sentAt).toBeLessThan(3000);
		await new Promise((r) => setTimeout(r, 2500 - (Date.now() - sent.sentAt)));
		await exec('COMMIT');
		await new Promise<void>((resolve) => db.close(() => resolve()));
		expect((await outcome(world, bot, sent.id)).kind).toBe('delivered');
		expect(bot.logs.some((l) => l.interactionId === sent.id && l.msg === 'store slow: acknowledged before the reservation finished')).toBe(true);
		expect((await usage(world, userId)).Spent).toBe('$0.05');
	});
});

describe('live price', () => {
	it('charges the price hiapi publishes when IMAGE_PRICE_USD is not set', async () => {
		const live = await createWorld({ MAX_JOBS_PER_USER: '5' });
		try {
			live.hiapi.setPricing({ priceUsd: 0.04, version: 'test-v' });
			const liveBot = await live.start();
			expect(liveBot.logs.find((l) => l.msg === 'price in use' && l.source === 'live')).toMatchObject({ price: '$0.04', version: 'test-v' });
			const userId = newUserId();
			const done = await outcome(live, liveBot, imagine(live, { prompt: 'priced live', userId }).id);
			expect(done.kind).toBe('delivered');
			expect(await usage(live, userId)).toMatchObject({ Spent: '$0.04', 'Price per image': '$0.04', Remaining: '$0.96' });
		} finally {
			await live.close();
		}
	});
});
