/**
 * Smoke test for the Discord emulator, driven by a real discord.js client (no mocks): proves the emulator
 * speaks what discord.js 14 actually sends and that its recordings are trustworthy for end-to-end tests.
 */
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import {
	AttachmentBuilder,
	type ChatInputCommandInteraction,
	Client,
	DiscordAPIError,
	Events,
	GatewayIntentBits,
	MessageFlags,
	type TextChannel,
} from 'discord.js';
import { WebSocket } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { type DiscordEmulator, type RecordedRequest, startDiscordEmulator } from './index.js';

const TOKEN = 'MTAwMDAwMDAwMDAwMDAwMDQy.emulator.test-token';
const APP_ID = '100000000000000042';

// A 1x1 PNG followed by bytes that would trip a naive multipart parser (CRLF, '--', every byte value).
const PNG = Buffer.concat([
	Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64'),
	Buffer.from('\r\n--\r\n\r\n--boundary\r\n'),
	Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
]);

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startEmulator(): Promise<DiscordEmulator> {
	const emu = await startDiscordEmulator({ token: TOKEN, applicationId: APP_ID });
	cleanups.push(() => emu.close());
	return emu;
}

function newClient(emu: DiscordEmulator): Client {
	const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: emu.apiUrl } });
	cleanups.push(() => client.destroy());
	return client;
}

async function startWithClient(): Promise<{ emu: DiscordEmulator; client: Client }> {
	const emu = await startEmulator();
	const client = newClient(emu);
	const ready = once(client, Events.ClientReady);
	await client.login(TOKEN);
	await ready;
	return { emu, client };
}

/** The next chat input interaction discord.js emits for `name`. */
function nextCommand(client: Client, name: string, timeoutMs = 3_000): Promise<ChatInputCommandInteraction> {
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => {
			client.off(Events.InteractionCreate, listener);
			reject(new Error(`no /${name} interaction within ${timeoutMs} ms`));
		}, timeoutMs);
		const listener = (interaction: unknown): void => {
			const i = interaction as ChatInputCommandInteraction;
			if (!i.isChatInputCommand() || i.commandName !== name) return;
			clearTimeout(timer);
			client.off(Events.InteractionCreate, listener);
			resolve(i);
		};
		client.on(Events.InteractionCreate, listener);
	});
}

/** A bare gateway client, for protocol paths discord.js hides (4004, invalid session). */
async function rawGateway(emu: DiscordEmulator) {
	const ws = new WebSocket(`${emu.gatewayUrl}?v=10&encoding=json`);
	cleanups.push(() => Promise.resolve(ws.terminate()));
	const inbox: Array<{ op: number; t: string | null; s: number | null; d: unknown }> = [];
	let wake: (() => void) | null = null;
	ws.on('message', (data) => {
		inbox.push(JSON.parse(data.toString()) as (typeof inbox)[number]);
		wake?.();
	});
	const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
	await once(ws, 'open');
	return {
		closed,
		send: (op: number, d: unknown) => ws.send(JSON.stringify({ op, d })),
		async next() {
			while (inbox.length === 0) await new Promise<void>((resolve) => (wake = resolve));
			return inbox.shift()!;
		},
	};
}

const isPatchOriginal = (r: RecordedRequest): boolean => r.method === 'PATCH' && r.path.endsWith('/messages/@original');

describe('discord emulator with a real discord.js client', () => {
	it('logs in: GET /gateway/bot with the bot token, IDENTIFY with intents, guilds and channels cached', async () => {
		const { emu, client } = await startWithClient();

		expect(emu.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(['GET /v10/gateway/bot 200']);
		expect(emu.requests[0]?.headers.authorization).toBe(`Bot ${TOKEN}`);
		expect(emu.identifies).toHaveLength(1);
		expect(emu.identifies[0]).toMatchObject({ token: TOKEN, intents: GatewayIntentBits.Guilds, shard: [0, 1] });

		const [guild] = emu.guilds;
		expect(client.user?.id).toBe(APP_ID);
		const cached = client.guilds.cache.get(guild!.id);
		expect(cached?.available).toBe(true);
		expect(cached?.members.me?.id).toBe(APP_ID);
		expect(client.channels.cache.get(guild!.channelIds[0]!)?.isTextBased()).toBe(true);
	});

	it('records deferReply + editReply with a file byte-for-byte', async () => {
		const { emu, client } = await startWithClient();
		const received = nextCommand(client, 'imagine');
		const patched = emu.waitFor(isPatchOriginal); // resolves on a future request
		const sent = emu.sendInteraction({
			commandName: 'imagine',
			options: [{ name: 'prompt', type: 3, value: 'a red fox' }],
		});

		const interaction = await received;
		expect(interaction.id).toBe(sent.id);
		expect(interaction.options.getString('prompt')).toBe('a red fox');
		expect(interaction.guildId).toBe(emu.guilds[0]?.id);
		expect(interaction.memberPermissions?.has('ManageGuild')).toBe(false);
		expect(interaction.appPermissions.has(['SendMessages', 'AttachFiles', 'EmbedLinks'])).toBe(true);
		await interaction.deferReply();
		const message = await interaction.editReply({ content: 'hi', files: [new AttachmentBuilder(PNG, { name: 'a.png' })] });

		const [callback] = emu.callbacks(sent.id);
		expect(callback).toMatchObject({ status: 204, json: { type: 5 } });
		expect(callback!.at - sent.sentAt).toBeLessThan(3_000);
		expect(callback!.headers.authorization).toBeUndefined();

		const edits = emu.edits(sent.id);
		expect(edits).toHaveLength(1);
		expect(await patched).toBe(edits[0]);
		const edit = edits[0]!;
		expect(edit.status).toBe(200);
		expect(edit.rawPath).toContain('/messages/%40original');
		expect(edit.files).toHaveLength(1);
		expect(edit.files[0]).toMatchObject({ field: 'files[0]', filename: 'a.png', contentType: 'image/png' });
		expect(edit.files[0]!.data.equals(PNG)).toBe(true);
		expect(edit.json).toMatchObject({ content: 'hi', attachments: [{ id: '0' }] });

		// What discord.js got back, and the emulator's view of the message, agree.
		expect(message.content).toBe('hi');
		expect(message.attachments.first()?.name).toBe('a.png');
		expect(message.attachments.first()?.size).toBe(PNG.length);
		const original = emu.originalMessage(sent.id);
		expect(original?.flags).toBe(0); // loading flag cleared by the edit
		const download = await fetch(original!.attachments[0]!.url);
		expect(Buffer.from(await download.arrayBuffer()).equals(PNG)).toBe(true);
	});

	it('handles reply withResponse, followUp, fetchReply and deleteReply', async () => {
		const { emu, client } = await startWithClient();
		const received = nextCommand(client, 'budget');
		const sent = emu.sendInteraction({ commandName: 'budget' });
		const interaction = await received;

		const response = await interaction.reply({ content: 'left: 3', flags: MessageFlags.Ephemeral, withResponse: true });
		expect(response.resource?.message?.content).toBe('left: 3');
		expect(response.resource?.message?.flags.has(MessageFlags.Ephemeral)).toBe(true);
		const followUp = await interaction.followUp({ embeds: [{ title: 'Budget', description: '3 images' }] });
		expect(followUp.embeds[0]?.title).toBe('Budget');
		expect((await interaction.fetchReply()).content).toBe('left: 3');
		await interaction.deleteReply();

		expect(emu.callbacks(sent.id)[0]).toMatchObject({ status: 200, query: { with_response: 'true' }, json: { type: 4 } });
		expect(emu.followUps(sent.id)).toMatchObject([{ status: 200, query: { wait: 'true' } }]);
		expect(emu.originalMessage(sent.id)).toBeUndefined();
		await expect(interaction.fetchReply()).rejects.toMatchObject({ code: 10008 });
	});

	it('rejects a wrong token over REST (login fails) and over the gateway (close 4004)', async () => {
		const emu = await startEmulator();
		const client = newClient(emu);
		await expect(client.login('not-the-token')).rejects.toMatchObject({ code: 'TokenInvalid' });
		expect(emu.requests).toMatchObject([{ path: '/v10/gateway/bot', status: 401 }]);

		const gateway = await rawGateway(emu);
		expect(await gateway.next()).toMatchObject({ op: 10, d: { heartbeat_interval: 41_250 } });
		gateway.send(2, { token: 'not-the-token', intents: 1, properties: {} });
		expect(await gateway.closed).toEqual({ code: 4004, reason: 'Authentication failed.' });
		expect(emu.identifies).toMatchObject([{ token: 'not-the-token' }]);
	});

	it('makes editReply reject with 50027 once the token has expired', async () => {
		const { emu, client } = await startWithClient();
		const received = nextCommand(client, 'imagine');
		const sent = emu.sendInteraction({ commandName: 'imagine' });
		const interaction = await received;
		await interaction.deferReply();
		emu.expireToken(sent.token);

		const error: unknown = await interaction.editReply('too late').catch((e: unknown) => e);
		expect(error).toBeInstanceOf(DiscordAPIError);
		expect(error).toMatchObject({ code: 50027, status: 401 });
		expect(emu.edits(sent.id).map((r) => r.status)).toEqual([401]);
	});

	it('resumes after closeGateway(), replays missed events and keeps delivering interactions', async () => {
		const { emu, client } = await startWithClient();
		const reconnecting = once(client, Events.ShardReconnecting);
		const resumed = once(client, Events.ShardResume);
		emu.closeGateway();
		// Dispatched while the client is disconnected: must arrive through the RESUME replay.
		const missed = nextCommand(client, 'missed', 4_000);
		const missedSent = emu.sendInteraction({ commandName: 'missed' });
		await reconnecting;
		await emu.waitForReady();
		await resumed;
		expect((await missed).id).toBe(missedSent.id);
		expect(emu.identifies).toHaveLength(1);
		expect(emu.resumes).toMatchObject([{ token: TOKEN }]);

		const later = nextCommand(client, 'later');
		const laterSent = emu.sendInteraction({ commandName: 'later' });
		const interaction = await later;
		expect(interaction.id).toBe(laterSent.id);
		await interaction.reply('still here');
		expect(emu.callbacks(laterSent.id)).toMatchObject([{ status: 204 }]);
	});

	it('delivers DM interactions with user, options, resolved users and attachment size limit', async () => {
		const { emu, client } = await startWithClient();
		const received = nextCommand(client, 'grant');
		emu.sendInteraction({
			commandName: 'grant',
			guildId: null,
			user: { id: '400000000000000001', username: 'dmuser' },
			options: [{ name: 'user', type: 6, value: '400000000000000002' }],
			resolvedUsers: [{ id: '400000000000000002', username: 'target' }],
			attachmentSizeLimit: 25 * 1024 * 1024,
		});
		const interaction = await received;
		expect(interaction.guildId).toBeNull();
		expect(interaction.member).toBeNull();
		expect(interaction.user.id).toBe('400000000000000001');
		expect(interaction.context).toBe(1);
		// discord.js only caches DM channels with Partials.Channel, so the channel itself is null here.
		expect(interaction.channelId).toMatch(/^\d+$/);
		expect(interaction.channel).toBeNull();
		expect(interaction.options.getUser('user')?.username).toBe('target');
		expect(interaction.attachmentSizeLimit).toBe(25 * 1024 * 1024);
	});

	it('retries a scripted 500 on the edit and succeeds', async () => {
		const { emu, client } = await startWithClient();
		emu.failNext({ method: 'PATCH', pathIncludes: '/messages/@original' }, 500);
		const received = nextCommand(client, 'imagine');
		const sent = emu.sendInteraction({ commandName: 'imagine' });
		const interaction = await received;
		await interaction.deferReply();
		await interaction.editReply('done');
		expect(emu.edits(sent.id).map((r) => r.status)).toEqual([500, 200]);
		expect(emu.originalMessage(sent.id)?.content).toBe('done');
	});

	it('honours a scripted 429: waits Retry-After, then retries', async () => {
		const { emu, client } = await startWithClient();
		emu.failNext({ method: 'PATCH', pathIncludes: '%40original' }, 429, { retry_after: 0.3 });
		const received = nextCommand(client, 'imagine');
		const sent = emu.sendInteraction({ commandName: 'imagine' });
		const interaction = await received;
		await interaction.deferReply();
		await interaction.editReply('done');
		const [limited, retried] = emu.edits(sent.id);
		expect([limited?.status, retried?.status]).toEqual([429, 200]);
		expect(retried!.at - limited!.at).toBeGreaterThanOrEqual(250);
	});

	it('sends channel messages and registers commands with the bot token', async () => {
		const { emu, client } = await startWithClient();
		const channelId = emu.guilds[0]!.channelIds[0]!;
		const channel = (await client.channels.fetch(channelId)) as TextChannel;
		const sent = await channel.send({ content: 'announcement', files: [new AttachmentBuilder(PNG, { name: 'b.png' })] });
		expect(sent.attachments.first()?.name).toBe('b.png');
		expect(emu.channelMessages(channelId)).toMatchObject([{ status: 200, json: { content: 'announcement' } }]);

		const commands = await client.application!.commands.set([{ name: 'imagine', description: 'Generate an image' }]);
		expect(commands.first()?.name).toBe('imagine');
		await expect(client.application!.commands.set([{ name: 'Bad Name', description: '' }])).rejects.toMatchObject({ code: 50035 });
	});
});

describe('discord emulator protocol edges (raw clients)', () => {
	async function identified(emu: DiscordEmulator) {
		const gateway = await rawGateway(emu);
		await gateway.next(); // HELLO
		gateway.send(2, { token: TOKEN, intents: 1, properties: {} });
		const ready = await gateway.next();
		expect(ready).toMatchObject({ op: 0, t: 'READY', s: 1 });
		expect(await gateway.next()).toMatchObject({ op: 0, t: 'GUILD_CREATE', s: 2 });
		return gateway;
	}

	const callbackUrl = (emu: DiscordEmulator, id: string, token: string): string => `${emu.apiUrl}/v10/interactions/${id}/${token}/callback`;
	const post = (url: string, body: unknown): Promise<Response> =>
		fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

	it('answers RESUME of an unknown session with op 9, then accepts IDENTIFY', async () => {
		const emu = await startEmulator();
		const gateway = await rawGateway(emu);
		await gateway.next();
		gateway.send(6, { token: TOKEN, session_id: 'nope', seq: 3 });
		expect(await gateway.next()).toMatchObject({ op: 9, d: false });
		gateway.send(1, null);
		expect(await gateway.next()).toMatchObject({ op: 11 });
		gateway.send(2, { token: TOKEN, intents: 1, properties: {} });
		expect(await gateway.next()).toMatchObject({ t: 'READY', d: { user: { id: APP_ID, bot: true } } });
	});

	it('enforces callback rules: wrong token, double acknowledgement, bad flags, the 3 s window', async () => {
		const emu = await startEmulator();
		const gateway = await identified(emu);
		const a = emu.sendInteraction({ commandName: 'x' });
		expect(await gateway.next()).toMatchObject({ t: 'INTERACTION_CREATE', d: { id: a.id, token: a.token, type: 2 } });

		expect(await (await post(callbackUrl(emu, a.id, 'wrong'), { type: 5 })).json()).toEqual({ code: 10062, message: 'Unknown interaction' });
		expect((await post(callbackUrl(emu, a.id, a.token), { type: 5, data: { flags: 4 } })).status).toBe(400);
		expect((await post(callbackUrl(emu, a.id, a.token), { type: 5, data: { flags: 64 } })).status).toBe(204);
		const again = await post(callbackUrl(emu, a.id, a.token), { type: 5 });
		expect(again.status).toBe(400);
		expect(await again.json()).toMatchObject({ code: 40060 });
		expect(emu.originalMessage(a.id)?.flags).toBe(64 | 128); // ephemeral + loading

		const late = emu.sendInteraction({ commandName: 'late' });
		await sleep(3_100);
		const response = await post(callbackUrl(emu, late.id, late.token), { type: 5 });
		expect(response.status).toBe(404);
		expect(await response.json()).toMatchObject({ code: 10062 });
		expect(emu.callbacks(late.id)).toMatchObject([{ status: 404, interactionId: late.id }]);
	});

	it('rejects webhook bodies whose attachments match no upload, and unknown tokens', async () => {
		const emu = await startEmulator();
		await identified(emu);
		const a = emu.sendInteraction({ commandName: 'x' });
		await post(callbackUrl(emu, a.id, a.token), { type: 5 });
		const url = `${emu.apiUrl}/v10/webhooks/${APP_ID}/${a.token}/messages/%40original`;

		const form = new FormData();
		form.append('files[0]', new Blob([PNG], { type: 'image/png' }), 'a.png');
		form.append('payload_json', JSON.stringify({ attachments: [{ id: '1' }] }));
		const bad = await fetch(url, { method: 'PATCH', body: form });
		expect(bad.status).toBe(400);
		expect(await bad.json()).toMatchObject({ code: 50035 });

		const empty = await fetch(url, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: '{}' });
		expect(await empty.json()).toMatchObject({ code: 50006 });

		const unknown = await fetch(`${emu.apiUrl}/v10/webhooks/${APP_ID}/nope/messages/%40original`, { method: 'GET' });
		expect(await unknown.json()).toEqual({ code: 10015, message: 'Unknown Webhook' });
		const missing = await fetch(`${emu.apiUrl}/v10/nowhere`);
		expect(await missing.json()).toEqual({ code: 0, message: '404: Not Found' });
		expect(emu.requests.at(-1)).toMatchObject({ path: '/v10/nowhere', status: 404 });
		expect(emu.edits(a.id).map((r) => r.status)).toEqual([400, 400]);
	});
});
