import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, ENV_VARS, applicationIdFromToken, loadConfig, readEnvironment } from '../../src/config.js';

const APP = '1100000000000000001';
const TOKEN = `${Buffer.from(APP).toString('base64')}.GhX3kQ.abcdefghijklmnopqrstuvwxyz0123456789AB`;
const base = { DISCORD_TOKEN: TOKEN, HIAPI_API_KEY: 'hk-secret-value-123' };

function problems(env: Record<string, string | undefined>): string[] {
	try {
		loadConfig(env);
	} catch (error) {
		if (error instanceof ConfigError) return error.problems;
		throw error;
	}
	return [];
}

describe('config', () => {
	it('refuses a price of zero (it would turn every budget off) and takes one micro-dollar', () => {
		expect(problems({ ...base, IMAGE_PRICE_USD: '0' })).toEqual([expect.stringMatching(/^IMAGE_PRICE_USD: must be at least 0\.000001/)]);
		expect(problems({ ...base, IMAGE_PRICE_USD: '0.0000000' })).toHaveLength(1);
		expect(loadConfig({ ...base, IMAGE_PRICE_USD: '0.000001' }).imagePriceMicros).toBe(1);
	});

	it('reads extra download hosts and the listen address', () => {
		const c = loadConfig({ ...base, HIAPI_DOWNLOAD_HOSTS: ' CDN.Example.com, *.files.example.net ,127.0.0.1,cdn.example.com', HTTP_HOST: '0.0.0.0' });
		expect(c.hiapiDownloadHosts).toEqual(['cdn.example.com', '*.files.example.net', '127.0.0.1']);
		expect(c.httpHost).toBe('0.0.0.0');
		expect(problems({ ...base, HIAPI_DOWNLOAD_HOSTS: 'https://cdn.example.com/x' })).toEqual([
			expect.stringMatching(/^HIAPI_DOWNLOAD_HOSTS: must be host names/),
		]);
		expect(problems({ ...base, HTTP_HOST: 'all interfaces' })).toEqual([expect.stringMatching(/^HTTP_HOST: /)]);
	});

	it('applies the documented defaults', () => {
		const c = loadConfig(base);
		expect(c).toMatchObject({
			applicationId: APP,
			discordApiUrl: 'https://discord.com/api',
			hiapiBaseUrl: 'https://api.hiapi.ai',
			hiapiModel: 'flux-1.1-pro',
			hiapiPricingUrl: 'https://www.hiapi.ai/api/pricing',
			imagePriceMicros: undefined,
			defaultUserBudgetMicros: 1_000_000,
			globalBudgetMicros: undefined,
			budgetPeriod: 'monthly',
			storeUrl: 'sqlite://data/imagine-bot.sqlite',
			pollIntervalMs: 5000,
			taskTimeoutMs: 240_000,
			maxConcurrentJobs: 8,
			maxJobsPerUser: 2,
			shutdownGraceMs: 8000,
			healthPort: undefined,
			httpHost: '127.0.0.1',
			hiapiDownloadHosts: [],
			hiapiCallbackUrl: undefined,
			hiapiWebhookSecret: undefined,
			shardCount: undefined,
			shardIds: undefined,
			logLevel: 'info',
			userInstall: false,
		});
	});

	it('reads USER_INSTALL as on or off only', () => {
		expect(loadConfig({ ...base, USER_INSTALL: 'on' }).userInstall).toBe(true);
		expect(loadConfig({ ...base, USER_INSTALL: 'off' }).userInstall).toBe(false);
		expect(() => loadConfig({ ...base, USER_INSTALL: 'yes' })).toThrow(/USER_INSTALL: must be on or off/);
	});

	it('parses dollars into micro-dollars and trims trailing slashes', () => {
		const c = loadConfig({
			...base,
			IMAGE_PRICE_USD: '0.045',
			DEFAULT_USER_BUDGET_USD: '2.5',
			GLOBAL_BUDGET_USD: '100',
			HIAPI_BASE_URL: 'http://127.0.0.1:9/',
			BUDGET_PERIOD: 'weekly',
		});
		expect(c).toMatchObject({
			imagePriceMicros: 45_000,
			defaultUserBudgetMicros: 2_500_000,
			globalBudgetMicros: 100_000_000,
			hiapiBaseUrl: 'http://127.0.0.1:9',
			budgetPeriod: 'weekly',
		});
	});

	it('names every problem in one line each, without echoing secrets', () => {
		const list = problems({
			DISCORD_TOKEN: 'not a token with spaces',
			HIAPI_API_KEY: undefined,
			POLL_INTERVAL_MS: '50',
			BUDGET_PERIOD: 'yearly',
			STORE_URL: 'mysql://x',
			IMAGE_PRICE_USD: 'five',
			DISCORD_API_URL: 'ftp://x',
		});
		expect(list.find((p) => p.startsWith('DISCORD_TOKEN:'))).toBeDefined();
		expect(list.find((p) => p.startsWith('HIAPI_API_KEY:'))).toMatch(/required/);
		expect(list.find((p) => p.startsWith('POLL_INTERVAL_MS:'))).toMatch(/100/);
		expect(list.find((p) => p.startsWith('BUDGET_PERIOD:'))).toMatch(/daily, weekly, monthly, lifetime/);
		expect(list.find((p) => p.startsWith('STORE_URL:'))).toMatch(/sqlite:\/\//);
		expect(list.find((p) => p.startsWith('IMAGE_PRICE_USD:'))).toMatch(/dollars/);
		expect(list.find((p) => p.startsWith('DISCORD_API_URL:'))).toMatch(/http/);
		expect(list.join('\n')).not.toContain('not a token with spaces');
		expect(problems({ ...base, HIAPI_API_KEY: 'short' }).join('\n')).not.toContain('short"');
	});

	it('takes a callback URL only with HEALTH_PORT and the signing key, over https (http only for localhost)', () => {
		const secret = 'whsec-0123456789abcdef';
		expect(
			loadConfig({ ...base, HIAPI_CALLBACK_URL: 'https://bot.example.com/hiapi/callback', HIAPI_WEBHOOK_SECRET: secret, HEALTH_PORT: '8080' }),
		).toMatchObject({
			hiapiCallbackUrl: 'https://bot.example.com/hiapi/callback',
			hiapiWebhookSecret: secret,
			healthPort: 8080,
		});
		expect(loadConfig({ ...base, HIAPI_CALLBACK_URL: 'http://127.0.0.1:8080/cb', HIAPI_WEBHOOK_SECRET: secret, HEALTH_PORT: '8080' }).hiapiCallbackUrl).toBe(
			'http://127.0.0.1:8080/cb',
		);
		expect(problems({ ...base, HIAPI_CALLBACK_URL: 'https://bot.example.com/cb' })).toEqual([
			expect.stringMatching(/^HIAPI_CALLBACK_URL: needs HEALTH_PORT/),
			expect.stringMatching(/^HIAPI_WEBHOOK_SECRET: is required with HIAPI_CALLBACK_URL/),
		]);
		expect(problems({ ...base, HIAPI_CALLBACK_URL: 'http://bot.example.com/cb', HIAPI_WEBHOOK_SECRET: secret, HEALTH_PORT: '1' })).toEqual([
			expect.stringMatching(/^HIAPI_CALLBACK_URL: must be the public https URL/),
		]);
		expect(problems({ ...base, HIAPI_CALLBACK_URL: 'https://bot.example.com/healthz', HIAPI_WEBHOOK_SECRET: secret, HEALTH_PORT: '1' })).toEqual([
			expect.stringMatching(/^HIAPI_CALLBACK_URL: needs a path of its own/),
		]);
		const short = problems({ ...base, HIAPI_WEBHOOK_SECRET: 'tiny-secret' });
		expect(short).toEqual([expect.stringMatching(/^HIAPI_WEBHOOK_SECRET: does not look like/)]);
		expect(short.join('\n')).not.toContain('tiny-secret');
	});

	it('uses Discord’s shard count unless SHARD_COUNT pins it; SHARD_IDS picks this process’s shards', () => {
		expect(loadConfig(base)).toMatchObject({ shardCount: undefined, shardIds: undefined });
		expect(loadConfig({ ...base, SHARD_COUNT: '4' })).toMatchObject({ shardCount: 4, shardIds: undefined });
		expect(loadConfig({ ...base, SHARD_COUNT: '4', SHARD_IDS: '3, 1,1' })).toMatchObject({ shardCount: 4, shardIds: [1, 3] });
		expect(problems({ ...base, SHARD_IDS: '0,1' })).toEqual([expect.stringMatching(/^SHARD_IDS: needs SHARD_COUNT/)]);
		expect(problems({ ...base, SHARD_COUNT: '2', SHARD_IDS: '0,2' })).toEqual([
			expect.stringMatching(/^SHARD_IDS: every shard must be below SHARD_COUNT \(2\)/),
		]);
		expect(problems({ ...base, SHARD_COUNT: '2', SHARD_IDS: 'one' })).toEqual([expect.stringMatching(/^SHARD_IDS: must be shard numbers separated by commas/)]);
		expect(problems({ ...base, SHARD_COUNT: '0' })).toEqual([expect.stringMatching(/^SHARD_COUNT: must be a whole number from 1/)]);
	});

	it('treats empty values as unset', () => {
		expect(loadConfig({ ...base, LOG_LEVEL: '', HEALTH_PORT: ' ' })).toMatchObject({ logLevel: 'info', healthPort: undefined });
	});

	it('derives the application id from the token, or takes it from DISCORD_APPLICATION_ID', () => {
		expect(applicationIdFromToken(TOKEN)).toBe(APP);
		expect(applicationIdFromToken('garbage.token.here')).toBeUndefined();
		expect(loadConfig({ ...base, DISCORD_APPLICATION_ID: '1200000000000000002' }).applicationId).toBe('1200000000000000002');
	});

	it('reads ./.env, with the real environment winning', () => {
		const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
		try {
			writeFileSync(join(dir, '.env'), `# comment\nDISCORD_TOKEN=${TOKEN}\nHIAPI_API_KEY="from-file-key-1"\nLOG_LEVEL=debug\n`);
			const env = readEnvironment(dir, { LOG_LEVEL: 'warn' });
			expect(loadConfig(env)).toMatchObject({ hiapiApiKey: 'from-file-key-1', logLevel: 'warn', discordToken: TOKEN });
			expect(readEnvironment(join(dir, 'nope'), {})).toEqual({});
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});
});

describe('documentation', () => {
	const root = join(import.meta.dirname, '../..');
	it('lists every variable, with a comment, in .env.example and in the README table', () => {
		const example = readFileSync(join(root, '.env.example'), 'utf8').split('\n');
		const readme = readFileSync(join(root, 'README.md'), 'utf8');
		expect(ENV_VARS.length).toBeGreaterThan(15);
		for (const name of ENV_VARS) {
			const at = example.findIndex((l) => new RegExp(`^#?${name}=`).test(l));
			expect(at, `${name} missing from .env.example`).toBeGreaterThan(0);
			expect(example[at - 1], `${name} has no comment above it`).toMatch(/^#/);
			expect(readme, `${name} missing from the README's configuration table`).toMatch(new RegExp(`\\| \`${name}\` +\\|`));
		}
		const documented = example.map((l) => /^#?([A-Z][A-Z0-9_]+)=/.exec(l)?.[1]).filter(Boolean);
		expect(documented.filter((n) => !ENV_VARS.includes(n as string))).toEqual([]);
	});
});
