// The moderators' controls through the real bot: role limits from the interaction's member roles, settings,
// pause, the log channel (changes and cap notes), the CSV export, the report chart, the low-budget note.
import { gunzipSync } from 'node:zlib';
import type { APIApplicationCommandInteractionDataOption, APIEmbed } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedRequest } from '../emulators/discord/index.js';
import { createWorld, imagine, newUserId, outcome, replyContent, usage, type BotProcess, type World } from './harness.js';

const MANAGE_GUILD = String(1n << 5n);
const BOOSTERS = '700000000000000001';
const NEWBIES = '700000000000000002';

let world: World;
let bot: BotProcess;
let logChannel: string;
const moderator = newUserId();

beforeAll(async () => {
	world = await createWorld({ IMAGE_PRICE_USD: '0.05', DEFAULT_USER_BUDGET_USD: '1.00', MAX_JOBS_PER_USER: '10' });
	logChannel = world.discord.guilds[0]?.channelIds[0] as string;
	bot = await world.start();
}, 40_000);

afterAll(async () => {
	await world?.close();
});

type Opt = { name: string; type: number; value: string };
function budget(sub: string, options: Opt[] = [], o: { as?: string; permissions?: string; resolvedRoles?: Array<{ id: string; name: string }> } = {}) {
	return world.discord.sendInteraction({
		commandName: 'budget',
		options: [{ name: sub, type: 1, options }] as APIApplicationCommandInteractionDataOption[],
		user: { id: o.as ?? moderator },
		permissions: o.permissions ?? MANAGE_GUILD,
		...(o.resolvedRoles ? { resolvedRoles: o.resolvedRoles } : {}),
	});
}
const role = (id: string): Opt => ({ name: 'role', type: 8, value: id });
const amount = (value: string): Opt => ({ name: 'amount', type: 3, value });

/** The first answer to an interaction: its embed (or content), ephemeral flag, and type. */
async function answer(id: string): Promise<{ embed: APIEmbed; ephemeral: boolean; fields: Record<string, string> }> {
	const cb = await world.discord.waitFor((r) => r.interactionId === id && r.path.endsWith('/callback'));
	const data = (cb.json as { data: { embeds?: APIEmbed[]; flags?: number; content?: string } }).data;
	const embed = data.embeds?.[0] ?? { description: data.content ?? '' };
	return { embed, ephemeral: ((data.flags ?? 0) & 64) === 64, fields: Object.fromEntries((embed.fields ?? []).map((f) => [f.name, f.value])) };
}

/** The final edit of a deferred (ephemeral) reply. */
function finalEdit(id: string): Promise<RecordedRequest> {
	return world.discord.waitFor((r) => r.interactionId === id && r.method === 'PATCH' && r.status === 200, 15_000);
}

/** A tiny RFC 4180 reader, enough to read the export back (the byte-order mark tells Excel it is UTF-8). */
function parseCsv(withBom: string): string[][] {
	const text = withBom.replace(/^\ufeff/, '');
	const rows: string[][] = [];
	let row: string[] = [];
	let cell = '';
	let quoted = false;
	for (let i = 0; i < text.length; i++) {
		const c = text[i];
		if (quoted) {
			if (c === '"' && text[i + 1] === '"') {
				cell += '"';
				i++;
			} else if (c === '"') quoted = false;
			else cell += c;
		} else if (c === '"') quoted = true;
		else if (c === ',') {
			row.push(cell);
			cell = '';
		} else if (c === '\n' || c === '\r') {
			if (c === '\r' && text[i + 1] === '\n') i++;
			row.push(cell);
			rows.push(row);
			row = [];
			cell = '';
		} else cell += c;
	}
	if (cell || row.length) rows.push([...row, cell]);
	return rows;
}

describe('log channel', () => {
	it('refuses a channel the bot cannot post in, saying so', async () => {
		const denied = '800000000000000042';
		world.discord.denyChannel(denied);
		const sent = budget('log', [{ name: 'channel', type: 7, value: denied }]);
		const reply = await replyContent(world, sent.id);
		expect(reply).toMatchObject({ ephemeral: true });
		expect(reply.content).toContain(`I can't post in <#${denied}>`);
		expect((await answer(budget('settings').id)).fields['Log channel']).toBe('off');
	});

	it('gets every change (who, what, old → new) and the 80 % and 100 % cap notes once each', async () => {
		const before = world.discord.channelMessages(logChannel).length;
		await answer(budget('log', [{ name: 'channel', type: 7, value: logChannel }]).id);
		await answer(budget('cap', [amount('0.25')]).id);
		const member = newUserId();
		for (let i = 0; i < 5; i++) expect((await outcome(world, bot, imagine(world, { prompt: `cap ${i}`, userId: member }).id)).kind).toBe('delivered');
		const over = imagine(world, { prompt: 'cap over', userId: member });
		expect((await replyContent(world, over.id)).content).toMatch(/server's image budget/);
		await world.discord.waitFor((r) => r.method === 'POST' && r.path === `/v10/channels/${logChannel}/messages` && JSON.stringify(r.json).includes('100 %'));

		const posted = world.discord
			.channelMessages(logChannel)
			.slice(before)
			.map((r) => (r.json as { embeds: APIEmbed[] }).embeds[0] as APIEmbed);
		const texts = posted.map((e) => `${e.title ?? ''} ${e.description ?? ''}`);
		expect(texts[0]).toMatch(/will be posted here/);
		expect(texts.some((t) => t.includes(`<@${moderator}> **log**: off → <#${logChannel}>`))).toBe(true);
		expect(texts.some((t) => t.includes(`<@${moderator}> **cap**:`) && t.includes('→ $0.25'))).toBe(true);
		expect(texts.filter((t) => t.includes('80 %'))).toHaveLength(1);
		expect(texts.filter((t) => t.includes('100 %'))).toHaveLength(1);
		await answer(budget('cap', [amount('off')]).id);
	});
});

describe('role limits', () => {
	it('take the highest limit among the member’s roles, from the interaction payload; /usage and /budget show name it', async () => {
		const set1 = budget('role', [role(BOOSTERS), amount('0.10')], { resolvedRoles: [{ id: BOOSTERS, name: 'Boosters' }] });
		expect((await answer(set1.id)).embed.description).toContain(`<@&${BOOSTERS}>`);
		await answer(budget('role', [role(NEWBIES), amount('0')], { resolvedRoles: [{ id: NEWBIES, name: 'Newbies' }] }).id);

		const booster = newUserId();
		const results = [];
		for (const prompt of ['one', 'two', 'three']) {
			const sent = imagine(world, { prompt: `role ${prompt}`, userId: booster, memberRoles: [BOOSTERS] });
			if (prompt === 'three') results.push((await replyContent(world, sent.id)).content);
			else results.push((await outcome(world, bot, sent.id)).kind);
		}
		expect(results.slice(0, 2)).toEqual(['delivered', 'delivered']);
		expect(results[2]).toMatch(/enough budget/);

		// A role at 0 is a real limit; with Boosters too, the higher one wins.
		const newbie = newUserId();
		const refused = imagine(world, { prompt: 'newbie try', userId: newbie, memberRoles: [NEWBIES] });
		expect((await replyContent(world, refused.id)).content).toMatch(/enough budget/);
		const both = imagine(world, { prompt: 'both roles', userId: newbie, memberRoles: [NEWBIES, BOOSTERS] });
		expect((await outcome(world, bot, both.id)).kind).toBe('delivered');

		const mine = world.discord.sendInteraction({ commandName: 'usage', user: { id: booster }, memberRoles: [BOOSTERS] });
		expect((await answer(mine.id)).fields['Limit']).toBe(`$0.10 (role <@&${BOOSTERS}>)`);
		const show = budget('show', [{ name: 'user', type: 6, value: booster }]);
		expect((await answer(show.id)).fields['Limit']).toBe(`$0.10 (role <@&${BOOSTERS}>)`);
		// Without the role, the bot default applies again.
		expect((await usage(world, booster))['Limit']).toBe("$1.00 (the bot's default)");
	});

	it('cannot be changed by a member without Manage Server', async () => {
		const sent = budget('role', [role(BOOSTERS), amount('100')], { as: newUserId(), permissions: '0' });
		expect((await replyContent(world, sent.id)).content).toMatch(/Manage Server/);
		const settings = await answer(budget('settings').id);
		expect(settings.fields['Role limits']).toContain(`<@&${BOOSTERS}> $0.10`);
	});

	it('refuse @everyone (whose id is the server’s and which no member’s role list names) with a pointer to /budget default', async () => {
		const everyone = world.guildId;
		const sent = budget('role', [role(everyone), amount('0.50')]);
		const reply = await replyContent(world, sent.id);
		expect(reply).toMatchObject({ type: 4, ephemeral: true });
		expect(reply.content).toMatch(/`\/budget default`/);
		const settings = await answer(budget('settings').id);
		expect(settings.fields['Role limits']).not.toContain(`<@&${everyone}>`);
		// Removing one (set before this check) stays possible.
		expect((await answer(budget('role', [role(everyone), amount('off')]).id)).embed.title).toBe('Role limit removed');
	});
});

describe('pause', () => {
	it('stops every new image in the server at once, survives a restart, and resume ends it; both audited', async () => {
		expect((await answer(budget('pause').id)).embed.title).toMatch(/paused/);
		const member = newUserId();
		const blocked = imagine(world, { prompt: 'while paused', userId: member });
		expect(await replyContent(world, blocked.id)).toMatchObject({ ephemeral: true, content: 'Image making is paused in this server.' });
		const dm = imagine(world, { prompt: 'in a DM', userId: member, guildId: null });
		expect((await outcome(world, bot, dm.id)).kind).toBe('delivered');

		await bot.stop();
		bot = await world.start();
		const still = imagine(world, { prompt: 'after restart', userId: member });
		expect((await replyContent(world, still.id)).content).toBe('Image making is paused in this server.');
		expect((await answer(budget('settings').id)).fields['Image making']).toMatch(/paused/);

		await answer(budget('resume').id);
		const ok = imagine(world, { prompt: 'resumed', userId: member });
		expect((await outcome(world, bot, ok.id)).kind).toBe('delivered');
		const history = (await answer(budget('history').id)).embed.description ?? '';
		expect(history).toMatch(/\*\*resume\*\*: paused → running/);
		expect(history).toMatch(/\*\*pause\*\*: running → paused/);
	});
});

describe('export and report', () => {
	it('exports the period’s charges as CSV that parses back to the charges made, formulas neutralized', async () => {
		const member = newUserId();
		const made = imagine(world, { prompt: '=HYPERLINK("x"), a "quoted", comma', userId: member, aspectRatio: '16:9' });
		expect((await outcome(world, bot, made.id)).kind).toBe('delivered');
		world.hiapi.script('export-fails', { final: 'failed', failError: { code: 'x', message: 'no' } });
		const failed = imagine(world, { prompt: 'export-fails here', userId: member });
		expect((await outcome(world, bot, failed.id)).kind).toBe('refunded');
		const sent = budget('export', [{ name: 'period', type: 3, value: 'current' }]);
		expect(
			(world.discord.callbacks(sent.id)[0] ?? (await world.discord.waitFor((r) => r.interactionId === sent.id && r.path.endsWith('/callback')))).json,
		).toMatchObject({
			type: 5,
			data: { flags: 64 },
		});
		const edit = await finalEdit(sent.id);
		const file = (name: RegExp) => {
			const f = edit.files.find((x) => name.test(x.filename));
			if (!f) throw new Error(`no ${String(name)} in ${edit.files.map((x) => x.filename).join(', ')}`);
			return f.filename.endsWith('.gz') ? gunzipSync(f.data).toString('utf8') : f.data.toString('utf8');
		};
		const rows = parseCsv(file(/^charges-.*\d\.csv/));
		expect(rows[0]).toEqual(['time_utc', 'user_id', 'user_name', 'amount_usd', 'state', 'task_id', 'aspect_ratio', 'prompt']);
		const mine = rows.find((r) => r[1] === member && r[4] === 'committed');
		expect(rows.filter((r) => r[1] === member).map((r) => r[4])).toEqual(['committed', 'refunded']);
		expect(mine?.[3]).toMatch(/^0\.05?0?$/);
		expect(mine?.slice(4, 8)).toEqual(['committed', expect.stringMatching(/./), '16:9', `'=HYPERLINK("x"), a "quoted", comma`]);
		expect(new Date(mine?.[0] ?? '').toISOString()).toBe(mine?.[0]);
		const audit = parseCsv(file(/audit/));
		expect(audit[0]).toEqual(['time_utc', 'moderator_id', 'target_id', 'action', 'old', 'new']);
		expect(audit.some((r) => r[3] === 'pause')).toBe(true);

		const previous = budget('export', [{ name: 'period', type: 3, value: 'previous' }]);
		const prevEdit = await finalEdit(previous.id);
		expect(parseCsv(prevEdit.files[0]?.data.toString('utf8') ?? '')).toHaveLength(1); // header only
	});

	it('reports the period as a PNG chart, ephemerally, for moderators only', async () => {
		const sent = budget('report');
		const edit = await finalEdit(sent.id);
		const png = edit.files[0];
		expect(png?.filename).toBe('budget-report.png');
		expect(png?.data.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
		expect(png?.data.readUInt32BE(16)).toBeGreaterThanOrEqual(800); // width
		expect(png?.data.length).toBeGreaterThan(10_000);
		expect(png?.data.length).toBeLessThan(2_000_000);
		const refused = budget('report', [], { as: newUserId(), permissions: '0' });
		expect((await replyContent(world, refused.id)).content).toMatch(/Manage Server/);
	});
});

describe('low budget note', () => {
	it('tells only the requester, privately, when an image leaves them under 20 % of their limit', async () => {
		const member = newUserId();
		await answer(budget('set', [{ name: 'user', type: 6, value: member }, amount('0.12')]).id);
		const first = imagine(world, { prompt: 'low one', userId: member });
		expect((await outcome(world, bot, first.id)).kind).toBe('delivered');
		const second = imagine(world, { prompt: 'low two', userId: member });
		expect((await outcome(world, bot, second.id)).kind).toBe('delivered');
		const note = await world.discord.waitFor((r) => r.interactionId === second.id && r.method === 'POST' && r.path.startsWith('/v10/webhooks/'));
		const body = note.json as { content: string; flags: number };
		expect(body.flags & 64).toBe(64);
		expect(body.content).toMatch(/\$0\.02 of your \$0\.12 image budget left/);
		expect(world.discord.followUps(first.id)).toEqual([]); // $0.07 of $0.12 left: no note
		// The public image message says nothing of it.
		expect(JSON.stringify(world.discord.originalMessage(second.id))).not.toMatch(/image budget left/);
	});
});
