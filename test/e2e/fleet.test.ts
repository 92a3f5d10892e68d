// Two real bot processes on one real Redis, each running one of two shards, against the Discord emulator (which
// routes each guild to its shard): one wallet across both, and a job finished by the fleet when its process dies.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisServer } from '../support/redis-server.js';
import { shardOf } from '../emulators/discord/index.js';
import { createWorld, freePort, imagine, newUserId, replyContent, usage, type BotProcess, type World } from './harness.js';

/** Snowflakes whose shard (of two) is known: (id >> 22) % 2. */
const guildOn = (shard: 0 | 1, n: number) => String(((1n << 40n) + BigInt(2 * n + shard)) << 22n);
const G0 = guildOn(0, 1);
const G1 = guildOn(1, 1);
const C0 = '900000000000000010';
const C1 = '900000000000000011';

let redis: RedisServer;
let world: World;
let a: BotProcess;
let b: BotProcess;
const ports: number[] = [];

function startBot(shard: 0 | 1, port: number): Promise<BotProcess> {
	return world.start({ SHARD_IDS: String(shard), HEALTH_PORT: String(port) });
}

/** The end of a job, whichever process of the fleet ran it. */
async function finished(id: string, timeoutMs = 20_000): Promise<string> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		for (const bot of [a, b]) {
			const line = bot.logs.find((l) => l.jobId === id && (l.msg === 'image delivered' || l.msg === 'job failed; refunded'));
			if (line) return line.msg;
		}
		if (Date.now() > deadline) throw new Error(`job ${id} did not finish`);
		await new Promise((r) => setTimeout(r, 100));
	}
}

const health = async (port: number) => {
	const res = await fetch(`http://127.0.0.1:${port}/healthz`);
	return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

beforeAll(async () => {
	redis = await startRedis();
	world = await createWorld(
		{
			STORE_URL: redis.url,
			SHARD_COUNT: '2',
			IMAGE_PRICE_USD: '0.05',
			DEFAULT_USER_BUDGET_USD: '5.00',
			GLOBAL_BUDGET_USD: '0.25',
			MAX_JOBS_PER_USER: '20',
			MAX_CONCURRENT_JOBS: '4',
			JOB_LOCK_MS: '3000',
		},
		{
			discord: {
				guilds: [
					{ id: G0, channelIds: [C0] },
					{ id: G1, channelIds: [C1] },
				],
			},
		},
	);
	expect([shardOf(G0, 2), shardOf(G1, 2)]).toEqual([0, 1]);
	ports.push(await freePort(), await freePort());
	[a, b] = await Promise.all([startBot(0, ports[0] as number), startBot(1, ports[1] as number)]);
}, 60_000);

afterAll(async () => {
	if (process.env.FLEET_DEBUG) {
		const { writeFileSync } = await import('node:fs');
		writeFileSync('/tmp/fleet-a.log', a.stdout + a.stderr);
		writeFileSync('/tmp/fleet-b.log', b.stdout + b.stderr);
	}
	await world?.close();
	await redis?.close();
});

describe('a fleet of two processes on one Redis', () => {
	it('each runs its shard, and /healthz reports Redis', async () => {
		expect(a.logs.find((l) => l.msg === 'connected to Discord')).toMatchObject({ shards: [0] });
		expect(b.logs.find((l) => l.msg === 'connected to Discord')).toMatchObject({ shards: [1] });
		for (const port of ports) expect(await health(port)).toMatchObject({ status: 200, body: { status: 'ok', redis: true } });
	});

	it('finishes a job whose process was killed mid-job, delivered once and charged once; the restarted process does nothing twice', async () => {
		world.hiapi.script('fleet-kill', { durationMs: 4000 });
		const member = newUserId();
		const sent = imagine(world, { prompt: 'fleet-kill me', userId: member, guildId: G0, channelId: C0 });
		// Either process may run it (the queue is shared): kill the one that does, mid-generation.
		const submitted = await Promise.any([a, b].map((bot) => bot.waitForLog((l) => l.jobId === sent.id && l.msg === 'task submitted', 10_000).then(() => bot)));
		const survivor = submitted === a ? b : a;
		await submitted.kill(); // SIGKILL: no chance to hand anything over
		const taken = await survivor.waitForLog((l) => l.jobId === sent.id && l.msg === 'picked up job from the fleet' && l.state === 'submitted', 20_000);
		expect(taken).toBeDefined();
		expect(await finished(sent.id)).toBe('image delivered');
		const submits = world.hiapi.requests.filter((r) => r.method === 'POST' && r.headers['idempotency-key'] === sent.id);
		const finalEdits = world.discord.edits(sent.id).filter((r) => r.status === 200 && r.files.length > 0);
		expect(finalEdits).toHaveLength(1);

		// The killed process comes back (its shard had nobody to answer it meanwhile).
		const restarted = await startBot(submitted === a ? 0 : 1, ports[submitted === a ? 0 : 1] as number);
		if (submitted === a) a = restarted;
		else b = restarted;
		await new Promise((r) => setTimeout(r, 2000));
		expect(restarted.logs.some((l) => l.jobId === sent.id)).toBe(false);
		expect(world.hiapi.requests.filter((r) => r.method === 'POST' && r.headers['idempotency-key'] === sent.id)).toHaveLength(submits.length);
		expect(world.discord.edits(sent.id).filter((r) => r.status === 200 && r.files.length > 0)).toHaveLength(1);
		expect((await usage(world, member, G0))['Spent']).toBe('$0.05');
	});

	it('never goes over the operator ceiling, with a member imagining in servers on both shards at once', async () => {
		const member = newUserId();
		world.hiapi.setDefault({ durationMs: 400 });
		const sent = Array.from({ length: 16 }, (_, i) =>
			imagine(world, { prompt: `ceiling ${i}`, userId: member, guildId: i % 2 ? G1 : G0, channelId: i % 2 ? C1 : C0 }),
		);
		const answers = await Promise.all(sent.map((s) => world.discord.waitFor((r) => r.interactionId === s.id && r.path.endsWith('/callback'), 10_000)));
		const accepted = sent.filter((_, i) => (answers[i]?.json as { type: number }).type === 5);
		expect(accepted).toHaveLength(4); // $0.25 at $0.05, after the $0.05 of the test before
		for (const [i, s] of sent.entries()) {
			if ((answers[i]?.json as { type: number }).type === 5) continue;
			expect((await replyContent(world, s.id)).content).toMatch(/operator's spending ceiling/);
		}
		// Each process answered its own shard's half: the shards really were split, and the wallet was one.
		const answeredBy = (bot: BotProcess) =>
			sent.filter((s) => bot.logs.some((l) => l.interactionId === s.id && (l.msg === 'image accepted' || l.msg === 'image refused'))).length;
		for (let i = 0; i < 50 && answeredBy(a) + answeredBy(b) < 16; i++) await new Promise((r) => setTimeout(r, 100)); // logs trail the replies
		expect([answeredBy(a), answeredBy(b)]).toEqual([8, 8]);
		for (const s of accepted) expect(await finished(s.id)).toBe('image delivered');
		const spent0 = (await usage(world, member, G0))['Spent'];
		const spent1 = (await usage(world, member, G1))['Spent'];
		const cents = (v: string | undefined) => Math.round(Number((v ?? '$0').replace('$', '')) * 100);
		expect(cents(spent0) + cents(spent1)).toBe(20);
	});

	it('fails health and refuses new images while Redis is down, and charges nothing twice when it is back', async () => {
		await redis.kill();
		for (const port of ports) expect(await health(port)).toMatchObject({ status: 503, body: { redis: false } });
		const member = newUserId();
		const refused = imagine(world, { prompt: 'while redis is down', userId: member, guildId: G1, channelId: C1 });
		expect(await replyContent(world, refused.id)).toMatchObject({ ephemeral: true, content: expect.stringMatching(/can't reach its database/) });

		await redis.restart();
		const deadline = Date.now() + 15_000;
		while (Date.now() < deadline && (await health(ports[1] as number)).status !== 200) await new Promise((r) => setTimeout(r, 200));
		expect((await health(ports[1] as number)).status).toBe(200);
		expect((await usage(world, member, G1))['Spent']).toBe('$0.00');
	});
});
