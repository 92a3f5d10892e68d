// Moving a running community from SQLite to Redis with `npm run migrate-store`: budgets, overrides, history and
// an open job go across; the bot on Redis then delivers that job and shows the same budgets.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { APIApplicationCommandInteractionDataOption, APIEmbed } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisServer } from '../support/redis-server.js';
import { ROOT, createWorld, imagine, newUserId, outcome, usage, type BotProcess, type World } from './harness.js';

const MANAGE_GUILD = String(1n << 5n);
let redis: RedisServer;
let world: World;
const moderator = newUserId();
const member = newUserId();

function migrateStore(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
	const child = spawn(process.execPath, [join(ROOT, 'dist/src/migrate-store.js'), ...args], { cwd: world.dataDir, stdio: ['ignore', 'pipe', 'pipe'] });
	let stdout = '';
	let stderr = '';
	child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
	child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
	return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

function budget(sub: string, options: Array<{ name: string; type: number; value: string }> = []) {
	return world.discord.sendInteraction({
		commandName: 'budget',
		options: [{ name: sub, type: 1, options }] as APIApplicationCommandInteractionDataOption[],
		user: { id: moderator },
		permissions: MANAGE_GUILD,
	});
}

async function embed(id: string): Promise<APIEmbed> {
	const cb = await world.discord.waitFor((r) => r.interactionId === id && r.path.endsWith('/callback'));
	return (cb.json as { data: { embeds: APIEmbed[] } }).data.embeds[0] as APIEmbed;
}

beforeAll(async () => {
	redis = await startRedis();
	world = await createWorld({ IMAGE_PRICE_USD: '0.05', DEFAULT_USER_BUDGET_USD: '1.00' });
}, 40_000);

afterAll(async () => {
	await world?.close();
	await redis?.close();
});

describe('npm run migrate-store', () => {
	it('copies budgets, overrides, history and an open job to Redis, where the bot delivers the job', async () => {
		let bot: BotProcess = await world.start();
		const from = world.env.STORE_URL as string;
		// Refused while a bot uses the source.
		const refused = await migrateStore('--from', from, '--to', redis.url);
		expect(refused.code).toBe(1);
		expect(refused.stderr).toMatch(/another imagine-bot process is using/);

		await embed(
			budget('set', [
				{ name: 'user', type: 6, value: member },
				{ name: 'amount', type: 3, value: '3' },
			]).id,
		);
		await embed(budget('cap', [{ name: 'amount', type: 3, value: '10' }]).id);
		expect((await outcome(world, bot, imagine(world, { prompt: 'before the move', userId: member }).id)).kind).toBe('delivered');
		world.hiapi.script('across the move', { durationMs: 6000 });
		const open = imagine(world, { prompt: 'across the move', userId: member });
		await bot.waitForLog((l) => l.jobId === open.id && l.msg === 'task submitted');
		await bot.kill();

		const moved = await migrateStore('--from', from, '--to', redis.url);
		expect(moved.stderr).toBe('');
		expect(moved.code).toBe(0);
		expect(moved.stdout).toMatch(/jobs: 1 open/);
		expect(moved.stdout).toMatch(/reservations: 2/);
		// Once is enough: a second run into the same Redis is refused.
		expect((await migrateStore('--from', from, '--to', redis.url)).stderr).toMatch(/already holds imagine-bot data/);

		bot = await world.start({ STORE_URL: redis.url });
		await bot.waitForLog((l) => l.jobId === open.id && l.msg === 'picked up job from the fleet', 20_000);
		expect((await outcome(world, bot, open.id)).kind).toBe('delivered');
		expect(world.hiapi.requests.filter((r) => r.method === 'POST' && r.headers['idempotency-key'] === open.id)).toHaveLength(1);

		expect(await usage(world, member)).toMatchObject({ Spent: '$0.10', Limit: '$3.00 (set for you by a moderator)' });
		const history = await embed(
			world.discord.sendInteraction({
				commandName: 'budget',
				options: [{ name: 'history', type: 1, options: [{ name: 'user', type: 6, value: member }] }] as APIApplicationCommandInteractionDataOption[],
				user: { id: moderator },
				permissions: MANAGE_GUILD,
			}).id,
		);
		expect(history.description).toMatch(/\*\*set\*\*/);
		const settings = await embed(budget('settings').id);
		expect(settings.fields?.find((f) => f.name === 'Server cap')?.value).toBe('$10.00');
		const top = await embed(budget('top').id);
		expect(top.description).toContain(`<@${member}> $0.10 (2 images)`);
	});
});
