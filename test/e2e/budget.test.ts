// /budget through the Discord emulator: only moderators, every change audited, /imagine obeys at once.
import type { APIApplicationCommandInteractionDataOption, APIEmbed } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, imagine, newUserId, outcome, replyContent, usage, type BotProcess, type World } from './harness.js';

const MANAGE_GUILD = String(1n << 5n);
const ADMINISTRATOR = String(1n << 3n);

let world: World;
let bot: BotProcess;
const moderator = newUserId();

beforeAll(async () => {
	world = await createWorld({ IMAGE_PRICE_USD: '0.05', DEFAULT_USER_BUDGET_USD: '1.00', MAX_JOBS_PER_USER: '20' });
	bot = await world.start();
}, 40_000);

afterAll(async () => {
	await world?.close();
});

type Opt = { name: string; type: number; value: string };
function budget(sub: string, opts: { user?: { id: string; bot?: boolean }; amount?: string; as?: string; permissions?: string; guildId?: string | null } = {}) {
	const options: Opt[] = [];
	if (opts.user) options.push({ name: 'user', type: 6, value: opts.user.id });
	if (opts.amount !== undefined) options.push({ name: 'amount', type: 3, value: opts.amount });
	const data = [{ name: sub, type: 1, options }] as unknown as APIApplicationCommandInteractionDataOption[];
	return world.discord.sendInteraction({
		commandName: 'budget',
		options: data,
		user: { id: opts.as ?? moderator },
		permissions: opts.permissions ?? MANAGE_GUILD,
		...(opts.user ? { resolvedUsers: [{ id: opts.user.id, username: `user${opts.user.id.slice(-4)}`, ...(opts.user.bot ? { bot: true } : {}) }] } : {}),
		...(opts.guildId !== undefined ? { guildId: opts.guildId } : {}),
	});
}

async function embedOf(id: string): Promise<{ embed: APIEmbed; ephemeral: boolean; fields: Record<string, string> }> {
	const cb = await world.discord.waitFor((r) => r.interactionId === id && r.path.endsWith('/callback'));
	const data = (cb.json as { data: { embeds?: APIEmbed[]; flags?: number; content?: string } }).data;
	const embed = data.embeds?.[0];
	if (!embed) throw new Error(`no embed in reply: ${data.content}`);
	return { embed, ephemeral: ((data.flags ?? 0) & 64) === 64, fields: Object.fromEntries((embed.fields ?? []).map((f) => [f.name, f.value])) };
}

async function deliveredImages(userId: string, n: number) {
	for (let i = 0; i < n; i++) expect((await outcome(world, bot, imagine(world, { prompt: `spend ${i}`, userId }).id)).kind).toBe('delivered');
}

describe('/budget permissions', () => {
	it('refuses a member without Manage Server, and nothing changes', async () => {
		const target = newUserId();
		const sent = budget('set', { user: { id: target }, amount: '0', as: newUserId(), permissions: String(1n << 11n) });
		const reply = await replyContent(world, sent.id);
		expect(reply).toMatchObject({ type: 4, ephemeral: true });
		expect(reply.content).toMatch(/Manage Server/);
		expect(await usage(world, target)).toMatchObject({ Limit: "$1.00 (the bot's default)" });
	});

	it('accepts an Administrator without Manage Server', async () => {
		const target = newUserId();
		const sent = budget('set', { user: { id: target }, amount: '3', permissions: ADMINISTRATOR });
		expect((await embedOf(sent.id)).embed.title).toBe('Limit set');
	});

	it('cannot be used in DMs', async () => {
		const sent = budget('top', { guildId: null });
		const reply = await replyContent(world, sent.id);
		expect(reply.ephemeral).toBe(true);
		expect(reply.content).toMatch(/only in a server/);
	});

	it('refuses bots as targets and invalid amounts, saying why', async () => {
		expect((await replyContent(world, budget('set', { user: { id: newUserId(), bot: true }, amount: '1' }).id)).content).toMatch(/Bots do not have/);
		for (const amount of ['-1', '1.234', '10000.01', 'lots', '1e3']) {
			const reply = await replyContent(world, budget('set', { user: { id: newUserId() }, amount }).id);
			expect(reply.content).toMatch(/not a valid amount/);
		}
	});

	it('is registered with ManageGuild as the default member permission, guild-only', async () => {
		const { commands } = await import('../../commands/index.js');
		const def = commands.find((c) => c.data.name === 'budget')?.data as { default_member_permissions?: string; contexts?: number[] };
		expect(def.default_member_permissions).toBe(MANAGE_GUILD);
		expect(def.contexts).toEqual([0]);
	});
});

describe('/budget operations', () => {
	it('set: a lower limit stops /imagine at once; show says where the limit comes from', async () => {
		const member = newUserId();
		await deliveredImages(member, 1);
		expect((await embedOf(budget('set', { user: { id: member }, amount: '0.05' }).id)).embed.description).toMatch(/\$0\.05 per period/);
		const refused = await replyContent(world, imagine(world, { prompt: 'over the new limit', userId: member }).id);
		expect(refused).toMatchObject({ type: 4, ephemeral: true });
		expect(refused.content).toMatch(/enough budget/);
		const shown = await embedOf(budget('show', { user: { id: member } }).id);
		expect(shown.ephemeral).toBe(true);
		expect(shown.fields).toMatchObject({ Spent: '$0.05', Limit: '$0.05 (override)', Remaining: '$0.00', Images: '1', 'Price per image': '$0.05' });
		expect(shown.fields.Resets).toMatch(/<t:\d+:f>/);
	});

	it('clear returns to the default; reset zeroes the spend; history lists who did what', async () => {
		const member = newUserId();
		await deliveredImages(member, 2);
		await embedOf(budget('set', { user: { id: member }, amount: '5' }).id);
		await embedOf(budget('clear', { user: { id: member } }).id);
		expect(await usage(world, member)).toMatchObject({ Spent: '$0.10', Limit: "$1.00 (the bot's default)" });
		await embedOf(budget('reset', { user: { id: member } }).id);
		expect(await usage(world, member)).toMatchObject({ Spent: '$0.00', Remaining: '$1.00' });
		const history = await embedOf(budget('history', { user: { id: member } }).id);
		const lines = history.embed.description?.split('\n') ?? [];
		expect(lines).toHaveLength(3);
		expect(lines[0]).toMatch(new RegExp(`<@${moderator}> \\*\\*reset\\*\\* <@${member}>: spent \\$0\\.10 → spent \\$0\\.00`));
		expect(lines[1]).toMatch(new RegExp(`\\*\\*clear\\*\\* <@${member}>: \\$5\\.00 → —`));
		expect(lines[2]).toMatch(new RegExp(`\\*\\*set\\*\\* <@${member}>: — → \\$5\\.00`));
		const audits = bot.logs.filter((l) => l.msg === 'moderator change' && (l.audit as { targetId?: string }).targetId === member);
		expect(audits.map((l) => (l.audit as { action: string }).action)).toEqual(['set', 'clear', 'reset']);
		expect(audits[0]?.audit).toMatchObject({ moderatorId: moderator, guildId: world.guildId });
	});

	it('default sets the per-member limit for the server; off returns to the bot default', async () => {
		const member = newUserId();
		await embedOf(budget('default', { amount: '0.10' }).id);
		expect(await usage(world, member)).toMatchObject({ Limit: "$0.10 (this server's default)" });
		await deliveredImages(member, 2);
		expect((await replyContent(world, imagine(world, { prompt: 'third', userId: member }).id)).content).toMatch(/enough budget/);
		const off = await embedOf(budget('default', { amount: 'off' }).id);
		expect(off.embed.description).toMatch(/\$0\.10 → \*\*bot default \$1\.00\*\*/);
		expect(await usage(world, member)).toMatchObject({ Limit: "$1.00 (the bot's default)" });
	});

	it('cap limits the whole server and says so; off removes it', async () => {
		const a = newUserId();
		const b = newUserId();
		// The server total keeps real spend even after a member's reset: read it from /budget show.
		await embedOf(budget('cap', { amount: '10000' }).id);
		const capField = (await embedOf(budget('show', { user: { id: a } }).id)).fields['Server cap'] ?? '';
		const spentCents = Math.round(Number(/^\$(\d+\.\d+) spent/.exec(capField)?.[1]) * 100);
		expect(Number.isFinite(spentCents)).toBe(true);
		await embedOf(budget('cap', { amount: ((spentCents + 10) / 100).toFixed(2) }).id);
		await deliveredImages(a, 1);
		await deliveredImages(b, 1);
		const refused = await replyContent(world, imagine(world, { prompt: 'over the cap', userId: a }).id);
		expect(refused.content).toMatch(/server's image budget is used up/);
		expect(refused.content).toMatch(/resets <t:\d+:f>/);
		await embedOf(budget('cap', { amount: 'off' }).id);
		await deliveredImages(a, 1);
		const history = await embedOf(budget('history', { user: { id: a } }).id);
		expect(history.embed.description).toBe('No changes recorded.');
	});

	it('top lists this period’s spenders with amounts and image counts', async () => {
		const big = newUserId();
		await deliveredImages(big, 3);
		const top = await embedOf(budget('top').id);
		expect(top.embed.description).toMatch(new RegExp(`<@${big}> \\$0\\.15 \\(3 images\\)`));
		const lines = top.embed.description?.split('\n') ?? [];
		const amounts = lines.map((l) => Number(/\$(\d+\.\d+)/.exec(l)?.[1]));
		expect([...amounts].sort((x, y) => y - x)).toEqual(amounts);
	});
});
