// /history through the real bot: a member's own delivered images, newest first, 5 a page, with links to public
// messages still there; Prev/Next from the custom id; Again runs the same request through every /imagine check,
// charged to the clicker; past the end, stale and foreign buttons get a clear private answer.
import { ComponentType, type APIEmbed, type APIMessage } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, imagine, newUserId, outcome, replyContent, usage, type BotProcess, type World } from './harness.js';

const MANAGE_GUILD = String(1n << 5n);
let world: World;
let bot: BotProcess;

beforeAll(async () => {
	world = await createWorld({ IMAGE_PRICE_USD: '0.04', DEFAULT_USER_BUDGET_USD: '1.00', MAX_JOBS_PER_USER: '5' });
	bot = await world.start();
}, 40_000);
afterAll(async () => {
	await world?.close();
});

async function delivered(prompt: string, userId: string, extra: { aspectRatio?: string } = {}): Promise<{ jobId: string; message: APIMessage }> {
	const sent = imagine(world, { prompt, userId, ...extra });
	const r = await outcome(world, bot, sent.id);
	expect(r.kind).toBe('delivered');
	return { jobId: sent.id, message: r.message as APIMessage };
}

function buttonsOf(message: APIMessage | undefined): Array<{ custom_id: string; label: string; disabled?: boolean }> {
	const found: Array<{ custom_id: string; label: string; disabled?: boolean }> = [];
	const walk = (c: { type: number; components?: unknown[] }): void => {
		if (c.type === ComponentType.Button) found.push(c as unknown as { custom_id: string; label: string; disabled?: boolean });
		for (const child of c.components ?? []) walk(child as typeof c);
	};
	for (const c of message?.components ?? []) walk(c);
	return found;
}

/** Sends /history and waits for its (ephemeral, deferred) reply to be filled. */
async function history(userId: string): Promise<APIMessage> {
	const sent = world.discord.sendInteraction({ commandName: 'history', user: { id: userId } });
	await bot.waitForLog((l) => l.msg === 'history shown' && l.interactionId === sent.id);
	const cb = world.discord.requests.find((r) => r.interactionId === sent.id && r.path.endsWith('/callback'));
	expect(((cb?.json as { data?: { flags?: number } }).data?.flags ?? 0) & 64).toBe(64);
	const message = world.discord.originalMessage(sent.id);
	expect((message?.flags ?? 0) & 64).toBe(64);
	return message as APIMessage;
}

const embed = (m: APIMessage): APIEmbed => m.embeds[0] as APIEmbed;
const prompts = (m: APIMessage) => [...(embed(m).description ?? '').matchAll(/\*\*\d+\.\*\* (.+)/g)].map((x) => x[1]);

describe('/history', () => {
	it('lists the member’s own images newest first, 5 a page, with links to public messages still there; Next pages', async () => {
		const user = newUserId();
		const made: Array<{ jobId: string; message: APIMessage }> = [];
		for (let i = 1; i <= 6; i++) made.push(await delivered(`picture ${i}`, user, i === 6 ? { aspectRatio: '16:9' } : {}));
		await delivered('someone else’s picture', newUserId());
		// A deleted message keeps its entry, without a link.
		world.discord.clickButton({ messageId: made[4]?.message.id ?? '', customId: `imagine:delete:${made[4]?.jobId}`, user: { id: user } });
		await bot.waitForLog((l) => l.msg === 'image deleted' && l.jobId === made[4]?.jobId);

		const first = await history(user);
		expect(prompts(first)).toEqual(['picture 6', 'picture 5', 'picture 4', 'picture 3', 'picture 2']);
		const text = embed(first).description ?? '';
		const six = made[5]?.message as APIMessage;
		expect(text).toMatch(new RegExp(`\\[message\\]\\(https://discord\\.com/channels/\\d+/${six.channel_id}/${six.id}\\)`));
		expect(text.split('\n\n')[0]).toContain('16:9');
		expect(text.split('\n\n')[0]).toContain('$0.04');
		expect(text.split('\n\n')[1]).not.toContain('[message]'); // picture 5 was deleted
		expect(embed(first).footer?.text).toMatch(/^Page 1 of 2 · 6 image/);
		const buttons = buttonsOf(first);
		expect(buttons.filter((b) => b.custom_id.startsWith('history:again:')).map((b) => b.custom_id)).toEqual(
			[5, 4, 3, 2, 1].map((i) => `history:again:${made[i]?.jobId}`),
		);
		expect(buttons.find((b) => b.label === 'Prev')).toMatchObject({ disabled: true });
		expect(buttons.find((b) => b.label === 'Next')).toMatchObject({ custom_id: 'history:page:1', disabled: false });

		const next = world.discord.clickButton({ messageId: first.id, customId: 'history:page:1', user: { id: user } });
		await world.discord.waitFor((r) => r.interactionId === next.id && r.method === 'PATCH' && r.status === 200, 10_000);
		const second = world.discord.message(first.id) as APIMessage;
		expect(prompts(second)).toEqual(['picture 1']);
		expect(embed(second).footer?.text).toMatch(/^Page 2 of 2/);

		// Past the end (a forged or stale page): a clear private answer, the message unchanged.
		const past = world.discord.clickButton({ messageId: first.id, customId: 'history:page:7', user: { id: user }, force: true });
		expect(await replyContent(world, past.id)).toMatchObject({ ephemeral: true, content: expect.stringMatching(/no such page: your history has 2 page/) });
		expect(prompts(world.discord.message(first.id) as APIMessage)).toEqual(['picture 1']);
	});

	it('a member with no images is told so', async () => {
		const m = await history(newUserId());
		expect(embed(m).description).toMatch(/No images yet/);
		expect(buttonsOf(m)).toEqual([]);
	});

	it('Again repeats the request through every check, charged to the clicker; stale and foreign ones are refused', async () => {
		const user = newUserId();
		const { jobId } = await delivered('a lantern at dusk', user, { aspectRatio: '3:4' });
		const listing = await history(user);
		const before = await usage(world, user);

		const again = world.discord.clickButton({ messageId: listing.id, customId: `history:again:${jobId}`, user: { id: user } });
		expect((await outcome(world, bot, again.id)).kind).toBe('delivered');
		const submit = world.hiapi.requests.find((r) => r.method === 'POST' && r.path === '/v1/tasks' && r.headers['idempotency-key'] === again.id);
		expect(submit?.json).toMatchObject({ input: { prompt: 'a lantern at dusk', aspect_ratio: '3:4' } });
		const after = await usage(world, user);
		expect([before.Spent, after.Spent]).toEqual(['$0.04', '$0.08']);

		// The server's blocklist applies to Again as to /imagine: refused, nothing charged.
		const mod = newUserId();
		const add = world.discord.sendInteraction({
			commandName: 'blocklist',
			options: [{ name: 'add', type: 1, options: [{ name: 'term', type: 3, value: 'lantern' }] }],
			user: { id: mod },
			permissions: MANAGE_GUILD,
		});
		await world.discord.waitFor((r) => r.interactionId === add.id && r.path.endsWith('/callback'), 10_000);
		const blocked = world.discord.clickButton({ messageId: listing.id, customId: `history:again:${jobId}`, user: { id: user } });
		expect(await replyContent(world, blocked.id)).toMatchObject({ ephemeral: true, content: expect.stringMatching(/doesn't allow/) });
		expect((await usage(world, user)).Spent).toBe('$0.08');

		// Another member's job, or one that is gone: a clear private answer, nothing started.
		const stranger = newUserId();
		const foreign = world.discord.clickButton({ messageId: listing.id, customId: `history:again:${jobId}`, user: { id: stranger } });
		expect(await replyContent(world, foreign.id)).toMatchObject({ ephemeral: true, content: expect.stringMatching(/no longer in your history/) });
		const gone = world.discord.clickButton({ messageId: listing.id, customId: 'history:again:1999999999999999999', user: { id: user }, force: true });
		expect(await replyContent(world, gone.id)).toMatchObject({ ephemeral: true, content: expect.stringMatching(/no longer in your history/) });
		expect((await usage(world, stranger)).Spent).toBe('$0.00');
	});
});
