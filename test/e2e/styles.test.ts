// Styles through the real bot: /style add|remove|list (Manage Server checked at run time, ≤ 25 per server,
// audited in /budget history and posted to the log channel), /imagine style: (autocomplete, the filled template
// sent to hiapi while the card keeps the member's words, the blocklist on the final prompt) and Remix's style.
import type { APIApplicationCommandInteractionDataOption, APIEmbed, APIMessage, APIStringSelectComponent } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCard } from '../support/card.js';
import { hasRedis, startRedis } from '../support/redis-server.js';
import { createWorld, newUserId, outcome, replyContent, stringOption, type BotProcess, type World } from './harness.js';

const MANAGE_GUILD = String(1n << 5n);
const PHOTO = 'A high-resolution photograph of {prompt}.';

let world: World;
let bot: BotProcess;
let logChannel: string;
const moderator = newUserId();

beforeAll(async () => {
	world = await createWorld({ IMAGE_PRICE_USD: '0.05', DEFAULT_USER_BUDGET_USD: '5.00', MAX_JOBS_PER_USER: '5' });
	logChannel = world.channelId;
	bot = await world.start();
}, 40_000);

afterAll(async () => {
	await world?.close();
});

type Opt = { name: string; type: number; value: string; focused?: boolean };
const opt = (name: string, value: string): Opt => ({ name, type: 3, value });

function style(sub: 'add' | 'remove' | 'list', options: Opt[] = [], o: { as?: string; permissions?: string; guildId?: null } = {}) {
	return world.discord.sendInteraction({
		commandName: 'style',
		options: [{ name: sub, type: 1, options }] as APIApplicationCommandInteractionDataOption[],
		user: { id: o.as ?? moderator },
		permissions: o.permissions ?? MANAGE_GUILD,
		...(o.guildId === null ? { guildId: null } : {}),
	});
}

async function embedOf(id: string): Promise<APIEmbed & { ephemeral: boolean }> {
	const cb = await world.discord.waitFor((r) => r.interactionId === id && r.path.endsWith('/callback'));
	const data = (cb.json as { data: { embeds?: APIEmbed[]; flags?: number; content?: string } }).data;
	return { ...(data.embeds?.[0] ?? { description: data.content ?? '' }), ephemeral: ((data.flags ?? 0) & 64) === 64 };
}

function imagineStyled(prompt: string, styleName: string, o: { userId?: string; guildId?: null } = {}) {
	return world.discord.sendInteraction({
		commandName: 'imagine',
		options: [stringOption('prompt', prompt), stringOption('style', styleName)],
		user: { id: o.userId ?? newUserId() },
		...(o.guildId === null ? { guildId: null } : {}),
	});
}

const hiapiPrompt = (interactionId: string) =>
	world.hiapi.requests
		.filter((r) => r.method === 'POST' && r.headers['idempotency-key'] === interactionId)
		.map((r) => (r.json as { input: { prompt: string } }).input.prompt);

async function history(): Promise<string> {
	const sent = world.discord.sendInteraction({
		commandName: 'budget',
		options: [{ name: 'history', type: 1, options: [] }] as APIApplicationCommandInteractionDataOption[],
		user: { id: moderator },
		permissions: MANAGE_GUILD,
	});
	return (await embedOf(sent.id)).description ?? '';
}

describe('/style', () => {
	it('changes the server only for Manage Server (checked at run time); anyone lists, privately', async () => {
		const member = newUserId();
		for (const sent of [
			style('add', [opt('name', 'Mine'), opt('template', '{prompt}')], { as: member, permissions: '0' }),
			style('remove', [opt('name', 'Mine')], { as: member, permissions: '0' }),
		]) {
			expect(await replyContent(world, sent.id)).toMatchObject({ ephemeral: true, content: expect.stringContaining('Manage Server') as string });
		}
		const list = await embedOf(style('list', [], { as: member, permissions: '0' }).id);
		expect(list).toMatchObject({ ephemeral: true, title: 'Styles (0 of 25 server styles)' });
		expect(list.description).toContain('**Watercolor**: soft washes on textured paper');
		expect(list.description).not.toContain('Mine');
		const { commands } = await import('../../commands/index.js');
		expect(commands.find((c) => c.data.name === 'style')?.data).not.toHaveProperty('default_member_permissions');
	});

	it('adds, shows and removes a style; refuses bad input, changing nothing; audits and posts each change', async () => {
		await embedOf(
			world.discord.sendInteraction({
				commandName: 'budget',
				options: [{ name: 'log', type: 1, options: [{ name: 'channel', type: 7, value: logChannel }] }] as APIApplicationCommandInteractionDataOption[],
				user: { id: moderator },
				permissions: MANAGE_GUILD,
			}).id,
		);
		const added = await embedOf(style('add', [opt('name', ' Neon  Noir '), opt('template', 'neon noir night photo of {prompt}, wet streets')]).id);
		expect(added).toMatchObject({ ephemeral: true, title: 'Style added', description: expect.stringContaining('**Neon Noir**') as string });
		const refusals: Array<[Opt[], RegExp]> = [
			[[opt('name', 'neon noir'), opt('template', '{prompt}')], /already has a style/],
			[[opt('name', 'Cinematic'), opt('template', '{prompt}, film')], /built-in style/],
			[[opt('name', 'Flat'), opt('template', 'a flat drawing')], /must contain `\{prompt\}`/],
			[[opt('name', 'Long'), opt('template', `${'x'.repeat(493)}{prompt}`)], /1–500 characters/],
			[[opt('name', 'x'.repeat(33)), opt('template', '{prompt}')], /1–32 characters/],
		];
		for (const [options, why] of refusals)
			expect(await replyContent(world, style('add', options).id)).toMatchObject({ ephemeral: true, content: expect.stringMatching(why) as string });
		expect((await replyContent(world, style('remove', [opt('name', 'Photo')]).id)).content).toMatch(/cannot be removed/);

		const one = await embedOf(style('list', [opt('name', 'NEON NOIR')]).id);
		expect(one.description).toBe('**Neon Noir** (this server)\nneon noir night photo of {prompt}, wet streets');
		const list = await embedOf(style('list').id);
		expect(list.title).toBe('Styles (1 of 25 server styles)');
		expect(list.description).toContain('• **Neon Noir**: neon noir night photo of {prompt}, wet streets');

		expect(await embedOf(style('remove', [opt('name', 'neon noir')]).id)).toMatchObject({ title: 'Style removed' });
		expect((await embedOf(style('list').id)).description).toMatch(/none yet/);
		expect((await replyContent(world, style('remove', [opt('name', 'neon noir')]).id)).content).toMatch(/no style named "neon noir"/);

		const lines = await history();
		expect(lines).toContain(`<@${moderator}> **style-remove**: removed style Neon Noir: neon noir night photo of {prompt}, wet streets`);
		expect(lines).toContain(`<@${moderator}> **style-add**: added style Neon Noir: neon noir night photo of {prompt}, wet streets`);
		const posted = await world.discord.waitFor(
			(r) => r.method === 'POST' && r.path === `/v10/channels/${logChannel}/messages` && JSON.stringify(r.json).includes('style-remove'),
		);
		expect(JSON.stringify(posted.json)).toContain('removed style Neon Noir');
	});

	it('refuses a 26th server style', async () => {
		for (let i = 0; i < 25; i++) await embedOf(style('add', [opt('name', `Fill ${String(i).padStart(2, '0')}`), opt('template', `{prompt}, fill ${i}`)]).id);
		const over = style('add', [opt('name', 'One too many'), opt('template', '{prompt}')]);
		expect((await replyContent(world, over.id)).content).toMatch(/already has 25 styles/);
		expect((await embedOf(style('list').id)).title).toBe('Styles (25 of 25 server styles)');
		for (let i = 0; i < 25; i++) await embedOf(style('remove', [opt('name', `fill ${String(i).padStart(2, '0')}`)]).id);
	}, 30_000);
});

describe('/imagine style:', () => {
	it('suggests built-in and server styles matching what is typed (≤ 25), only built-ins in a DM', async () => {
		await embedOf(style('add', [opt('name', 'Art Deco'), opt('template', 'art deco poster of {prompt}')]).id);
		const typing = (value: string, guildId?: null) =>
			world.discord.sendAutocomplete({
				commandName: 'imagine',
				options: [opt('prompt', 'a fox'), { ...opt('style', value), focused: true }],
				...(guildId === null ? { guildId: null } : {}),
			});
		const art = typing('ART');
		const answer = await world.discord.waitFor((r) => r.interactionId === art.id && r.path.endsWith('/callback'));
		// Well within Discord's 3 s: one store read.
		expect(answer.at - art.sentAt).toBeLessThan(1000);
		expect(world.discord.callbacks(art.id)).toMatchObject([{ status: 204, json: { type: 8 } }]);
		expect(world.discord.autocompleteChoices(art.id)?.map((c) => c.value)).toEqual(['Art Deco', 'Pixel art', 'Line art', 'Fantasy art']);
		expect(world.discord.autocompleteChoices(art.id)?.[0]?.name).toBe('Art Deco — server style: art deco poster of {prompt}');
		const all = typing('');
		await world.discord.waitFor((r) => r.interactionId === all.id && r.path.endsWith('/callback'));
		expect(world.discord.autocompleteChoices(all.id)?.length).toBe(11);
		const dm = typing('art', null);
		await world.discord.waitFor((r) => r.interactionId === dm.id && r.path.endsWith('/callback'));
		expect(world.discord.autocompleteChoices(dm.id)?.map((c) => c.value)).toEqual(['Pixel art', 'Line art', 'Fantasy art']);
		const none = typing('zzz');
		await world.discord.waitFor((r) => r.interactionId === none.id && r.path.endsWith('/callback'));
		expect(world.discord.autocompleteChoices(none.id)).toEqual([]);
	});

	it("sends hiapi the filled template; the card keeps the member's own words", async () => {
		const sent = imagineStyled('a lighthouse at dawn', 'photo');
		const done = await outcome(world, bot, sent.id);
		expect(done.kind).toBe('delivered');
		expect(hiapiPrompt(sent.id)[0]).toMatch(new RegExp(`^${PHOTO.replace('{prompt}', 'a lighthouse at dawn').replace(/[.]/g, '\\.')}`));
		const card = readCard(done.message);
		expect(card.prompt).toContain('a lighthouse at dawn');
		expect(card.prompt).not.toContain('photograph');

		const server = imagineStyled('a hare', 'art deco');
		expect((await outcome(world, bot, server.id)).kind).toBe('delivered');
		expect(hiapiPrompt(server.id)).toEqual(['art deco poster of a hare']);
	});

	it('refuses an unknown style (and a server style in a DM) privately, sending nothing', async () => {
		const unknown = imagineStyled('a fox', 'vaporwave');
		expect(await replyContent(world, unknown.id)).toMatchObject({
			type: 4,
			ephemeral: true,
			content: expect.stringMatching(/no style named "vaporwave".*\/style list/) as string,
		});
		await embedOf(style('add', [opt('name', 'Echo'), opt('template', '{prompt}; {prompt}')]).id);
		const tooLong = imagineStyled('w'.repeat(1200), 'echo');
		expect((await replyContent(world, tooLong.id)).content).toMatch(/would be 2402 characters, over the 2000/);
		const dm = imagineStyled('a fox', 'Art Deco', { guildId: null });
		expect((await replyContent(world, dm.id)).content).toMatch(/direct messages only the built-in styles/);
		expect([...hiapiPrompt(unknown.id), ...hiapiPrompt(dm.id), ...hiapiPrompt(tooLong.id)]).toEqual([]);
	});

	it('is blocked when a blocked word is in the style, not in the prompt', async () => {
		await embedOf(style('add', [opt('name', 'Gory'), opt('template', 'a gruesome splatter scene of {prompt}')]).id);
		await embedOf(
			world.discord.sendInteraction({
				commandName: 'blocklist',
				options: [{ name: 'add', type: 1, options: [opt('term', 'splatter')] }] as APIApplicationCommandInteractionDataOption[],
				user: { id: moderator },
				permissions: MANAGE_GUILD,
			}).id,
		);
		const sent = imagineStyled('a kitten', 'gory');
		expect(await replyContent(world, sent.id)).toMatchObject({ ephemeral: true, content: expect.stringMatching(/doesn't allow/) as string });
		expect(hiapiPrompt(sent.id)).toEqual([]);
	});
});

describe("Remix's form", () => {
	it("offers the styles with the image's own chosen, and uses the one picked (or the image's, even once removed)", async () => {
		await embedOf(style('add', [opt('name', 'Chalk'), opt('template', 'chalk drawing of {prompt}')]).id);
		const sent = imagineStyled('a barn owl', 'chalk');
		const done = await outcome(world, bot, sent.id);
		const ids = readCard(done.message as APIMessage).buttons.map((b) => b.custom_id);
		const open = () => {
			const click = world.discord.clickButton({ messageId: (done.message as APIMessage).id, customId: ids[1] as string, user: { id: newUserId() } });
			return click;
		};
		const first = open();
		await world.discord.waitFor((r) => r.interactionId === first.id && r.path.endsWith('/callback'));
		const select = world.discord
			.modal(first.id)
			?.components.map((c) => ('component' in c ? c.component : undefined))
			.find((c) => c?.custom_id === 'style') as APIStringSelectComponent;
		expect(select.options.slice(0, 3).map((o) => [o.label, o.value, o.default ?? false])).toEqual([
			['No style', 'none', false],
			['Chalk', 'own', true],
			['Photo', 'name:photo', false],
		]);
		const anime = world.discord.submitModal({ modalOf: first.id, values: { prompt: 'a barn owl, flying', style: 'name:anime' } });
		expect((await outcome(world, bot, anime.id)).kind).toBe('delivered');
		expect(hiapiPrompt(anime.id)[0]).toMatch(/^An anime illustration of a barn owl, flying\./);

		await embedOf(style('remove', [opt('name', 'chalk')]).id);
		const second = open();
		await world.discord.waitFor((r) => r.interactionId === second.id && r.path.endsWith('/callback'));
		const kept = world.discord.submitModal({ modalOf: second.id, values: { prompt: 'a barn owl at night' } });
		expect((await outcome(world, bot, kept.id)).kind).toBe('delivered');
		expect(hiapiPrompt(kept.id)).toEqual(['chalk drawing of a barn owl at night']);
		const plain = open();
		await world.discord.waitFor((r) => r.interactionId === plain.id && r.path.endsWith('/callback'));
		const none = world.discord.submitModal({ modalOf: plain.id, values: { prompt: 'just an owl', style: 'none' } });
		expect((await outcome(world, bot, none.id)).kind).toBe('delivered');
		expect(hiapiPrompt(none.id)).toEqual(['just an owl']);
	});
});

describe.runIf(hasRedis)('styles on a Redis store', () => {
	it('are added, suggested, used and removed as on SQLite', async () => {
		const server = await startRedis();
		const fleet = await createWorld({ STORE_URL: server.url, IMAGE_PRICE_USD: '0.05', DEFAULT_USER_BUDGET_USD: '5.00' });
		try {
			const fleetBot = await fleet.start();
			const send = (sub: string, options: Opt[]) =>
				fleet.discord.sendInteraction({
					commandName: 'style',
					options: [{ name: sub, type: 1, options }] as APIApplicationCommandInteractionDataOption[],
					user: { id: moderator },
					permissions: MANAGE_GUILD,
				});
			const answered = (id: string) => fleet.discord.waitFor((r) => r.interactionId === id && r.path.endsWith('/callback'));
			const add = send('add', [opt('name', 'Risograph'), opt('template', 'risograph print of {prompt}, two inks')]);
			expect(JSON.stringify((await answered(add.id)).json)).toContain('Style added');
			const typing = fleet.discord.sendAutocomplete({ commandName: 'imagine', options: [opt('prompt', 'x'), { ...opt('style', 'riso'), focused: true }] });
			await answered(typing.id);
			expect(fleet.discord.autocompleteChoices(typing.id)?.map((c) => c.value)).toEqual(['Risograph']);
			const sent = fleet.discord.sendInteraction({
				commandName: 'imagine',
				options: [stringOption('prompt', 'a cat'), stringOption('style', 'risograph')],
				user: { id: newUserId() },
			});
			expect((await outcome(fleet, fleetBot, sent.id)).kind).toBe('delivered');
			const prompts = fleet.hiapi.requests
				.filter((r) => r.headers['idempotency-key'] === sent.id)
				.map((r) => (r.json as { input: { prompt: string } }).input.prompt);
			expect(prompts).toEqual(['risograph print of a cat, two inks']);
			const remove = send('remove', [opt('name', 'RISOGRAPH')]);
			expect(JSON.stringify((await answered(remove.id)).json)).toContain('Style removed');
		} finally {
			await fleet.close();
			await server.close();
		}
	}, 40_000);
});
