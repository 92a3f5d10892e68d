// Start-up as an operator meets it: clear config errors before any network I/O, a broken store,
// a wrong token, ./.env, and the health and metrics endpoints.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_ID, ROOT, createWorld, freePort, imagine, newUserId, outcome, spawnBot, usage, type World } from './harness.js';

let world: World;

beforeAll(async () => {
	world = await createWorld();
}, 40_000);

afterAll(async () => {
	await world?.close();
});

describe('start-up', () => {
	it('exits 78 with one line per config problem, before any network I/O', async () => {
		const before = world.discord.requests.length + world.hiapi.requests.length;
		const { HIAPI_API_KEY: _key, ...env } = world.env;
		const bot = spawnBot({ ...env, DISCORD_TOKEN: '', POLL_INTERVAL_MS: '5', BUDGET_PERIOD: 'hourly' }, world.dataDir);
		expect(await bot.exited).toMatchObject({ code: 78 });
		const lines = bot.stderr.trim().split('\n');
		expect(lines).toEqual(
			expect.arrayContaining([
				expect.stringMatching(/^imagine-bot: configuration error: DISCORD_TOKEN: is required/),
				expect.stringMatching(/^imagine-bot: configuration error: HIAPI_API_KEY: is required/),
				expect.stringMatching(/^imagine-bot: configuration error: POLL_INTERVAL_MS: must be a whole number from 100/),
				expect.stringMatching(/^imagine-bot: configuration error: BUDGET_PERIOD: must be one of daily, weekly, monthly, lifetime/),
			]),
		);
		expect(world.discord.requests.length + world.hiapi.requests.length).toBe(before);
	});

	it('exits non-zero with a clear message when the store directory cannot be written', async () => {
		const blocker = join(world.dataDir, 'a-file');
		writeFileSync(blocker, 'not a directory');
		const bot = spawnBot({ ...world.env, STORE_URL: `sqlite://${blocker}/sub/bot.sqlite` }, world.dataDir);
		expect((await bot.exited).code).toBe(1);
		const fatal = bot.logs.find((l) => l.level === 60);
		expect(fatal?.msg).toMatch(/^STORE_URL: cannot create or write the directory/);
		expect(world.discord.requests.filter((r) => r.path.includes('gateway'))).toHaveLength(0);
	});

	it('refuses a second bot on the same SQLite file (a lock, released when the first one dies)', async () => {
		const first = await world.start();
		const second = spawnBot(world.env, world.dataDir);
		expect((await second.exited).code).toBe(1);
		expect(second.logs.find((l) => l.level === 60)?.msg).toMatch(/^STORE_URL: another imagine-bot process is using .*bot\.sqlite/);
		expect(first.child.exitCode).toBeNull();
		await first.kill(); // SIGKILL: the kernel drops the lock with the process
		const third = await world.start();
		await third.stop();
	});

	it('exits non-zero and says to check DISCORD_TOKEN when Discord rejects the token', async () => {
		const bot = spawnBot({ ...world.env, DISCORD_TOKEN: 'MTEwMDAwMDAwMDAwMDAwMDAwMQ.wrong.tokenvaluethatdoesnotmatch' }, world.dataDir);
		expect((await bot.exited).code).toBe(1);
		expect(bot.logs.find((l) => l.level === 60)?.msg).toMatch(/DISCORD_TOKEN/);
		expect(bot.stdout).not.toContain('tokenvaluethatdoesnotmatch');
	});

	it('reads settings from ./.env in its working directory', async () => {
		const dir = join(world.dataDir, 'envdir');
		mkdirSync(dir);
		const { DISCORD_TOKEN, HIAPI_API_KEY, LOG_LEVEL: _level, ...rest } = world.env;
		writeFileSync(join(dir, '.env'), `DISCORD_TOKEN=${DISCORD_TOKEN}\nHIAPI_API_KEY=${HIAPI_API_KEY}\nLOG_LEVEL=info\nIMAGE_PRICE_USD=0.07\n`);
		const bot = spawnBot({ ...rest, IMAGE_PRICE_USD: '0.09' }, dir);
		try {
			await bot.waitForLog((l) => l.msg === 'connected to Discord');
			expect(bot.logs.find((l) => l.msg === 'price in use')).toMatchObject({ price: '$0.09', source: 'config' });
			expect(bot.logs.some((l) => l.level === 20)).toBe(false); // LOG_LEVEL=info from the file
		} finally {
			await bot.kill();
		}
	});
});

describe('hiapi unreachable', () => {
	it('connection refused → "busy, try again", refunded, and the bot keeps running', async () => {
		const closed = await freePort();
		const bot = await world.start({ HIAPI_BASE_URL: `http://127.0.0.1:${closed}`, TASK_TIMEOUT_MS: '2000', IMAGE_PRICE_USD: '0.05' });
		try {
			const userId = newUserId();
			const done = await outcome(world, bot, imagine(world, { prompt: 'nobody home', userId }).id);
			expect(done.kind).toBe('refunded');
			expect(String((done.finalEdit?.json as { content?: string }).content)).toMatch(/busy.*not charged/);
			expect(await usage(world, userId)).toMatchObject({ Spent: '$0.00' });
			expect(bot.child.exitCode).toBeNull();
		} finally {
			await bot.kill();
		}
	});
});

describe('npm run deploy-commands', () => {
	const script = join(ROOT, 'dist/src/deploy-commands.js');

	it('registers /imagine, /usage, /budget, /blocklist, /style, /settings and /history globally, through DISCORD_API_URL', async () => {
		const run = spawnBot(world.env, world.dataDir, script);
		expect((await run.exited).code).toBe(0);
		expect(run.stdout).toMatch(/Deployed 7 commands \(\/imagine, \/usage, \/budget, \/blocklist, \/style, \/settings, \/history\) globally/);
		const put = world.discord.requests.filter((r) => r.method === 'PUT' && r.path === `/v10/applications/${APP_ID}/commands`).at(-1);
		expect(put?.status).toBe(200);
		const names = (put?.json as Array<{ name: string; options?: Array<{ name: string }> }>).map((c) => c.name);
		expect(names).toEqual(['imagine', 'usage', 'budget', 'blocklist', 'style', 'settings', 'history']);
		const imagineDef = (put?.json as Array<{ name: string; options: Array<{ name: string; choices?: Array<{ value: string }> }> }>)[0];
		expect(imagineDef?.options.map((o) => o.name)).toEqual(['prompt', 'aspect_ratio', 'style', 'count', 'private']);
		expect(imagineDef?.options[1]?.choices?.map((c) => c.value)).toEqual(['1:1', '16:9', '9:16', '4:3', '3:4']);
	});

	it('registers in one guild when DISCORD_GUILD_ID is set, and fails clearly on a bad token', async () => {
		const run = spawnBot({ ...world.env, DISCORD_GUILD_ID: world.guildId }, world.dataDir, script);
		expect((await run.exited).code).toBe(0);
		expect(
			world.discord.requests.some((r) => r.method === 'PUT' && r.path === `/v10/applications/${APP_ID}/guilds/${world.guildId}/commands` && r.status === 200),
		).toBe(true);
		const bad = spawnBot({ ...world.env, DISCORD_TOKEN: 'MTEwMDAwMDAwMDAwMDAwMDAwMQ.bad.secretsecretsecretsecret' }, world.dataDir, script);
		expect((await bad.exited).code).toBe(1);
		expect(bad.stderr).toMatch(/^imagine-bot: deploy failed: /);
		expect(bad.stderr).not.toContain('secretsecretsecretsecret');
	});
});

describe('health and metrics', () => {
	it('serves /healthz (gateway + store) and Prometheus /metrics', async () => {
		const port = await freePort();
		const bot = await world.start({ HEALTH_PORT: String(port), IMAGE_PRICE_USD: '0.05' });
		try {
			expect((await outcome(world, bot, imagine(world, { prompt: 'metrics please' }).id)).kind).toBe('delivered');
			const health = await fetch(`http://127.0.0.1:${port}/healthz`);
			expect(health.status).toBe(200);
			expect(await health.json()).toMatchObject({ status: 'ok', gateway: true, store: true, accepting: true });
			const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
			expect(metrics).toMatch(/imagine_bot_jobs_total\{outcome="delivered"\} 1/);
			expect(metrics).toMatch(/imagine_bot_spend_committed_usd_total 0\.05/);
			expect(metrics).toMatch(/imagine_bot_price_usd 0\.05/);
			expect(metrics).toMatch(/imagine_bot_first_reply_seconds_count 1/);
			expect(metrics).toMatch(/imagine_bot_delivery_seconds_count 1/);
			expect(metrics).toMatch(/imagine_bot_hiapi_request_seconds_count\{op="submit"\} 1/);
			expect(Number(/imagine_bot_hiapi_request_seconds_count\{op="poll"\} (\d+)/.exec(metrics)?.[1])).toBeGreaterThan(0);
			expect(metrics).toMatch(/imagine_bot_hiapi_request_seconds_count\{op="task"\} 1/);
			expect(metrics).toMatch(/imagine_bot_queue_length 0/);
			expect((await fetch(`http://127.0.0.1:${port}/nope`)).status).toBe(404);
			// Gateway gone → unhealthy until it has resumed.
			const statuses: number[] = [];
			world.discord.closeGateway(4000);
			for (let i = 0; i < 200 && !(statuses.includes(503) && statuses.at(-1) === 200); i++) {
				statuses.push((await fetch(`http://127.0.0.1:${port}/healthz`)).status);
				await new Promise((r) => setTimeout(r, 25));
			}
			expect(statuses).toContain(503);
			expect(statuses.at(-1)).toBe(200);
		} finally {
			await bot.kill();
		}
	});
});
