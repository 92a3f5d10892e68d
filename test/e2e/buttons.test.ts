// Reroll, Remix and Delete under every image, through the real bot and the Discord emulator: charged to
// whoever clicks, new messages for new images, buttons that survive restarts and pruning, and untrusted ids.
import KeyvSqlite from '@keyv/sqlite';
import { ComponentType, type APIButtonComponentWithCustomId, type APIMessage } from 'discord.js';
import Keyv from 'keyv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCard } from '../support/card.js';
import { TOKEN, createWorld, imagine, newUserId, outcome, replyContent, usage, type BotProcess, type World } from './harness.js';

const MANAGE_MESSAGES = String((1n << 13n) | (1n << 10n) | (1n << 11n));
/** A second server the bot is in, with its own channel. */
const GUILD_A = '100000000000000101';
const GUILD_B = '100000000000000102';
const CHANNEL_B = '900000000000000102';
const NOT_HERE = "This button isn't available here. Use `/imagine` to make a new image.";

let world: World;
let bot: BotProcess;

beforeAll(async () => {
	world = await createWorld(
		{ IMAGE_PRICE_USD: '0.05', DEFAULT_USER_BUDGET_USD: '1.00', MAX_JOBS_PER_USER: '5' },
		{ discord: { guilds: [{ id: GUILD_A }, { id: GUILD_B, channelIds: [CHANNEL_B] }] } },
	);
	bot = await world.start();
}, 40_000);

afterAll(async () => {
	await world?.close();
});

/** An /imagine that ends delivered; returns its job id and the image message. */
async function delivered(o: {
	prompt: string;
	userId: string;
	aspectRatio?: string;
	guildId?: string | null;
}): Promise<{ jobId: string; message: APIMessage }> {
	const sent = imagine(world, o);
	const result = await outcome(world, bot, sent.id);
	expect(result.kind).toBe('delivered');
	expect(result.message).toBeDefined();
	return { jobId: sent.id, message: result.message as APIMessage };
}

/** The buttons of a message, wherever they sit (in a card's Container, or in a top-level row of an older embed card). */
function buttons(message: APIMessage | undefined): APIButtonComponentWithCustomId[] {
	const found: APIButtonComponentWithCustomId[] = [];
	const walk = (c: { type: number; components?: unknown[] }): void => {
		if (c.type === ComponentType.Button) found.push(c as unknown as APIButtonComponentWithCustomId);
		for (const child of c.components ?? []) walk(child as { type: number; components?: unknown[] });
	};
	for (const c of message?.components ?? []) walk(c);
	return found;
}

function click(message: APIMessage, action: 'reroll' | 'remix' | 'delete', user: string, permissions?: string, guildId?: string) {
	const button = buttons(message).find((b) => b.custom_id.startsWith(`imagine:${action}:`));
	if (!button) throw new Error(`no ${action} button on ${message.id}`);
	return world.discord.clickButton({
		messageId: message.id,
		customId: button.custom_id,
		user: { id: user },
		...(permissions ? { permissions } : {}),
		// A click in that server, authorised by the server's own install.
		...(guildId ? { guildId, authorizingIntegrationOwners: { '0': guildId } } : {}),
	});
}

/** A click on `message` whose custom id names another job (what a modified client can send). */
function forgedClick(message: APIMessage, action: 'reroll' | 'remix' | 'delete', jobId: string, user: string) {
	return world.discord.clickButton({ messageId: message.id, customId: `imagine:${action}:${jobId}`, user: { id: user }, force: true });
}

/** hiapi submits made for an interaction (its id is the Idempotency-Key). */
function submits(interactionId: string): Array<{ model: string; input: { prompt: string; aspect_ratio: string } }> {
	return world.hiapi.requests
		.filter((r) => r.method === 'POST' && r.path === '/v1/tasks' && r.headers['idempotency-key'] === interactionId)
		.map((r) => r.json as { model: string; input: { prompt: string; aspect_ratio: string } });
}

describe('the result message', () => {
	it('carries Reroll, Remix and Delete under the image and names the requester without pinging', async () => {
		const user = newUserId();
		const { jobId, message } = await delivered({ prompt: 'a lighthouse at dawn', userId: user, aspectRatio: '16:9' });
		expect(buttons(message).map((b) => [b.label, b.custom_id])).toEqual([
			['Reroll', `imagine:reroll:${jobId}`],
			['Remix', `imagine:remix:${jobId}`],
			['Delete', `imagine:delete:${jobId}`],
		]);
		const card = readCard(message);
		expect(card.v2).toBe(true);
		expect(card.facts['Requested by']).toBe(`<@${user}>`);
		expect(card.facts['Aspect ratio']).toBe('16:9');
		const edit = world.discord.edits(jobId).at(-1)?.json as { allowed_mentions?: { parse?: string[]; users?: string[] } };
		expect(edit.allowed_mentions).toEqual({ parse: [], users: [] });
	});

	it('puts no buttons on progress or error messages', async () => {
		world.hiapi.script('button-fails', { final: 'failed', failError: { code: 'x', message: 'nope' } });
		const sent = imagine(world, { prompt: 'button-fails please', userId: newUserId() });
		const result = await outcome(world, bot, sent.id);
		expect(result.kind).toBe('refunded');
		expect(buttons(result.message)).toEqual([]);
		for (const edit of world.discord.edits(sent.id)) expect((edit.json as { components?: unknown[] }).components ?? []).toEqual([]);
	});
});

describe('Reroll', () => {
	it('makes a new image from the same prompt and ratio in a new message, charged to whoever clicked', async () => {
		const requester = newUserId();
		const other = newUserId();
		const { jobId, message } = await delivered({ prompt: 'a red kite over hills', userId: requester, aspectRatio: '4:3' });

		for (const clicker of [requester, other]) {
			const sent = click(message, 'reroll', clicker);
			const result = await outcome(world, bot, sent.id);
			expect(result.kind).toBe('delivered');
			// Acknowledged with a new (deferred) message, not an update of the clicked one.
			expect((world.discord.callbacks(sent.id)[0]?.json as { type: number }).type).toBe(5);
			expect(result.message?.id).not.toBe(message.id);
			expect(buttons(result.message).map((b) => b.custom_id)).toContain(`imagine:reroll:${sent.id}`);
			expect(readCard(result.message).facts['Rerolled by']).toBe(`<@${clicker}>`);
			expect(submits(sent.id)).toEqual([{ model: 'flux-1.1-pro', input: { prompt: 'a red kite over hills', aspect_ratio: '4:3' } }]);
		}
		// The original message is as it was.
		expect(world.discord.message(message.id)?.components).toEqual(message.components);
		expect((await usage(world, requester))['Spent']).toBe('$0.10');
		expect((await usage(world, other))['Spent']).toBe('$0.05');
		expect(world.discord.edits(jobId).length).toBeGreaterThan(0);
	});

	it('refuses a member over budget privately, and sends nothing to hiapi', async () => {
		const { message } = await delivered({ prompt: 'a quiet harbour', userId: newUserId() });
		const broke = newUserId();
		const mod = newUserId();
		const set = world.discord.sendInteraction({
			commandName: 'budget',
			options: [
				{
					name: 'set',
					type: 1,
					options: [
						{ name: 'user', type: 6, value: broke },
						{ name: 'amount', type: 3, value: '0' },
					],
				},
			] as never,
			user: { id: mod },
			permissions: String(1n << 5n),
		});
		await replyContent(world, set.id);
		const sent = click(message, 'reroll', broke);
		const reply = await replyContent(world, sent.id);
		expect(reply).toMatchObject({ type: 4, ephemeral: true });
		expect(reply.content).toMatch(/enough budget/);
		expect(submits(sent.id)).toEqual([]);
		expect((await usage(world, broke))['Spent']).toBe('$0.00');
	});

	it('starts one job when the same click is delivered twice', async () => {
		const { message } = await delivered({ prompt: 'twin click test', userId: newUserId() });
		const clicker = newUserId();
		const sent = click(message, 'reroll', clicker);
		world.discord.redeliver(sent.id);
		const result = await outcome(world, bot, sent.id);
		expect(result.kind).toBe('delivered');
		await bot.waitForLog((l) => l.interactionId === sent.id && l.msg === 'interaction delivered again; already handled');
		expect(submits(sent.id)).toHaveLength(1);
		expect(world.discord.callbacks(sent.id)).toHaveLength(1);
		expect((await usage(world, clicker))['Spent']).toBe('$0.05');
	});
});

describe('Remix', () => {
	it('opens a form prefilled with the prompt and ratio; submitting makes a new image from the new ones', async () => {
		const requester = newUserId();
		const remixer = newUserId();
		const { message } = await delivered({ prompt: 'a castle in fog', userId: requester, aspectRatio: '9:16' });
		const opened = click(message, 'remix', remixer);
		await world.discord.waitFor((r) => r.interactionId === opened.id && r.path.endsWith('/callback'));
		expect((world.discord.callbacks(opened.id)[0]?.json as { type: number }).type).toBe(9);
		const modal = JSON.stringify(world.discord.modal(opened.id));
		expect(modal).toContain('"value":"a castle in fog"');
		expect(modal).toMatch(/"label":"9:16","value":"9:16","default":true/);

		const submitted = world.discord.submitModal({ modalOf: opened.id, values: { prompt: 'a castle in snow, at night', aspect_ratio: '1:1' } });
		const result = await outcome(world, bot, submitted.id);
		expect(result.kind).toBe('delivered');
		expect(submits(submitted.id)).toEqual([{ model: 'flux-1.1-pro', input: { prompt: 'a castle in snow, at night', aspect_ratio: '1:1' } }]);
		expect(result.message?.id).not.toBe(message.id);
		expect(readCard(result.message).facts['Remixed by']).toBe(`<@${remixer}>`);
		expect((await usage(world, remixer))['Spent']).toBe('$0.05');
		expect((await usage(world, requester))['Spent']).toBe('$0.05');
	});
});

describe('Delete', () => {
	it('lets the requester and a moderator delete, refuses anyone else, and never refunds', async () => {
		const requester = newUserId();
		const first = await delivered({ prompt: 'delete me please', userId: requester });
		const stranger = click(first.message, 'delete', newUserId());
		const refusal = await replyContent(world, stranger.id);
		expect(refusal).toMatchObject({ type: 4, ephemeral: true, content: `Only <@${requester}> or a moderator can delete this.` });
		expect(world.discord.deleted(first.message.id)).toBe(false);

		const own = click(first.message, 'delete', requester);
		await world.discord.waitFor((r) => r.interactionId === own.id && r.method === 'DELETE' && r.status === 204);
		expect(world.discord.deleted(first.message.id)).toBe(true);

		const second = await delivered({ prompt: 'moderated image', userId: requester });
		const mod = click(second.message, 'delete', newUserId(), MANAGE_MESSAGES);
		await world.discord.waitFor((r) => r.interactionId === mod.id && r.method === 'DELETE' && r.status === 204);
		expect(world.discord.deleted(second.message.id)).toBe(true);
		expect((await usage(world, requester))['Spent']).toBe('$0.10');
	});
});

describe('untrusted custom ids', () => {
	it('answers foreign, malformed and stale ids privately and keeps running', async () => {
		const { message } = await delivered({ prompt: 'target message', userId: newUserId() });
		for (const customId of ['other-bot:do:1', 'imagine:reroll:not-a-snowflake', 'imagine:explode:1300000000000000001', 'x'.repeat(100)]) {
			const sent = world.discord.clickButton({ messageId: message.id, customId, user: { id: newUserId() }, force: true });
			expect(await replyContent(world, sent.id)).toMatchObject({ type: 4, ephemeral: true, content: expect.stringContaining("isn't one the bot knows") });
		}
		const stale = world.discord.clickButton({ messageId: message.id, customId: 'imagine:reroll:1300000000000000042', user: { id: newUserId() }, force: true });
		expect((await replyContent(world, stale.id)).content).toMatch(/too old/);
		expect(bot.child.exitCode).toBeNull();
	});
});

describe('buttons only where their job is', () => {
	it('refuses a forged id naming a job of another server privately: no prompt shown, nothing sent, nothing charged', async () => {
		const secret = await delivered({ prompt: 'the secret lighthouse of server A', userId: newUserId(), guildId: GUILD_A });
		const attacker = newUserId();
		const own = await delivered({ prompt: 'an ordinary tree', userId: newUserId(), guildId: GUILD_B });
		for (const action of ['reroll', 'remix', 'delete'] as const) {
			const sent = forgedClick(own.message, action, secret.jobId, attacker);
			const reply = await replyContent(world, sent.id);
			expect(reply).toEqual({ type: 4, ephemeral: true, content: NOT_HERE });
			expect(JSON.stringify(world.discord.callbacks(sent.id))).not.toMatch(/lighthouse/);
			expect(submits(sent.id)).toEqual([]);
		}
		expect(world.discord.deleted(own.message.id)).toBe(false);
		expect(world.discord.deleted(secret.message.id)).toBe(false);
		// The Remix form of the attacker's own image, sent back naming the other server's job.
		const opened = click(own.message, 'remix', attacker);
		await world.discord.waitFor((r) => r.interactionId === opened.id && r.path.endsWith('/callback'));
		const submitted = world.discord.submitModal({ modalOf: opened.id, values: { prompt: 'anything' }, customId: `imagine:remix-form:${secret.jobId}` });
		expect(await replyContent(world, submitted.id)).toEqual({ type: 4, ephemeral: true, content: NOT_HERE });
		expect(submits(submitted.id)).toEqual([]);
		expect((await usage(world, attacker, GUILD_B))['Spent']).toBe('$0.00');
	});

	it("refuses a DM image's buttons in a server, and keeps them working in the DM", async () => {
		const member = newUserId();
		const dm = await delivered({ prompt: 'a private sketch', userId: member, guildId: null });
		for (const action of ['reroll', 'remix', 'delete'] as const) {
			const sent = click(dm.message, action, member, undefined, GUILD_A);
			expect(await replyContent(world, sent.id)).toEqual({ type: 4, ephemeral: true, content: NOT_HERE });
			expect(submits(sent.id)).toEqual([]);
		}
		expect((await usage(world, member, GUILD_A))['Spent']).toBe('$0.00');
		const again = click(dm.message, 'reroll', member);
		expect((await outcome(world, bot, again.id)).kind).toBe('delivered');
		expect(submits(again.id)[0]?.input.prompt).toBe('a private sketch');
	});

	it("refuses an id naming another job of the same server than the message's own: Delete cannot take someone else's image", async () => {
		const victim = await delivered({ prompt: 'the victim image', userId: newUserId(), guildId: GUILD_A });
		const attacker = newUserId();
		const mine = await delivered({ prompt: 'the attacker image', userId: attacker, guildId: GUILD_A });
		const del = forgedClick(victim.message, 'delete', mine.jobId, attacker);
		expect(await replyContent(world, del.id)).toEqual({ type: 4, ephemeral: true, content: NOT_HERE });
		expect(world.discord.deleted(victim.message.id)).toBe(false);
		const reroll = forgedClick(mine.message, 'reroll', victim.jobId, attacker);
		expect(await replyContent(world, reroll.id)).toEqual({ type: 4, ephemeral: true, content: NOT_HERE });
		expect(submits(reroll.id)).toEqual([]);
	});

	it('work on the results of Reroll and Remix (their message is made by the new job’s own interaction)', async () => {
		const first = await delivered({ prompt: 'a chain of images', userId: newUserId(), guildId: GUILD_B });
		const reroll = click(first.message, 'reroll', newUserId());
		const rerolled = await outcome(world, bot, reroll.id);
		const opened = click(rerolled.message as APIMessage, 'remix', newUserId());
		await world.discord.waitFor((r) => r.interactionId === opened.id && r.path.endsWith('/callback'));
		const remix = world.discord.submitModal({ modalOf: opened.id, values: { prompt: 'a chain, remixed' } });
		const remixed = await outcome(world, bot, remix.id);
		expect(remixed.kind).toBe('delivered');
		const last = click(remixed.message as APIMessage, 'reroll', newUserId());
		expect((await outcome(world, bot, last.id)).kind).toBe('delivered');
		expect(submits(last.id)[0]?.input.prompt).toBe('a chain, remixed');
	});
});

describe('member text on the card', () => {
	it('shows a hostile prompt as typed but inert, sends hiapi the prompt unchanged, and pings no one', async () => {
		const prompt = '[free nitro](https://evil.example/claim) @everyone <@123456789012345678> ||boo|| `x` **big**';
		const { jobId, message } = await delivered({ prompt, userId: newUserId() });
		expect(readCard(message).prompt).toBe(
			'\\[free nitro](https://evil.example/claim) @\u200Beveryone \\<@123456789012345678> \\|\\|boo\\|\\| \\`x\\` \\*\\*big\\*\\*',
		);
		expect(submits(jobId)[0]?.input.prompt).toBe(prompt);
		const edit = world.discord.edits(jobId).at(-1)?.json as { allowed_mentions?: unknown };
		expect(edit.allowed_mentions).toEqual({ parse: [], users: [] });
		// Remix's form is a text field, not markdown: it is prefilled with the prompt as typed.
		const opened = click(message, 'remix', newUserId());
		await world.discord.waitFor((r) => r.interactionId === opened.id && r.path.endsWith('/callback'));
		expect(JSON.stringify(world.discord.modal(opened.id))).toContain(JSON.stringify(prompt).slice(1, -1));
	});

	it('every message the bot sent in this file carried allowed_mentions with parse: []', () => {
		const sends = world.discord.requests.filter(
			(r) =>
				(r.method === 'POST' && r.path.endsWith('/callback') && [4, 7].includes((r.json as { type?: number })?.type ?? 0)) ||
				(r.method === 'PATCH' && r.path.includes('/webhooks/')) ||
				(r.method === 'POST' && /\/webhooks\/[^/]+\/[^/]+$|\/channels\/\d+\/messages$/.test(r.path)),
		);
		expect(sends.length).toBeGreaterThan(20);
		for (const r of sends) {
			const json = r.json as { allowed_mentions?: { parse?: unknown }; data?: { allowed_mentions?: { parse?: unknown } } };
			expect((json.data ?? json).allowed_mentions?.parse, `${r.method} ${r.path.slice(0, 60)}`).toEqual([]);
		}
	});
});

describe('after a restart', () => {
	it('every button still works; a pruned job answers "too old"', async () => {
		const requester = newUserId();
		const kept = await delivered({ prompt: 'survives restarts', userId: requester, aspectRatio: '3:4' });
		const pruned = await delivered({ prompt: 'will be pruned', userId: requester });
		await bot.stop();
		// As if this job had finished long ago: the next start prunes it (JOB_RETENTION_DAYS).
		const raw = new Keyv({ store: new KeyvSqlite(world.env.STORE_URL), namespace: 'imagine-bot' });
		await raw.set(`jobs:done:0000000000001:${pruned.jobId}`, { v: 1 });
		await raw.disconnect();
		bot = await world.start();
		await bot.waitForLog((l) => l.msg === 'pruned old job records');

		const reroll = click(kept.message, 'reroll', newUserId());
		const rerolled = await outcome(world, bot, reroll.id);
		expect(rerolled.kind).toBe('delivered');
		expect(submits(reroll.id)[0]?.input).toEqual({ prompt: 'survives restarts', aspect_ratio: '3:4' });
		const remix = click(kept.message, 'remix', newUserId());
		await world.discord.waitFor((r) => r.interactionId === remix.id && r.path.endsWith('/callback'));
		expect(world.discord.modal(remix.id)).toBeDefined();
		const del = click(kept.message, 'delete', requester);
		await world.discord.waitFor((r) => r.interactionId === del.id && r.method === 'DELETE' && r.status === 204);

		for (const action of ['reroll', 'remix'] as const) {
			const sent = click(pruned.message, action, newUserId());
			expect(await replyContent(world, sent.id)).toMatchObject({ ephemeral: true, content: expect.stringContaining('too old') });
		}
		// Delete still knows the requester from the message itself.
		const stillDeletable = click(pruned.message, 'delete', requester);
		await world.discord.waitFor((r) => r.interactionId === stillDeletable.id && r.method === 'DELETE' && r.status === 204);
	});
});

describe('cards posted before Components V2', () => {
	it('Reroll, Remix and Delete still work on an embed card the earlier version posted in the channel', async () => {
		const requester = newUserId();
		const { jobId } = await delivered({ prompt: 'an old lantern', userId: requester, aspectRatio: '4:3' });
		// The earlier version's channel post (its token had expired): text with the mention, the embed card, a top-level row.
		const row = {
			type: 1,
			components: (['reroll', 'remix', 'delete'] as const).map((action) => ({
				type: 2,
				style: action === 'delete' ? 4 : 2,
				label: action[0]?.toUpperCase() + action.slice(1),
				custom_id: `imagine:${action}:${jobId}`,
			})),
		};
		const embed = {
			color: 0x57f287,
			description: 'an old lantern',
			fields: [
				{ name: 'Requested by', value: `<@${requester}>`, inline: true },
				{ name: 'Aspect ratio', value: '4:3', inline: true },
				{ name: 'Time', value: '3.0 s', inline: true },
				{ name: 'Cost', value: '$0.05', inline: true },
				{ name: 'Budget left', value: '$0.95', inline: true },
			],
			footer: { text: 'FLUX 1.1 Pro' },
		};
		const res = await fetch(`${world.discord.apiUrl}/v10/channels/${world.channelId}/messages`, {
			method: 'POST',
			headers: { authorization: `Bot ${TOKEN}`, 'content-type': 'application/json' },
			body: JSON.stringify({
				content: `<@${requester}> The image is larger than Discord allows here, so here is a link:\nhttps://cdn.example/old.png`,
				embeds: [embed],
				components: [row],
				allowed_mentions: { parse: [], users: [requester] },
			}),
		});
		expect(res.status).toBe(200);
		const old = (await res.json()) as APIMessage;
		expect(old.flags ?? 0).toBe(0);
		expect(buttons(old).map((b) => b.custom_id)).toEqual([`imagine:reroll:${jobId}`, `imagine:remix:${jobId}`, `imagine:delete:${jobId}`]);

		const clicker = newUserId();
		const reroll = click(old, 'reroll', clicker);
		const rerolled = await outcome(world, bot, reroll.id);
		expect(rerolled.kind).toBe('delivered');
		expect(submits(reroll.id)).toEqual([{ model: 'flux-1.1-pro', input: { prompt: 'an old lantern', aspect_ratio: '4:3' } }]);
		// The new image comes as a card; the old message is untouched.
		expect(readCard(rerolled.message).v2).toBe(true);
		expect(readCard(rerolled.message).facts['Rerolled by']).toBe(`<@${clicker}>`);
		expect(world.discord.message(old.id)?.embeds).toEqual(old.embeds);
		expect((await usage(world, clicker))['Spent']).toBe('$0.05');

		const remix = click(old, 'remix', newUserId());
		await world.discord.waitFor((r) => r.interactionId === remix.id && r.path.endsWith('/callback'));
		expect(JSON.stringify(world.discord.modal(remix.id))).toContain('"value":"an old lantern"');
		const del = click(old, 'delete', requester);
		await world.discord.waitFor((r) => r.interactionId === del.id && r.method === 'DELETE' && r.status === 204);
		expect(world.discord.message(old.id)).toBeUndefined();
	});
});
