// /blocklist through the real bot: moderators only, audited with budget changes, and a blocked prompt is
// refused privately for /imagine, Reroll and Remix with nothing sent to hiapi and nothing charged.
import type { APIApplicationCommandInteractionDataOption, APIEmbed, APIMessage } from 'discord.js';
import { readCard } from '../support/card.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, imagine, newUserId, outcome, replyContent, usage, type BotProcess, type World } from './harness.js';

const MANAGE_GUILD = String(1n << 5n);

let world: World;
let bot: BotProcess;
const moderator = newUserId();

beforeAll(async () => {
	world = await createWorld({ IMAGE_PRICE_USD: '0.05', DEFAULT_USER_BUDGET_USD: '1.00', MAX_JOBS_PER_USER: '5' });
	bot = await world.start();
}, 40_000);

afterAll(async () => {
	await world?.close();
});

function blocklist(sub: 'add' | 'remove' | 'list', term?: string, o: { as?: string; permissions?: string } = {}) {
	const options = [
		{ name: sub, type: 1, options: term === undefined ? [] : [{ name: 'term', type: 3, value: term }] },
	] as APIApplicationCommandInteractionDataOption[];
	return world.discord.sendInteraction({ commandName: 'blocklist', options, user: { id: o.as ?? moderator }, permissions: o.permissions ?? MANAGE_GUILD });
}

async function embedOf(id: string): Promise<APIEmbed & { ephemeral: boolean }> {
	const cb = await world.discord.waitFor((r) => r.interactionId === id && r.path.endsWith('/callback'));
	const data = (cb.json as { data: { embeds?: APIEmbed[]; flags?: number; content?: string } }).data;
	return { ...(data.embeds?.[0] ?? { description: data.content ?? '' }), ephemeral: ((data.flags ?? 0) & 64) === 64 };
}

function hiapiSubmits(interactionId: string) {
	return world.hiapi.requests.filter((r) => r.method === 'POST' && r.headers['idempotency-key'] === interactionId);
}

describe('/blocklist', () => {
	it('is for moderators: registered with ManageGuild, guild only, and checked at run time', async () => {
		const sent = blocklist('add', 'anything', { as: newUserId(), permissions: '0' });
		expect(await replyContent(world, sent.id)).toMatchObject({ ephemeral: true, content: expect.stringContaining('Manage Server') });
		const list = await embedOf(blocklist('list').id);
		expect(list.description).not.toContain('anything');
		const { commands } = await import('../../commands/index.js');
		const data = commands.find((c) => c.data.name === 'blocklist')?.data;
		expect(data).toMatchObject({ default_member_permissions: MANAGE_GUILD, contexts: [0] });
	});

	it('adds, lists and removes terms, refuses useless ones, and audits each change in /budget history', async () => {
		expect(await embedOf(blocklist('add', 'Crimson Wolf').id)).toMatchObject({ title: 'Term blocked', ephemeral: true });
		const dup = blocklist('add', 'crimson   WOLF!');
		expect((await replyContent(world, dup.id)).content).toMatch(/already on the list/);
		const punct = blocklist('add', '?!...');
		expect((await replyContent(world, punct.id)).content).toMatch(/never match/);
		expect((await embedOf(blocklist('list').id)).description).toContain('• Crimson Wolf');
		expect(await embedOf(blocklist('remove', 'crimson wolf').id)).toMatchObject({ title: 'Term allowed again' });
		expect((await embedOf(blocklist('list').id)).description).toMatch(/No terms are blocked/);

		const history = world.discord.sendInteraction({
			commandName: 'budget',
			options: [{ name: 'history', type: 1, options: [] }] as APIApplicationCommandInteractionDataOption[],
			user: { id: moderator },
			permissions: MANAGE_GUILD,
		});
		const entries = (await embedOf(history.id)).description ?? '';
		expect(entries).toMatch(new RegExp(`<@${moderator}> \\*\\*blocklist-remove\\*\\*: unblocked "Crimson Wolf"`));
		expect(entries).toMatch(new RegExp(`<@${moderator}> \\*\\*blocklist-add\\*\\*: blocked "Crimson Wolf"`));
		expect(entries).toMatch(/<t:\d+:f>/);
	});
});

describe('a blocked prompt', () => {
	it('is refused for /imagine (case, accents, spacing) without listing the terms, nothing sent or charged; whole words only', async () => {
		await embedOf(blocklist('add', 'red fox').id);
		await embedOf(blocklist('add', 'secret term').id);
		const member = newUserId();
		// Invisible characters and look-alikes too: a soft hyphen, a zero-width space and a Cyrillic о.
		for (const prompt of ['A RED  Fox!', 'a réd fox in snow', 'a r\u00ADed f\u200B\u043Ex']) {
			const sent = imagine(world, { prompt, userId: member });
			const reply = await replyContent(world, sent.id);
			expect(reply).toMatchObject({ type: 4, ephemeral: true });
			expect(reply.content).toMatch(/doesn't allow/);
			expect(reply.content).not.toMatch(/red fox|secret term/i);
			expect(hiapiSubmits(sent.id)).toEqual([]);
		}
		expect((await usage(world, member))['Spent']).toBe('$0.00');
		const fine = imagine(world, { prompt: 'a field of foxglove, reddish', userId: member });
		expect((await outcome(world, bot, fine.id)).kind).toBe('delivered');
	});

	it('tells a moderator which term matched', async () => {
		const sent = imagine(world, { prompt: 'the SECRET-term revealed', userId: newUserId(), permissions: MANAGE_GUILD });
		expect((await replyContent(world, sent.id)).content).toContain('"secret term"');
	});

	it('is refused for Reroll and Remix too', async () => {
		const requester = newUserId();
		const sent = imagine(world, { prompt: 'a silver hare at dusk', userId: requester });
		const done = await outcome(world, bot, sent.id);
		const message = done.message as APIMessage;
		// The card's buttons, inside its Container.
		const ids = readCard(message).buttons.map((b) => b.custom_id);
		expect(ids).toEqual([`imagine:reroll:${sent.id}`, `imagine:remix:${sent.id}`, `imagine:delete:${sent.id}`]);
		await embedOf(blocklist('add', 'silver hare').id);

		const clicker = newUserId();
		const reroll = world.discord.clickButton({ messageId: message.id, customId: ids[0] as string, user: { id: clicker } });
		expect(await replyContent(world, reroll.id)).toMatchObject({ ephemeral: true, content: expect.stringMatching(/doesn't allow/) });
		expect(hiapiSubmits(reroll.id)).toEqual([]);

		const remix = world.discord.clickButton({ messageId: message.id, customId: ids[1] as string, user: { id: clicker } });
		await world.discord.waitFor((r) => r.interactionId === remix.id && r.path.endsWith('/callback'));
		const submitted = world.discord.submitModal({ modalOf: remix.id, values: { prompt: 'a Silver  Hare, again' } });
		expect(await replyContent(world, submitted.id)).toMatchObject({ ephemeral: true, content: expect.stringMatching(/doesn't allow/) });
		expect(hiapiSubmits(submitted.id)).toEqual([]);
		expect((await usage(world, clicker))['Spent']).toBe('$0.00');
	});
});
