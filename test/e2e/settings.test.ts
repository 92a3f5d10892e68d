// /settings through the real bot: shown, set and reset privately; /imagine fills the options a member left
// out from them (and an explicit option wins); a private image is the member's alone, buttons included.
import { ComponentType, type APIApplicationCommandInteractionDataOption, type APIEmbed, type APIMessage } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, imagine, newUserId, outcome, type BotProcess, type World } from './harness.js';

let world: World;
let bot: BotProcess;

beforeAll(async () => {
	world = await createWorld({ IMAGE_PRICE_USD: '0.04', DEFAULT_USER_BUDGET_USD: '1.00', MAX_JOBS_PER_USER: '5' });
	bot = await world.start();
}, 40_000);
afterAll(async () => {
	await world?.close();
});

type Opt = APIApplicationCommandInteractionDataOption;
const str = (name: string, value: string): Opt => ({ name, type: 3, value });
const int = (name: string, value: number): Opt => ({ name, type: 4, value });
const bool = (name: string, value: boolean): Opt => ({ name, type: 5, value });

/** Sends /settings and returns its (type 4) reply: content, fields by name, ephemeral. */
async function settings(userId: string, options: Opt[] = []) {
	const sent = world.discord.sendInteraction({ commandName: 'settings', options, user: { id: userId } });
	const cb = await world.discord.waitFor((r) => r.interactionId === sent.id && r.path.endsWith('/callback'), 10_000);
	const data = (cb.json as { data: { content?: string; embeds?: APIEmbed[]; flags?: number } }).data;
	return {
		content: data.content ?? '',
		fields: Object.fromEntries((data.embeds?.[0]?.fields ?? []).map((f) => [f.name, f.value])),
		ephemeral: ((data.flags ?? 0) & 64) === 64,
	};
}

function submitOf(interactionId: string): { input: { aspect_ratio: string } } | undefined {
	return world.hiapi.requests.find((r) => r.method === 'POST' && r.path === '/v1/tasks' && r.headers['idempotency-key'] === interactionId)?.json as
		{ input: { aspect_ratio: string } } | undefined;
}

/** Every message-making request of an interaction: callbacks, @original edits and follow-ups, with whether each was ephemeral. */
function ephemeralFlags(interactionId: string): boolean[] {
	const callbacks = world.discord.requests.filter((r) => r.interactionId === interactionId && r.path.endsWith('/callback'));
	const follow = world.discord.followUps(interactionId);
	return [
		...callbacks.map((r) => (((r.json as { data?: { flags?: number } }).data?.flags ?? 0) & 64) === 64),
		...follow.map((r) => ((((r.json as { flags?: number }) ?? {}).flags ?? 0) & 64) === 64),
	];
}

function buttonId(message: APIMessage | undefined, prefix: string): string {
	const found: string[] = [];
	const walk = (c: { type: number; custom_id?: string; components?: unknown[] }): void => {
		if (c.type === ComponentType.Button && c.custom_id) found.push(c.custom_id);
		for (const child of c.components ?? []) walk(child as typeof c);
	};
	for (const c of message?.components ?? []) walk(c);
	const id = found.find((f) => f.startsWith(prefix));
	if (!id) throw new Error(`no ${prefix} button`);
	return id;
}

const channelPosts = () => world.discord.requests.filter((r) => r.method === 'POST' && /^\/v10\/channels\/\d+\/messages$/.test(r.path)).length;

describe('/settings', () => {
	it('shows, sets and resets a member’s defaults, privately; reset with other options changes nothing', async () => {
		const user = newUserId();
		const empty = await settings(user);
		expect(empty.ephemeral).toBe(true);
		expect(empty.fields).toMatchObject({ 'Aspect ratio': 'not set (1:1)', Count: 'not set (1)', Private: 'not set (no)' });

		const saved = await settings(user, [str('aspect_ratio', '16:9'), int('count', 3), str('style', 'noir')]);
		expect(saved.content).toMatch(/^Saved/);
		expect(saved.fields).toMatchObject({ 'Aspect ratio': '16:9', Count: '3', Style: 'noir', Private: 'not set (no)' });
		// Another change keeps the rest.
		expect((await settings(user, [bool('private', true)])).fields).toMatchObject({ 'Aspect ratio': '16:9', Count: '3', Private: 'yes' });

		const mixed = await settings(user, [bool('reset', true), int('count', 2)]);
		expect(mixed).toMatchObject({ ephemeral: true, content: expect.stringMatching(/on its own/) });
		expect((await settings(user)).fields).toMatchObject({ Count: '3' });

		// Forged values (past the registered limits) get a clear answer and change nothing.
		expect((await settings(user, [int('count', 9)])).content).toMatch(/from 1 to 4/);
		expect((await settings(user, [str('aspect_ratio', '7:5')])).content).toMatch(/must be one of/);
		expect((await settings(user)).fields).toMatchObject({ 'Aspect ratio': '16:9', Count: '3' });

		expect((await settings(user, [bool('reset', true)])).content).toMatch(/cleared/);
		expect((await settings(user)).fields).toMatchObject({ 'Aspect ratio': 'not set (1:1)', Count: 'not set (1)', Private: 'not set (no)' });
	});

	it('/imagine uses the defaults for options left out, and an explicit option wins', async () => {
		const user = newUserId();
		await settings(user, [str('aspect_ratio', '9:16')]);
		const a = imagine(world, { prompt: 'a tall lighthouse', userId: user });
		expect((await outcome(world, bot, a.id)).kind).toBe('delivered');
		expect(submitOf(a.id)?.input.aspect_ratio).toBe('9:16');

		const b = imagine(world, { prompt: 'a wide lighthouse', aspectRatio: '4:3', userId: user });
		expect((await outcome(world, bot, b.id)).kind).toBe('delivered');
		expect(submitOf(b.id)?.input.aspect_ratio).toBe('4:3');

		// Another member's defaults are theirs alone.
		const c = imagine(world, { prompt: 'a square lighthouse' });
		expect((await outcome(world, bot, c.id)).kind).toBe('delivered');
		expect(submitOf(c.id)?.input.aspect_ratio).toBe('1:1');
	});
});

describe('private images', () => {
	it('private by default from /settings: only ephemeral messages, nothing in the channel; Reroll stays private and Delete works', async () => {
		const user = newUserId();
		await settings(user, [bool('private', true)]);
		const postsBefore = channelPosts();
		const sent = imagine(world, { prompt: 'a secret garden', userId: user });
		const result = await outcome(world, bot, sent.id);
		expect(result.kind).toBe('delivered');
		expect(ephemeralFlags(sent.id).length).toBeGreaterThan(0);
		expect(ephemeralFlags(sent.id).every(Boolean)).toBe(true);
		expect((result.message?.flags ?? 0) & 64).toBe(64);

		// Reroll on the ephemeral result, by its member: a new private image.
		const reroll = world.discord.clickButton({
			messageId: result.message?.id ?? '',
			customId: buttonId(result.message, 'imagine:reroll:'),
			user: { id: user },
		});
		const rerolled = await outcome(world, bot, reroll.id);
		expect(rerolled.kind).toBe('delivered');
		expect(ephemeralFlags(reroll.id).every(Boolean)).toBe(true);
		expect((rerolled.message?.flags ?? 0) & 64).toBe(64);

		// Delete on the ephemeral result removes it.
		const del = world.discord.clickButton({ messageId: result.message?.id ?? '', customId: buttonId(result.message, 'imagine:delete:'), user: { id: user } });
		await bot.waitForLog((l) => l.msg === 'image deleted' && l.jobId === sent.id);
		expect(world.discord.deleted(result.message?.id ?? '')).toBe(true);
		expect(del.id).toBeTruthy();
		expect(channelPosts()).toBe(postsBefore);
	});

	it('private:false given explicitly beats a private default; private:true given explicitly is private', async () => {
		const user = newUserId();
		await settings(user, [bool('private', true)]);
		const pub = world.discord.sendInteraction({
			commandName: 'imagine',
			options: [str('prompt', 'a public park'), bool('private', false)],
			user: { id: user },
		});
		const r1 = await outcome(world, bot, pub.id);
		expect(r1.kind).toBe('delivered');
		expect((r1.message?.flags ?? 0) & 64).toBe(0);

		const other = newUserId();
		const priv = world.discord.sendInteraction({
			commandName: 'imagine',
			options: [str('prompt', 'a hidden park'), bool('private', true)],
			user: { id: other },
		});
		const r2 = await outcome(world, bot, priv.id);
		expect(r2.kind).toBe('delivered');
		expect(ephemeralFlags(priv.id).every(Boolean)).toBe(true);
	});
});
