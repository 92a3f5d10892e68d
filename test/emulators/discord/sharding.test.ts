/**
 * The emulator shards as Discord does: GET /gateway/bot recommends a count, IDENTIFY picks [shard, count], a guild's
 * events go to shard (id >> 22) % count and DMs to shard 0, more than 2,500 guilds on a shard closes with 4011, and
 * GUILD_CREATE (realistic, at scale) comes only with the GUILDS intent. Raw gateway clients, no discord.js.
 */
import { once } from 'node:events';
import { WebSocket } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { type DiscordEmulator, shardOf, startDiscordEmulator } from './index.js';

const TOKEN = 'MTAwMDAwMDAwMDAwMDAwMDQy.emulator.test-token';
const APP_ID = '100000000000000042';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function emulator(guilds: number, maxConcurrency?: number): Promise<DiscordEmulator> {
	const emu = await startDiscordEmulator({ token: TOKEN, applicationId: APP_ID, scale: { guilds }, ...(maxConcurrency ? { maxConcurrency } : {}) });
	cleanups.push(() => emu.close());
	return emu;
}

type Frame = { op: number; t: string | null; s: number | null; d: Record<string, unknown> & { guilds?: Array<{ id: string }> } };

/** A raw gateway session: IDENTIFY with `shard` and `intents`; collects what it is sent. */
async function session(emu: DiscordEmulator, identify: Record<string, unknown>) {
	const ws = new WebSocket(`${emu.gatewayUrl}?v=10&encoding=json`);
	cleanups.push(() => ws.terminate());
	const inbox: Frame[] = [];
	let wake: (() => void) | null = null;
	ws.on('message', (data) => {
		inbox.push(JSON.parse(data.toString()) as Frame);
		wake?.();
	});
	const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
	await once(ws, 'open');
	const next = async (): Promise<Frame> => {
		while (inbox.length === 0) await new Promise<void>((resolve) => (wake = resolve));
		return inbox.shift() as Frame;
	};
	expect((await next()).op).toBe(10); // HELLO
	ws.send(JSON.stringify({ op: 2, d: { token: TOKEN, properties: {}, ...identify } }));
	return {
		next,
		closed,
		/** Frames until a heartbeat ACK: everything the emulator sent before answering it. */
		async drain(): Promise<Frame[]> {
			ws.send(JSON.stringify({ op: 1, d: null }));
			const frames: Frame[] = [];
			for (let f = await next(); f.op !== 11; f = await next()) frames.push(f);
			return frames;
		},
	};
}

describe('discord emulator sharding', () => {
	it('recommends about one shard per 1,000 guilds, with the max_concurrency it was given', async () => {
		for (const [guilds, shards] of [
			[1, 1],
			[1000, 1],
			[2600, 3],
		] as const) {
			const emu = await emulator(guilds, 16);
			const res = await fetch(`${emu.apiUrl}/v10/gateway/bot`, { headers: { authorization: `Bot ${TOKEN}` } });
			expect(await res.json()).toMatchObject({ url: emu.gatewayUrl, shards, session_start_limit: { max_concurrency: 16 } });
			expect(emu.recommendedShards).toBe(shards);
		}
	});

	it('closes with 4011 when one shard would hold more than 2,500 guilds; 4010 for an impossible shard; 4013 without intents', async () => {
		const emu = await emulator(2600);
		expect(await (await session(emu, { intents: 0 })).closed).toEqual({ code: 4011, reason: 'Sharding required.' });
		expect(await (await session(emu, { intents: 0, shard: [0, 1] })).closed).toMatchObject({ code: 4011 });
		expect(await (await session(emu, { intents: 0, shard: [3, 3] })).closed).toMatchObject({ code: 4010 });
		expect(await (await session(emu, { shard: [0, 3] })).closed).toMatchObject({ code: 4013 });
		expect(emu.sessions()).toEqual([]);
	});

	it('READY lists only the shard’s guilds; GUILD_CREATE (realistic) only with the GUILDS intent', async () => {
		const emu = await emulator(2600);
		const counts = [0, 1, 2].map((shard) => emu.guilds.filter((g) => shardOf(g.id, 3) === shard).length);
		expect(counts.every((n) => n > 700 && n < 1100)).toBe(true); // real ids spread over shards

		const plain = await session(emu, { intents: 0, shard: [1, 3] });
		const ready = await plain.next();
		expect(ready).toMatchObject({ t: 'READY', d: { shard: [1, 3] } });
		expect(ready.d.guilds?.length).toBe(counts[1]);
		expect(ready.d.guilds?.every((g) => shardOf(g.id, 3) === 1)).toBe(true);
		expect(await plain.drain()).toEqual([]); // no GUILD_CREATE without the GUILDS intent

		const withGuilds = await session(emu, { intents: 1, shard: [2, 3] });
		expect((await withGuilds.next()).t).toBe('READY');
		const creates = await withGuilds.drain();
		expect(creates).toHaveLength(counts[2] ?? -1);
		const guild = creates[0]?.d as {
			id: string;
			channels: unknown[];
			roles: Array<{ name: string }>;
			emojis: unknown[];
			member_count: number;
			large: boolean;
			members: unknown[];
		};
		expect(shardOf(guild.id, 3)).toBe(2);
		expect(guild.channels).toHaveLength(40);
		expect(guild.roles).toHaveLength(30);
		expect(guild.roles.map((r) => r.name)).toContain('@everyone');
		expect(guild.emojis).toHaveLength(20);
		expect(guild).toMatchObject({ member_count: 1200, large: true });
		expect(guild.members).toHaveLength(1); // the bot itself: members need a privileged intent
		expect(emu.sessions().map((s) => [s.shard, s.guilds, s.intents])).toEqual([
			[[1, 3], counts[1], 0],
			[[2, 3], counts[2], 1],
		]);
	});

	it('sends each interaction to its guild’s shard only, and DMs to shard 0', async () => {
		const emu = await emulator(50);
		const s0 = await session(emu, { intents: 0, shard: [0, 2] });
		const s1 = await session(emu, { intents: 0, shard: [1, 2] });
		await s0.next();
		await s1.next();
		const onShard1 = emu.guilds.find((g) => shardOf(g.id, 2) === 1);
		const onShard0 = emu.guilds.find((g) => shardOf(g.id, 2) === 0);
		const a = emu.sendInteraction({ commandName: 'usage', guildId: onShard1?.id ?? '' });
		const b = emu.sendInteraction({ commandName: 'usage', guildId: onShard0?.id ?? '' });
		const dm = emu.sendInteraction({ commandName: 'usage', guildId: null });
		const ids = async (s: Awaited<ReturnType<typeof session>>) => (await s.drain()).filter((f) => f.t === 'INTERACTION_CREATE').map((f) => f.d.id);
		expect(await ids(s0)).toEqual([b.id, dm.id]);
		expect(await ids(s1)).toEqual([a.id]);
	});

	it('refuses to dispatch for a shard nobody runs', async () => {
		const emu = await emulator(50);
		const s1 = await session(emu, { intents: 0, shard: [1, 2] });
		await s1.next();
		const onShard0 = emu.guilds.find((g) => shardOf(g.id, 2) === 0);
		expect(() => emu.sendInteraction({ commandName: 'usage', guildId: onShard0?.id ?? '' })).toThrow(/no gateway session runs the shard of guild/);
	});
});
