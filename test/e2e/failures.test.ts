// Every way a job can go wrong ends in a specific message, a refund, and a reply that is not "thinking…".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hiapiErrorBody, type HiapiBehaviour } from '../emulators/hiapi.js';
import { readCard } from '../support/card.js';
import { assertNoSecrets, createWorld, imagine, newUserId, outcome, usage, type BotProcess, type World } from './harness.js';

let world: World;
let bot: BotProcess;

beforeAll(async () => {
	world = await createWorld({ TASK_TIMEOUT_MS: '5000', IMAGE_PRICE_USD: '0.05' });
	bot = await world.start();
}, 40_000);

afterAll(async () => {
	await world?.close();
});

async function run(tag: string, behaviour: HiapiBehaviour, extra: Parameters<typeof imagine>[1] extends infer O ? Partial<O> : never = {}) {
	world.hiapi.script(tag, behaviour);
	const userId = newUserId();
	const sent = imagine(world, { prompt: `${tag} please`, userId, ...extra });
	const done = await outcome(world, bot, sent.id);
	return { sent, done, userId, content: String((done.finalEdit?.json as { content?: string } | undefined)?.content ?? ''), fields: () => usage(world, userId) };
}

async function expectRefunded(r: Awaited<ReturnType<typeof run>>, message: RegExp) {
	expect(r.done.kind).toBe('refunded');
	expect(r.content).toMatch(message);
	expect(r.content).toMatch(/not charged/);
	expect(r.done.finalEdit?.files).toHaveLength(0);
	// The user never sees upstream text or internals.
	expect(r.content).not.toMatch(/hiapi|HTTP|stack|Error:/);
	const f = await r.fields();
	expect(f.Spent).toBe('$0.00');
	expect(f['In progress']).toBeUndefined();
}

describe('hiapi task failures', () => {
	it.each(['fail', 'failed', 'canceled'] as const)('status %s → "could not be generated" and a refund', async (final) => {
		await expectRefunded(
			await run(`final-${final}`, { final, failError: { code: 'GENERATION_ERROR', message: 'internal model error' } }),
			/couldn't be generated/,
		);
	});

	it('a content-filter failure says the prompt was rejected by the filter', async () => {
		await expectRefunded(await run('nsfw-case', { final: 'fail', failError: { code: 'CONTENT_POLICY', message: 'NSFW content detected' } }), /content filter/);
	});

	it('keeps polling through unknown and older running statuses', async () => {
		const r = await run('odd-statuses', { runningStatuses: ['pending', 'processing', 'archiving', 'brand-new-status'], durationMs: 600 });
		expect(r.done.kind).toBe('delivered');
	});
});

describe('hiapi HTTP errors', () => {
	it('400 on submit → the prompt was rejected', async () => {
		await expectRefunded(
			await run('bad-input', { submitError: { status: 400, body: hiapiErrorBody(400, 'prompt violates policy', 'INVALID_REQUEST') } }),
			/rejected this prompt/,
		);
	});

	it('401 on submit → the bot is misconfigured, tell a moderator (no retry)', async () => {
		const r = await run('bad-key', { submitError: { status: 401, body: hiapiErrorBody(401, 'invalid api key', 'UNAUTHORIZED') } });
		await expectRefunded(r, /misconfigured.*moderator/);
		expect(world.hiapi.submits().filter((s) => s.headers['idempotency-key'] === r.sent.id)).toHaveLength(1);
	});

	it('402 insufficient balance → out of credit on the operator account', async () => {
		await expectRefunded(
			await run('broke', { submitError: { status: 402, body: hiapiErrorBody(402, 'Insufficient balance', 'INSUFFICIENT_BALANCE') } }),
			/out of credit/,
		);
	});

	it('429 twice, then success → retried with the same Idempotency-Key, one task, delivered', async () => {
		const r = await run('rate-limited-then-ok', { submitError: { status: 429, body: hiapiErrorBody(429, 'slow down'), retryAfter: '1', times: 2 } });
		expect(r.done.kind).toBe('delivered');
		const submits = world.hiapi.submits().filter((s) => s.headers['idempotency-key'] === r.sent.id);
		expect(submits).toHaveLength(3);
		expect(world.hiapi.tasks().filter((t) => t.idempotencyKey === r.sent.id)).toHaveLength(1);
		expect((await r.fields()).Spent).toBe('$0.05');
	});

	it('429 until the deadline → busy, try again', async () => {
		await expectRefunded(await run('always-429', { submitError: { status: 429, body: hiapiErrorBody(429, 'slow down'), retryAfter: '1' } }), /busy/);
	});

	it('500 on every submit → busy, try again', async () => {
		await expectRefunded(await run('always-500', { submitError: { status: 500, body: hiapiErrorBody(500, 'boom') } }), /busy/);
	});

	it('a burst of 503s on submit, then success → delivered, one task', async () => {
		const r = await run('burst-503', { submitError: { status: 503, body: hiapiErrorBody(503, 'overloaded'), times: 3 } });
		expect(r.done.kind).toBe('delivered');
		expect(world.hiapi.tasks().filter((t) => t.idempotencyKey === r.sent.id)).toHaveLength(1);
	});

	it('very slow poll responses still end in a delivered image', async () => {
		expect((await run('slow-polls', { pollDelayMs: 700, durationMs: 500 })).done.kind).toBe('delivered');
	});

	it('fail after a long time → could not be generated, refunded', async () => {
		await expectRefunded(await run('late-fail', { durationMs: 2000, final: 'fail', failError: { code: 'ERR', message: 'gave up' } }), /couldn't be generated/);
	});

	it('poll 500s then success → delivered', async () => {
		const r = await run('poll-hiccup', { pollError: { status: 500, body: hiapiErrorBody(500, 'boom'), times: 2 } });
		expect(r.done.kind).toBe('delivered');
	});

	it('a task stuck forever → timed out', async () => {
		await expectRefunded(await run('stuck', { final: 'never' }), /took too long/);
	});

	it('malformed JSON from polls → refunded, never a crash', async () => {
		await expectRefunded(await run('garbled', { malformedPoll: true }), /took too long|did not understand/);
		expect(bot.child.exitCode).toBeNull();
	});
});

describe('CDN problems', () => {
	it('CDN 404 (expired link) → could not fetch, refunded', async () => {
		await expectRefunded(await run('cdn-404', { cdn: { status: 404 } }), /couldn't fetch/);
	});

	it('CDN 403 → could not fetch, refunded', async () => {
		await expectRefunded(await run('cdn-403', { cdn: { status: 403 } }), /couldn't fetch/);
	});

	it('truncated body → could not fetch, refunded', async () => {
		await expectRefunded(await run('cdn-truncated', { cdn: { truncate: true } }), /couldn't fetch/);
	});

	it('an image larger than Discord allows → a link with its expiry, and charged', async () => {
		const r = await run('huge', { image: { width: 256, height: 256 } }, { attachmentSizeLimit: 2000 });
		expect(r.done.kind).toBe('delivered');
		expect(r.done.finalEdit?.files).toHaveLength(0);
		const task = world.hiapi.tasks().find((t) => t.idempotencyKey === r.sent.id);
		// The same card without a gallery: the link and its expiry in the Text Display, the buttons below.
		const card = readCard(r.done.finalEdit?.json);
		expect(card.v2).toBe(true);
		expect(card.media).toEqual([]);
		expect(card.text).toContain(`/cdn/${task?.taskId}`);
		expect(card.text).toMatch(/larger than Discord allows.*expires <t:\d+:R>/s);
		expect(card.facts).toMatchObject({ Cost: '$0.05', 'Budget left': expect.stringMatching(/^\$/) });
		expect(card.buttons.map((b) => b.label)).toEqual(['Reroll', 'Remix', 'Delete']);
		expect(r.done.message?.content).toBe('');
		expect((await r.fields()).Spent).toBe('$0.05');
	});
});

describe('Discord problems', () => {
	it('a 500 on the final edit is retried and the image still arrives', async () => {
		world.discord.failNext({ method: 'PATCH', pathIncludes: '/messages/' }, 500, { message: 'Internal Server Error', code: 0 }, 4);
		const r = await run('discord-500', {});
		expect(r.done.kind).toBe('delivered');
		const edits = world.discord.edits(r.sent.id);
		expect(edits.filter((e) => e.status === 500).length).toBeGreaterThanOrEqual(1);
		expect(edits.at(-1)?.status).toBe(200);
		expect(edits.at(-1)?.files).toHaveLength(1);
	});

	it('an expired interaction token → delivered in the channel, mentioning the user', async () => {
		world.hiapi.script('expired-token', { durationMs: 800 });
		const userId = newUserId();
		const sent = imagine(world, { prompt: 'expired-token', userId });
		await world.discord.waitFor((r) => r.interactionId === sent.id && r.path.endsWith('/callback'));
		world.discord.expireToken(sent.token);
		const done = await outcome(world, bot, sent.id);
		expect(done.kind).toBe('delivered');
		expect(done.log.how).toBe('channel');
		const [post] = world.discord.channelMessages(world.channelId).filter((m) => JSON.stringify(m.json).includes(`<@${userId}>`));
		expect(post?.files).toHaveLength(1);
		expect(post?.json).toMatchObject({ allowed_mentions: { parse: [], users: [userId] } });
		expect((await usage(world, userId)).Spent).toBe('$0.05');
	});

	it('an expired token where the bot may not post → refunded, operator told why', async () => {
		world.hiapi.script('no-perms', { durationMs: 800 });
		const userId = newUserId();
		const sent = imagine(world, { prompt: 'no-perms', userId, appPermissions: String(1n << 10n) }); // ViewChannel only
		await world.discord.waitFor((r) => r.interactionId === sent.id && r.path.endsWith('/callback'));
		world.discord.expireToken(sent.token);
		const done = await outcome(world, bot, sent.id);
		expect(done.kind).toBe('undeliverable');
		expect((await usage(world, userId)).Spent).toBe('$0.00');
	});
});

describe('logs after all of the above', () => {
	it('contain no bot token, hiapi key or interaction token, and no uploaded bytes', () => {
		assertNoSecrets(world, bot);
		expect(bot.stdout).not.toContain('requestBody');
		// The Discord 500 above was logged with its webhook URL: the token in it must have been scrubbed.
		expect(bot.stdout).toMatch(/\/webhooks\/\d+\/\[token\]\/messages/);
	});
});
