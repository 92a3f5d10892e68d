// User install (issue 16) through the real bot: with USER_INSTALL=on, /imagine in a server that did not add the
// bot and in group DMs goes through the interaction webhook only, charged to the personal scope under the
// operator's ceiling; with it off, such interactions get a private "add the bot" and nothing is charged.
// Unexpected contexts or owners maps are refused either way; deploy-commands registers the scopes of each state.
import type { APIApplicationCommandInteractionDataOption, APIMessage } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { INSTALL_TEXT } from '../../src/messages/install-texts.js';
import { APP_ID, ROOT, createWorld, imagine, newUserId, outcome, replyContent, spawnBot, usage, type BotProcess, type World } from './harness.js';

const HOME = '100000000000000201';
/** A server the bot is in whose moderators paused it, blocked a word and set a zero cap. */
const STRICT = '100000000000000202';
/** A server that never added the bot (members use their own install there). */
const FOREIGN = '900000000000000301';
const FOREIGN_CHANNEL = '900000000000000311';
const MANAGE_GUILD = String(1n << 5n);
const MANAGE_MESSAGES = String((1n << 13n) | (1n << 10n) | (1n << 11n));

/** Every REST request the bot made about a guild or channel (anything but the interaction webhook and callbacks). */
function restAbout(world: World, ...ids: string[]) {
	return world.discord.requests.filter(
		(r) => !r.path.startsWith('/v10/webhooks/') && !r.path.startsWith('/v10/interactions/') && ids.some((id) => r.path.includes(id)),
	);
}

/** Discord allows a user-installed app 5 follow-ups per interaction: none over, none refused with 40094. */
function expectFollowUpsWithinLimit(world: World) {
	const ids = new Set(world.discord.requests.map((r) => r.interactionId).filter((id): id is string => id !== undefined));
	for (const id of ids) expect(world.discord.followUps(id).length, `follow-ups of ${id}`).toBeLessThanOrEqual(5);
	expect(world.discord.requests.filter((r) => (r.json as { code?: number } | undefined)?.code === 40094)).toEqual([]);
}

async function delivered(world: World, bot: BotProcess, o: Parameters<typeof imagine>[1]): Promise<{ jobId: string; message: APIMessage }> {
	const sent = imagine(world, o);
	const result = await outcome(world, bot, sent.id);
	expect(result.kind).toBe('delivered');
	return { jobId: sent.id, message: result.message as APIMessage };
}

function command(world: World, name: string, sub: string, options: APIApplicationCommandInteractionDataOption[], guildId: string) {
	const data = [{ name: sub, type: 1, options }] as unknown as APIApplicationCommandInteractionDataOption[];
	return world.discord.sendInteraction({ commandName: name, options: data, user: { id: newUserId() }, permissions: MANAGE_GUILD, guildId });
}

async function registered(world: World, userInstall: 'on' | 'off'): Promise<Record<string, unknown>> {
	const run = spawnBot({ ...world.env, USER_INSTALL: userInstall }, world.dataDir, join(ROOT, 'dist/src/deploy-commands.js'));
	expect((await run.exited).code).toBe(0);
	const res = await fetch(`${world.discord.apiUrl}/v10/applications/${APP_ID}/commands`, {
		headers: { authorization: `Bot ${world.env['DISCORD_TOKEN']}` },
	});
	const stored = (await res.json()) as Array<{ name: string; integration_types: number[]; contexts: number[] }>;
	return Object.fromEntries(stored.map((c) => [c.name, [c.integration_types, c.contexts]]));
}

describe('USER_INSTALL=on', () => {
	let world: World;
	let bot: BotProcess;

	beforeAll(async () => {
		world = await createWorld(
			{ IMAGE_PRICE_USD: '0.05', DEFAULT_USER_BUDGET_USD: '1.00', MAX_JOBS_PER_USER: '5', USER_INSTALL: 'on' },
			{ discord: { guilds: [{ id: HOME }, { id: STRICT }] } },
		);
		bot = await world.start();
		for (const [name, sub, options] of [
			['budget', 'pause', []],
			['budget', 'cap', [{ name: 'amount', type: 3, value: '0' }]],
			['blocklist', 'add', [{ name: 'term', type: 3, value: 'forbidden' }]],
		] as const) {
			const sent = command(world, name, sub, [...options], STRICT);
			await world.discord.waitFor((r) => r.interactionId === sent.id && r.path.endsWith('/callback'));
		}
	}, 40_000);

	afterAll(async () => {
		expectFollowUpsWithinLimit(world);
		await world?.close();
	});

	it('/imagine in a server that did not add the bot: webhook only, no guild or channel REST, charged to the personal scope', async () => {
		const userId = newUserId();
		const { message } = await delivered(world, bot, { prompt: 'a lighthouse', userId, guildId: FOREIGN, channelId: FOREIGN_CHANNEL });
		expect(message.channel_id).toBe(FOREIGN_CHANNEL);
		expect(restAbout(world, FOREIGN, FOREIGN_CHANNEL)).toEqual([]);
		expect(world.discord.channelMessages(FOREIGN_CHANNEL)).toEqual([]);
		// The same personal scope in the bot's DM and in that server; the home server's scope is untouched.
		expect(await usage(world, userId, null)).toMatchObject({ Spent: '$0.05' });
		const there = await usage(world, userId, FOREIGN);
		expect(there).toMatchObject({ Spent: '$0.05' });
		expect(there['Server budget left']).toBeUndefined();
		expect(await usage(world, userId, HOME)).toMatchObject({ Spent: '$0.00' });
		// /history lists it, without a link: the bot cannot see that channel, so it does not ask Discord about it.
		const listing = world.discord.sendInteraction({ commandName: 'history', user: { id: userId }, guildId: null });
		await bot.waitForLog((l) => l.msg === 'history shown' && l.interactionId === listing.id);
		expect(JSON.stringify(world.discord.originalMessage(listing.id))).toContain('a lighthouse');
		expect(JSON.stringify(world.discord.originalMessage(listing.id))).not.toContain(FOREIGN_CHANNEL);
		expect(restAbout(world, FOREIGN, FOREIGN_CHANNEL)).toEqual([]);
	});

	it("a server's pause, blocklist and cap apply when its own install serves the interaction, not to a member's user install", async () => {
		const userId = newUserId();
		const asServer = imagine(world, { prompt: 'something forbidden', userId, guildId: STRICT, authorizingIntegrationOwners: { '0': STRICT, '1': userId } });
		expect(await replyContent(world, asServer.id)).toMatchObject({ ephemeral: true, content: expect.stringMatching(/paused/) });
		// The server's install does not authorise this one (owners { 1: user }): nothing the server set applies.
		await delivered(world, bot, { prompt: 'something forbidden', userId, guildId: STRICT, authorizingIntegrationOwners: { '1': userId } });
		expect(await usage(world, userId, null)).toMatchObject({ Spent: '$0.05' });
	});

	it('a group DM (context 2): delivered through the webhook, charged to the personal scope', async () => {
		const userId = newUserId();
		const { message } = await delivered(world, bot, { prompt: 'a group portrait', userId, guildId: null, context: 2 });
		expect(restAbout(world, message.channel_id)).toEqual([]);
		expect(await usage(world, userId, null)).toMatchObject({ Spent: '$0.05' });
	});

	it("buttons on a user-installed image: the requester's Reroll and Delete work there; another member's click is refused, nothing charged", async () => {
		const userId = newUserId();
		const other = newUserId();
		const { jobId, message } = await delivered(world, bot, { prompt: 'a kite', userId, guildId: FOREIGN, channelId: FOREIGN_CHANNEL });
		const reroll = world.discord.clickButton({ messageId: message.id, customId: `imagine:reroll:${jobId}`, user: { id: userId } });
		expect((await outcome(world, bot, reroll.id)).kind).toBe('delivered');
		expect(await usage(world, userId, null)).toMatchObject({ Spent: '$0.10' });

		// Discord authorises a click with the installer's install: someone else's click is not theirs to spend.
		const theirs = world.discord.clickButton({ messageId: message.id, customId: `imagine:reroll:${jobId}`, user: { id: other } });
		expect(await replyContent(world, theirs.id)).toEqual({ type: 4, ephemeral: true, content: INSTALL_TEXT.unexpectedPlace });
		const moderator = world.discord.clickButton({
			messageId: message.id,
			customId: `imagine:delete:${jobId}`,
			user: { id: other },
			permissions: MANAGE_MESSAGES,
		});
		expect(await replyContent(world, moderator.id)).toMatchObject({ ephemeral: true, content: INSTALL_TEXT.unexpectedPlace });
		expect(world.discord.deleted(message.id)).toBe(false);
		expect(await usage(world, other, null)).toMatchObject({ Spent: '$0.00' });

		const del = world.discord.clickButton({ messageId: message.id, customId: `imagine:delete:${jobId}`, user: { id: userId } });
		await world.discord.waitFor((r) => r.interactionId === del.id && r.method === 'DELETE');
		expect(world.discord.deleted(message.id)).toBe(true);
		expect(restAbout(world, FOREIGN, FOREIGN_CHANNEL)).toEqual([]);
	});

	it('an owners map or context the bot does not expect is refused privately; nothing is submitted or charged', async () => {
		const userId = newUserId();
		const submits = world.hiapi.submits().length;
		const cases = [
			imagine(world, { prompt: 'x', userId, guildId: HOME, authorizingIntegrationOwners: { '0': STRICT } }),
			imagine(world, { prompt: 'x', userId, guildId: FOREIGN, authorizingIntegrationOwners: { '1': newUserId() } }),
			imagine(world, { prompt: 'x', userId, guildId: FOREIGN, authorizingIntegrationOwners: {} }),
			imagine(world, { prompt: 'x', userId, guildId: null, context: 3 as 2 }),
			imagine(world, { prompt: 'x', userId, guildId: null, context: 2, authorizingIntegrationOwners: { '0': '0' } }),
		];
		for (const sent of cases) expect(await replyContent(world, sent.id)).toEqual({ type: 4, ephemeral: true, content: INSTALL_TEXT.unexpectedPlace });
		expect(world.hiapi.submits().length).toBe(submits);
		expect(await usage(world, userId, null)).toMatchObject({ Spent: '$0.00' });
	});

	it('moderator commands reached through a user install (Discord should not send them) are refused: no server settings or REST there', async () => {
		for (const sent of [command(world, 'budget', 'pause', [], FOREIGN), command(world, 'blocklist', 'add', [{ name: 'term', type: 3, value: 'x' }], FOREIGN)]) {
			expect(await replyContent(world, sent.id)).toEqual({ type: 4, ephemeral: true, content: INSTALL_TEXT.addBotToServer });
		}
		expect(restAbout(world, FOREIGN, FOREIGN_CHANNEL)).toEqual([]);
		await delivered(world, bot, { prompt: 'still running', userId: newUserId(), guildId: FOREIGN, channelId: FOREIGN_CHANNEL });
	});

	it('deploy-commands registers member commands for both installs and every context, moderator ones for servers only', async () => {
		expect(await registered(world, 'on')).toEqual({
			imagine: [
				[0, 1],
				[0, 1, 2],
			],
			usage: [
				[0, 1],
				[0, 1, 2],
			],
			budget: [[0], [0]],
			blocklist: [[0], [0]],
			style: [[0], [0]],
			settings: [
				[0, 1],
				[0, 1, 2],
			],
			history: [
				[0, 1],
				[0, 1, 2],
			],
		});
		expect(await registered(world, 'off')).toEqual({
			imagine: [[0], [0, 1]],
			usage: [[0], [0, 1]],
			budget: [[0], [0]],
			blocklist: [[0], [0]],
			style: [[0], [0]],
			settings: [[0], [0, 1]],
			history: [[0], [0, 1]],
		});
	});
});

describe('USER_INSTALL=on: the operator ceiling and the low-budget note', () => {
	let world: World;
	let bot: BotProcess;

	beforeAll(async () => {
		world = await createWorld({ IMAGE_PRICE_USD: '0.05', DEFAULT_USER_BUDGET_USD: '0.10', GLOBAL_BUDGET_USD: '0.15', USER_INSTALL: 'on' });
		bot = await world.start();
	}, 40_000);

	afterAll(async () => {
		expectFollowUpsWithinLimit(world);
		await world?.close();
	});

	it('the low-budget note reaches the member as a follow-up; the global ceiling refuses once reached', async () => {
		const first = newUserId();
		await delivered(world, bot, { prompt: 'one', userId: first, guildId: FOREIGN, channelId: FOREIGN_CHANNEL });
		const { jobId } = await delivered(world, bot, { prompt: 'two', userId: first, guildId: FOREIGN, channelId: FOREIGN_CHANNEL });
		const note = await world.discord.waitFor((r) => r.interactionId === jobId && r.method === 'POST' && /^\/v10\/webhooks\/[^/]+\/[^/]+$/.test(r.path));
		expect(note.status).toBeLessThan(300);
		expect(await usage(world, first, null)).toMatchObject({ Spent: '$0.10', Remaining: '$0.00' });
		const second = newUserId();
		await delivered(world, bot, { prompt: 'three', userId: second, guildId: null, context: 2 });
		const over = imagine(world, { prompt: 'four', userId: second, guildId: FOREIGN, channelId: FOREIGN_CHANNEL });
		const refusal = await replyContent(world, over.id);
		expect(refusal.ephemeral).toBe(true);
		expect(refusal.content).toMatch(/operator's spending ceiling/);
		expect(await usage(world, second, null)).toMatchObject({ Spent: '$0.05' });
		expect(restAbout(world, FOREIGN, FOREIGN_CHANNEL)).toEqual([]);
	});
});

describe('USER_INSTALL=off (default)', () => {
	let world: World;

	beforeAll(async () => {
		world = await createWorld({ IMAGE_PRICE_USD: '0.05', DEFAULT_USER_BUDGET_USD: '1.00' });
		await world.start();
	}, 40_000);

	afterAll(async () => {
		await world?.close();
	});

	it('a user install in a server that did not add the bot, or in a group DM, is told to add the bot; nothing is submitted or charged', async () => {
		const userId = newUserId();
		const cases = [
			imagine(world, { prompt: 'a lighthouse', userId, guildId: FOREIGN, channelId: FOREIGN_CHANNEL }),
			imagine(world, { prompt: 'a lighthouse', userId, guildId: null, context: 2 }),
			world.discord.sendInteraction({ commandName: 'usage', user: { id: userId }, guildId: FOREIGN }),
		];
		for (const sent of cases) expect(await replyContent(world, sent.id)).toEqual({ type: 4, ephemeral: true, content: INSTALL_TEXT.addBotToServer });
		expect(world.hiapi.submits()).toEqual([]);
		expect(await usage(world, userId, null)).toMatchObject({ Spent: '$0.00' });
		expect(restAbout(world, FOREIGN, FOREIGN_CHANNEL)).toEqual([]);
	});

	it('unexpected owners or contexts are refused as such', async () => {
		const userId = newUserId();
		const sent = imagine(world, { prompt: 'x', userId, authorizingIntegrationOwners: { '0': FOREIGN } });
		expect(await replyContent(world, sent.id)).toEqual({ type: 4, ephemeral: true, content: INSTALL_TEXT.unexpectedPlace });
		const odd = imagine(world, { prompt: 'x', userId, guildId: null, context: 3 as 2 });
		expect(await replyContent(world, odd.id)).toEqual({ type: 4, ephemeral: true, content: INSTALL_TEXT.unexpectedPlace });
		expect(world.hiapi.submits()).toEqual([]);
	});
});
