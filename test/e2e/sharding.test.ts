// The real bot in 2,600 realistic servers: it logs in on Discord's recommended three shards, answers interactions
// from every shard and from DMs, reports each shard on /healthz, and exits with a clear message when Discord
// refuses a shard count that is too low (4011).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shardOf } from '../emulators/discord/index.js';
import { createWorld, freePort, imagine, newUserId, outcome, spawnBot, usage, type BotProcess, type World } from './harness.js';

let world: World;
let bot: BotProcess;
let port: number;

beforeAll(async () => {
	// max_concurrency 16 (what Discord gives large bots) lets the three shards identify at once.
	world = await createWorld({ IMAGE_PRICE_USD: '0.05' }, { discord: { scale: { guilds: 2600 }, maxConcurrency: 16 } });
	port = await freePort();
	bot = await world.start({ HEALTH_PORT: String(port) });
}, 40_000);

afterAll(async () => {
	await world?.close();
});

describe('sharding', () => {
	it('logs in with more than 2,500 guilds on the recommended shards, with no intents', () => {
		expect(world.discord.recommendedShards).toBe(3);
		const shards = world.discord.identifies.map((d) => (d as { shard: [number, number] }).shard).sort();
		expect(shards).toEqual([
			[0, 3],
			[1, 3],
			[2, 3],
		]);
		expect(world.discord.identifies.every((d) => (d as { intents: number }).intents === 0)).toBe(true);
		expect(bot.logs.filter((l) => l.msg === 'shard ready').map((l) => l.shardId)).toEqual(expect.arrayContaining([0, 1, 2]));
		expect(bot.logs.find((l) => l.msg === 'connected to Discord')).toMatchObject({ shardCount: 3, shards: [0, 1, 2] });
		// discord.js's one warning about the guild cache being off goes to the log at debug level, not to stderr.
		expect(bot.logs.some((l) => l.msg === 'discord.js guild cache off by design')).toBe(true);
		expect(bot.stderr).toBe('');
	});

	it('answers interactions from every shard and from DMs (shard 0)', async () => {
		for (const shard of [0, 1, 2]) {
			const guild = world.discord.guilds.find((g) => shardOf(g.id, 3) === shard);
			expect(await usage(world, newUserId(), guild?.id)).toMatchObject({ Spent: '$0.00' });
		}
		expect(await usage(world, newUserId(), null)).toMatchObject({ Spent: '$0.00' });
		const far = world.discord.guilds.find((g) => shardOf(g.id, 3) === 2);
		const sent = imagine(world, { prompt: 'a lighthouse on shard two', guildId: far?.id ?? '', channelId: far?.channelIds[0] ?? '' });
		expect((await outcome(world, bot, sent.id)).kind).toBe('delivered');
		const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
		for (const shard of [0, 1, 2]) {
			expect(metrics).toMatch(new RegExp(`imagine_bot_shard_ready\\{shard="${shard}"\\} 1`));
			expect(Number(new RegExp(`imagine_bot_interactions_total\\{shard="${shard}"\\} (\\d+)`).exec(metrics)?.[1])).toBeGreaterThan(0);
		}
	});

	it('is healthy only with every shard ready, and lists them', async () => {
		const health = await fetch(`http://127.0.0.1:${port}/healthz`);
		expect(health.status).toBe(200);
		expect(await health.json()).toMatchObject({ status: 'ok', gateway: true, shards: { 0: true, 1: true, 2: true } });
		const statuses: number[] = [];
		world.discord.closeGateway(4000);
		for (let i = 0; i < 200 && !(statuses.includes(503) && statuses.at(-1) === 200); i++) {
			statuses.push((await fetch(`http://127.0.0.1:${port}/healthz`)).status);
			await new Promise((r) => setTimeout(r, 25));
		}
		expect(statuses).toContain(503);
		expect(statuses.at(-1)).toBe(200);
	});

	it('exits 1, saying what to do, when Discord refuses a shard count that is too low (4011)', async () => {
		// Its own SQLite file: the running bot holds the shared one (one process per file).
		const pinned = spawnBot({ ...world.env, SHARD_COUNT: '1', STORE_URL: `sqlite://${world.dataDir}/pinned.sqlite` }, world.dataDir);
		expect((await pinned.exited).code).toBe(1);
		expect(pinned.logs.find((l) => l.level === 60)).toMatchObject({
			code: 4011,
			msg: expect.stringMatching(/Discord requires more shards .*SHARD_COUNT/) as unknown,
		});
	});
});
