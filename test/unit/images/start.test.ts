// startImage driven through /imagine: a real discord.js client on the Discord emulator, the real router and command
// list, a real SQLite ledger and a LocalQueue with no free slot (maxConcurrent 0), so accepted jobs stay queued.
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { Client, Events, PermissionFlagsBits } from 'discord.js';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { commands } from '../../../commands/index.js';
import { createChannelPoster, createDelivery } from '../../../src/app/discord-rest.js';
import { attachRouter } from '../../../src/app/router.js';
import { Pricing } from '../../../src/budget/pricing.js';
import type { Services } from '../../../src/command.js';
import { loadConfig } from '../../../src/config.js';
import { LocalQueue } from '../../../src/images/queue/local.js';
import { createMembers } from '../../../src/members/members.js';
import { refusalMessage, TEXT } from '../../../src/messages/texts.js';
import { Blocklist } from '../../../src/moderation/blocklist.js';
import { ModLog } from '../../../src/moderation/mod-log.js';
import { ServerStyles } from '../../../src/styles/server-styles.js';
import type { Job } from '../../../src/records/job.js';
import { startDiscordEmulator, type DiscordEmulator } from '../../emulators/discord/index.js';
import { executorFor, gate, GUILD, MOD, newId, openWorld, PRICE, until, type World } from './harness.js';

const APP_ID = '100000000000000042';
const TOKEN = `${Buffer.from(APP_ID).toString('base64')}.GhX3kQ.${randomBytes(28).toString('base64url')}`;
const CHANNEL = '700000000000000010';
const bits = (...flags: bigint[]) => flags.reduce((a, b) => a | b, 0n).toString();
const MEMBER = bits(PermissionFlagsBits.ViewChannel, PermissionFlagsBits.SendMessages, PermissionFlagsBits.UseApplicationCommands);
const MODERATOR = bits(BigInt(MEMBER), PermissionFlagsBits.ManageGuild);

let discord: DiscordEmulator;
let client: Client;
let world: World;
let s: Omit<Services, 'receivedAt'> & { queue: LocalQueue };
const closers: Array<() => Promise<void>> = [];
const config = () => loadConfig({ DISCORD_TOKEN: TOKEN, HIAPI_API_KEY: 'unused-key', DISCORD_API_URL: discord.apiUrl, MAX_JOBS_PER_USER: '2' });

/** The bot's services on a fresh store; the router is attached anew (as after a restart: nothing remembered). */
async function boot(sameStore = false): Promise<void> {
	if (!sameStore) world = await openWorld();
	const { logger, ledger, store, metrics } = world;
	// hiapi is never called: with no free slot, no job runs.
	const { executor, hiapi, close } = executorFor(world, { url: 'http://127.0.0.1:9', apiKey: 'unused-key' }, createDelivery(client));
	closers.push(close);
	const queue = new LocalQueue(executor, { vault: ledger.vault, maxConcurrent: 0, maxPerUser: 2, logger, metrics });
	const pricing = new Pricing({ fixedMicros: PRICE, url: 'http://127.0.0.1:9/api/pricing', model: 'flux-1.1-pro', hiapi, store, logger, metrics });
	await pricing.start();
	const blocklist = new Blocklist(store, ledger.audit);
	const modLog = new ModLog((g) => ledger.settings(g), createChannelPoster(client), logger);
	s = {
		config: config(),
		logger,
		ledger,
		blocklist,
		styles: new ServerStyles(store, ledger.audit),
		modLog,
		queue,
		pricing,
		metrics,
		members: createMembers(store, ledger.vault, logger),
	};
	client.removeAllListeners(Events.InteractionCreate);
	attachRouter(client, commands, s);
}

beforeAll(async () => {
	discord = await startDiscordEmulator({ token: TOKEN, applicationId: APP_ID, guilds: [{ id: GUILD, name: 'Studio', channelIds: [CHANNEL] }] });
	// As createClient makes it (no intents: interactions need none), minus the guild cache policy, which is beside the point here.
	client = new Client({ intents: [], rest: { api: discord.apiUrl }, allowedMentions: { parse: [] } });
	const ready = once(client, Events.ClientReady);
	await client.login(TOKEN);
	await ready;
});
afterAll(async () => {
	await client.destroy();
	await discord.close();
});
beforeEach(() => boot());
afterEach(async () => {
	await s.queue.stop(0);
	for (const close of closers.splice(0)) await close();
	await world.close();
});

function imagine(o: { prompt?: string; userId?: string; permissions?: string; appPermissions?: string } = {}) {
	const options = [
		{ name: 'prompt', type: 3, value: o.prompt ?? 'a red fox in the snow' },
		{ name: 'aspect_ratio', type: 3, value: '16:9' },
	];
	const user = { id: o.userId ?? newId('2'), username: 'member' };
	const sent = discord.sendInteraction({
		commandName: 'imagine',
		options,
		user,
		permissions: o.permissions ?? MEMBER,
		...(o.appPermissions ? { appPermissions: o.appPermissions } : {}),
	});
	return { ...sent, userId: user.id };
}

/** The first answer Discord got for the interaction: 4 = a reply (ephemeral?), 5 = deferred. */
async function answer(id: string): Promise<{ type: number; content: string; ephemeral: boolean }> {
	const cb = await discord.waitFor((r) => r.interactionId === id && r.path.endsWith('/callback'));
	const body = cb.json as { type: number; data?: { content?: string; flags?: number } };
	return { type: body.type, content: body.data?.content ?? '', ephemeral: ((body.data?.flags ?? 0) & 64) === 64 };
}

/** A refusal: told privately, and nothing held, stored or queued. */
async function expectRefused(sent: { id: string; userId: string }, content: string): Promise<void> {
	expect(await answer(sent.id)).toEqual({ type: 4, content, ephemeral: true });
	expect(await world.ledger.vault.reservation(sent.id)).toBeUndefined();
	expect(await world.ledger.vault.job(sent.id)).toBeUndefined();
	expect(await world.ledger.standing({ guildId: GUILD, userId: sent.userId })).toMatchObject({ reserved: 0, spent: 0 });
	expect(s.queue.stats().queued).toBe(0);
}

const queued = (n: number) => until(() => s.queue.stats().queued === n, `${n} queued jobs`);

describe('startImage: accepted', () => {
	it('defers publicly, stores the job with its reservation, and queues it (shown its place)', async () => {
		const sent = imagine();
		expect(await answer(sent.id)).toEqual({ type: 5, content: '', ephemeral: false });
		await queued(1);
		expect(await world.ledger.vault.job(sent.id)).toMatchObject({
			id: sent.id,
			token: sent.token,
			applicationId: APP_ID,
			userId: sent.userId,
			guildId: GUILD,
			channelId: CHANNEL,
			kind: 'imagine',
			prompt: 'a red fox in the snow',
			aspectRatio: '16:9',
			price: PRICE,
			attachmentSizeLimit: 10 * 1024 * 1024,
			canPostInChannel: true,
			state: 'reserved',
		} satisfies Partial<Job>);
		expect(await world.ledger.vault.reservation(sent.id)).toMatchObject({ state: 'held', amount: PRICE, userId: sent.userId });
		expect(await world.ledger.standing({ guildId: GUILD, userId: sent.userId })).toMatchObject({ reserved: PRICE, spent: 0 });
		const edit = await discord.waitFor((r) => r.interactionId === sent.id && r.method === 'PATCH');
		expect((edit.json as { content: string }).content).toContain('#1 in line');

		// Without Attach Files in the channel, the job knows it may not fall back to posting there.
		const bare = imagine({ appPermissions: bits(PermissionFlagsBits.ViewChannel, PermissionFlagsBits.SendMessages) });
		expect((await answer(bare.id)).type).toBe(5);
		await queued(2);
		expect(await world.ledger.vault.job(bare.id)).toMatchObject({ canPostInChannel: false });
	});

	it('makes one job of an interaction delivered again after a restart', async () => {
		const sent = imagine();
		expect((await answer(sent.id)).type).toBe(5);
		await queued(1);
		await s.queue.stop(0);
		await boot(true); // a new router and queue on the same store: nothing remembered but what is stored
		discord.redeliver(sent.id);
		await until(() => world.logs.some((l) => l.msg === 'interaction already made a job; ignoring the repeat'), 'the repeat to be noticed');
		expect(discord.callbacks(sent.id)).toHaveLength(1);
		expect(s.queue.stats().queued).toBe(0);
		expect(await world.ledger.vault.openJobs()).toMatchObject([{ id: sent.id }]);
		expect(await world.ledger.standing({ guildId: GUILD, userId: sent.userId })).toMatchObject({ reserved: PRICE });
		// The repeat's slot was given back: the member can still start two.
		expect(s.queue.claim(sent.userId)).toBeDefined();
		expect(s.queue.claim(sent.userId)).toBeDefined();
	});

	it('acknowledges before a slow store finishes the reservation; a refusal then replaces the placeholder privately', async () => {
		const poor = newId('2');
		await world.ledger.setUserLimit(GUILD, MOD, poor, PRICE - 1);
		const held = gate();
		const holding = world.store.write(() => held.promise);
		const ok = imagine();
		const refused = imagine({ userId: poor });
		try {
			expect((await answer(ok.id)).type).toBe(5);
			expect((await answer(refused.id)).type).toBe(5);
			expect(await world.ledger.vault.job(ok.id)).toBeUndefined(); // acknowledged while the store was still busy
		} finally {
			held.open();
			await holding;
		}
		await queued(1);
		expect(await world.ledger.vault.job(ok.id)).toMatchObject({ state: 'reserved' });
		expect(discord.callbacks(ok.id)).toHaveLength(1);
		const note = await discord.waitFor((r) => r.interactionId === refused.id && r.method === 'POST' && !r.path.endsWith('/callback'));
		expect(note.json).toMatchObject({ flags: 64, content: expect.stringContaining("You don't have enough budget left") });
		expect(discord.requests.some((r) => r.interactionId === refused.id && r.method === 'DELETE' && r.status === 204)).toBe(true);
		expect(await world.ledger.vault.reservation(refused.id)).toBeUndefined();
		expect(world.logs.filter((l) => l.msg === 'store slow: acknowledged before the reservation finished')).toHaveLength(2);
	});
	it('gives the money and the slot back when a slow store meets an acknowledgement Discord refuses', async () => {
		const held = gate();
		const holding = world.store.write(() => held.promise);
		const sent = imagine();
		discord.failNext({ method: 'POST', pathIncludes: `/interactions/${sent.id}/` }, 404, { message: 'Unknown interaction', code: 10062 });
		try {
			await until(() => world.logs.some((l) => l.msg === 'command failed'), 'the failed acknowledgement');
		} finally {
			held.open();
			await holding;
		}
		await until(
			async () => ((await world.ledger.vault.job(sent.id)) as { state?: string } | undefined)?.state === 'refunded',
			'the abandoned job to be refunded',
		);
		expect(await world.ledger.vault.reservation(sent.id)).toMatchObject({ state: 'refunded' });
		expect(await world.ledger.standing({ guildId: GUILD, userId: sent.userId })).toMatchObject({ reserved: 0, spent: 0 });
		expect(s.queue.stats().queued).toBe(0);
		// Both of the member's slots are free again.
		expect(s.queue.claim(sent.userId)).toBeDefined();
		expect(s.queue.claim(sent.userId)).toBeDefined();
	});
});

describe('startImage: refused privately, nothing reserved', () => {
	it('while the server is paused (and accepted again once resumed)', async () => {
		const userId = newId('2');
		await world.ledger.setPaused(GUILD, MOD, true);
		await expectRefused(imagine({ userId }), TEXT.paused);
		await world.ledger.setPaused(GUILD, MOD, false);
		expect((await answer(imagine({ userId }).id)).type).toBe(5);
	});

	it('for a blocked term: members are not shown the term, moderators are', async () => {
		await s.blocklist.add(GUILD, MOD, 'red fox');
		await expectRefused(imagine({ prompt: 'A RED  Fox at dawn' }), TEXT.blocked(undefined));
		await expectRefused(imagine({ prompt: 'a red fox', permissions: MODERATOR }), TEXT.blocked('red fox'));
		expect(TEXT.blocked('red fox')).toContain('"red fox"');
	});

	it('over budget, saying what was spent and the limit', async () => {
		const userId = newId('2');
		await world.ledger.setUserLimit(GUILD, MOD, userId, PRICE - 1);
		const standing = await world.ledger.standing({ guildId: GUILD, userId });
		const sent = imagine({ userId });
		await expectRefused(sent, refusalMessage('user', standing, PRICE));
		expect(refusalMessage('user', standing, PRICE)).toMatch(/enough budget/);
	});

	it('past MAX_JOBS_PER_USER images in progress', async () => {
		const userId = newId('2');
		const sent = [imagine({ userId }), imagine({ userId }), imagine({ userId })];
		const answers = await Promise.all(sent.map((x) => answer(x.id)));
		expect(answers.filter((a) => a.type === 5)).toHaveLength(2);
		const refused = answers.findIndex((a) => a.type === 4);
		expect(answers[refused]).toEqual({ type: 4, content: TEXT.tooMany(2), ephemeral: true });
		expect(await world.ledger.vault.reservation(sent[refused]!.id)).toBeUndefined();
		await queued(2);
		expect(await world.ledger.standing({ guildId: GUILD, userId })).toMatchObject({ reserved: 2 * PRICE });
	});

	it('while the bot is restarting', async () => {
		await s.queue.stop(0);
		expect(s.queue.accepting).toBe(false);
		await expectRefused(imagine(), TEXT.restarting);
	});
});
