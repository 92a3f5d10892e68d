// The only reader of process.env: environment (and ./.env) → a typed, validated Config.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { z } from 'zod';
import { parseUsd } from './util/money.js';
import { BUDGET_PERIODS, type BudgetPeriod } from './util/period.js';

export interface Config {
	discordToken: string;
	/** From DISCORD_APPLICATION_ID, else decoded from the token; undefined only when neither works. */
	applicationId: string | undefined;
	guildId: string | undefined;
	discordApiUrl: string;
	hiapiApiKey: string;
	hiapiBaseUrl: string;
	hiapiModel: string;
	hiapiPricingUrl: string;
	/** Operator's fixed price (≥ 1 micro-dollar); when undefined the live price from hiapi's pricing is used. */
	imagePriceMicros: number | undefined;
	/** Hosts images may be downloaded from besides HIAPI_BASE_URL's host and *.hiapi.ai (exact names or `*.suffix`). */
	hiapiDownloadHosts: string[];
	defaultUserBudgetMicros: number;
	globalBudgetMicros: number | undefined;
	budgetPeriod: BudgetPeriod;
	storeUrl: string;
	/** The longest gap between two polls of a task (adaptive polling learns the rest). */
	pollIntervalMs: number;
	/** Public URL hiapi POSTs finished tasks to; the route is served on HEALTH_PORT at its path. */
	hiapiCallbackUrl: string | undefined;
	hiapiWebhookSecret: string | undefined;
	/** Total shards across every process; undefined = Discord's recommendation. */
	shardCount: number | undefined;
	/** Shards this process runs; undefined = all of them. */
	shardIds: number[] | undefined;
	taskTimeoutMs: number;
	maxConcurrentJobs: number;
	maxJobsPerUser: number;
	shutdownGraceMs: number;
	/** Finished jobs (and so their buttons) are kept this long. */
	jobRetentionDays: number;
	/** Redis mode: how long a process may go silent before another takes its running jobs over. */
	jobLockMs: number;
	healthPort: number | undefined;
	/** The address the HTTP server binds (HTTP_HOST): loopback unless the operator opens it (the Docker image does). */
	httpHost: string;
	logLevel: string;
	/** USER_INSTALL=on: members may install the app to their account and use it in any server or group DM. */
	userInstall: boolean;
}

export class ConfigError extends Error {
	constructor(readonly problems: string[]) {
		super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
		this.name = 'ConfigError';
	}
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const snowflake = z.string().regex(/^\d{17,20}$/, 'must be a Discord id (17–20 digits)');

function httpUrl(what: string) {
	return z
		.string()
		.refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), `must be an http(s) URL (${what})`)
		.transform((v) => v.replace(/\/+$/, ''));
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** https, or http to this machine (tests, or a proxy on the same host). */
function callbackUrl() {
	return z
		.string()
		.refine((v) => {
			if (!URL.canParse(v)) return false;
			const u = new URL(v);
			return u.protocol === 'https:' || (u.protocol === 'http:' && LOOPBACK.has(u.hostname));
		}, 'must be the public https URL hiapi should POST finished tasks to, e.g. https://bot.example.com/hiapi/callback (http only for localhost)')
		.refine((v) => !['/', '/healthz', '/metrics'].includes(new URL(v).pathname), 'needs a path of its own, e.g. /hiapi/callback (not /, /healthz or /metrics)');
}

/** Host names (or `*.suffix` wildcards, or IP literals) separated by commas, lower-cased. */
function hostList() {
	const host = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$|^\[?[0-9a-f:.]+\]?$/;
	return z.string().transform((v, ctx) => {
		const hosts = v
			.split(',')
			.map((p) => p.trim().toLowerCase())
			.filter((p) => p !== '');
		const bad = hosts.filter((h) => !host.test(h));
		if (bad.length > 0) {
			ctx.addIssue({ code: 'custom', message: `must be host names separated by commas, e.g. cdn.example.com,*.example.net (not "${bad.join('", "')}")` });
			return z.NEVER;
		}
		return [...new Set(hosts)];
	});
}

function shardIds() {
	return z.string().transform((v, ctx) => {
		const parts = v.split(',').map((p) => p.trim());
		if (!parts.every((p) => /^\d{1,5}$/.test(p))) {
			ctx.addIssue({ code: 'custom', message: `must be shard numbers separated by commas, e.g. 0,1,2 (got "${v}")` });
			return z.NEVER;
		}
		const ids = [...new Set(parts.map(Number))].sort((a, b) => a - b);
		return ids;
	});
}

function usd(maxDecimals: number) {
	return z.string().transform((v, ctx) => {
		const micros = parseUsd(v, maxDecimals);
		if (micros === undefined) {
			ctx.addIssue({ code: 'custom', message: `must be an amount in dollars such as 0.05 (got "${v}")` });
			return z.NEVER;
		}
		return micros;
	});
}

function integer(min: number, max: number) {
	return z.string().transform((v, ctx) => {
		const n = Number(v);
		if (!/^\d+$/.test(v.trim()) || n < min || n > max) {
			ctx.addIssue({ code: 'custom', message: `must be a whole number from ${min} to ${max} (got "${v}")` });
			return z.NEVER;
		}
		return n;
	});
}

// Secrets get messages that never include the value.
const fields = z.object({
	DISCORD_TOKEN: z
		.string({ error: 'is required: the bot token from https://discord.com/developers/applications → your app → Bot' })
		.min(20, 'does not look like a Discord bot token')
		.refine((v) => !/\s/.test(v), 'must not contain spaces (copy the token alone, without "Bot ")'),
	DISCORD_APPLICATION_ID: snowflake.optional(),
	DISCORD_GUILD_ID: snowflake.optional(),
	DISCORD_API_URL: httpUrl('the Discord REST base, e.g. https://discord.com/api').default('https://discord.com/api'),
	HIAPI_API_KEY: z
		.string({ error: 'is required: your hiapi API key (hiapi dashboard → API keys)' })
		.min(8, 'does not look like a hiapi API key')
		.refine((v) => !/\s/.test(v), 'must not contain spaces'),
	HIAPI_BASE_URL: httpUrl('the hiapi API base').default('https://api.hiapi.ai'),
	HIAPI_MODEL: z.string().min(1).default('flux-1.1-pro'),
	HIAPI_PRICING_URL: httpUrl("hiapi's public pricing endpoint").default('https://www.hiapi.ai/api/pricing'),
	// A price of 0 would turn every budget off: the smallest price is one micro-dollar.
	IMAGE_PRICE_USD: usd(6)
		.refine((micros) => micros >= 1, 'must be at least 0.000001 (a price of 0 would make every image free and every budget meaningless)')
		.optional(),
	HIAPI_DOWNLOAD_HOSTS: hostList().optional(),
	DEFAULT_USER_BUDGET_USD: usd(6).default(1_000_000), // $1.00
	GLOBAL_BUDGET_USD: usd(6).optional(),
	BUDGET_PERIOD: z.enum(BUDGET_PERIODS, { error: `must be one of ${BUDGET_PERIODS.join(', ')}` }).default('monthly'),
	STORE_URL: z
		.string()
		.refine((v) => /^(sqlite|redis|rediss):\/\/./.test(v), 'must start with sqlite:// or redis:// (e.g. sqlite://data/imagine-bot.sqlite)')
		.default('sqlite://data/imagine-bot.sqlite'),
	POLL_INTERVAL_MS: integer(100, 600_000).default(5000),
	TASK_TIMEOUT_MS: integer(1000, 3_600_000).default(240_000),
	MAX_CONCURRENT_JOBS: integer(1, 1000).default(8),
	MAX_JOBS_PER_USER: integer(1, 1000).default(2),
	SHUTDOWN_GRACE_MS: integer(0, 600_000).default(8000),
	JOB_RETENTION_DAYS: integer(1, 3650).default(30),
	JOB_LOCK_MS: integer(1000, 600_000).default(15_000),
	HEALTH_PORT: integer(1, 65_535).optional(),
	HTTP_HOST: z
		.string()
		.regex(/^[A-Za-z0-9.:-]+$|^\[[0-9a-fA-F:.]+\]$/, 'must be an address to listen on, e.g. 127.0.0.1, 0.0.0.0 or ::')
		.default('127.0.0.1'),
	HIAPI_CALLBACK_URL: callbackUrl().optional(),
	HIAPI_WEBHOOK_SECRET: z
		.string()
		.min(16, 'does not look like a webhook signing key (hiapi dashboard → webhooks)')
		.refine((v) => !/\s/.test(v), 'must not contain spaces')
		.optional(),
	SHARD_COUNT: integer(1, 100_000).optional(),
	SHARD_IDS: shardIds().optional(),
	USER_INSTALL: z.enum(['on', 'off'], { error: 'must be on or off' }).default('off'),
	LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
});

// Settings that only make sense together.
const schema = fields.superRefine((e, ctx) => {
	const problem = (variable: string, message: string) => ctx.addIssue({ code: 'custom', path: [variable], message });
	if (e.HIAPI_CALLBACK_URL !== undefined) {
		if (e.HEALTH_PORT === undefined) {
			problem('HIAPI_CALLBACK_URL', 'needs HEALTH_PORT: the callback route is served on that port (point your reverse proxy at it)');
		}
		if (e.HIAPI_WEBHOOK_SECRET === undefined) {
			problem('HIAPI_WEBHOOK_SECRET', 'is required with HIAPI_CALLBACK_URL: the webhook signing key from your hiapi dashboard, to verify callbacks');
		}
	}
	if (e.SHARD_IDS !== undefined) {
		if (e.SHARD_COUNT === undefined) problem('SHARD_IDS', 'needs SHARD_COUNT: the total number of shards across every process');
		else if (e.SHARD_IDS.some((id) => id >= (e.SHARD_COUNT as number))) {
			problem('SHARD_IDS', `every shard must be below SHARD_COUNT (${e.SHARD_COUNT}): shards are numbered from 0`);
		}
	}
});

/** Every environment variable the bot reads (documented in .env.example and the README). */
export const ENV_VARS = Object.keys(fields.shape);

/** The first segment of a bot token is the bot's user id (= application id) in base64. */
export function applicationIdFromToken(token: string): string | undefined {
	const first = token.split('.')[0];
	if (!first) return undefined;
	const decoded = Buffer.from(first, 'base64').toString('utf8');
	return /^\d{17,20}$/.test(decoded) ? decoded : undefined;
}

/** Reads ./.env (if present) under the real environment, which wins. */
export function readEnvironment(cwd = process.cwd(), env: NodeJS.ProcessEnv = process.env): Record<string, string | undefined> {
	const file = resolve(cwd, '.env');
	const fromFile = existsSync(file) ? parseEnv(readFileSync(file, 'utf8')) : {};
	return { ...fromFile, ...env };
}

export function loadConfig(env: Record<string, string | undefined>): Config {
	// Empty strings (VAR= in .env) mean "not set", so defaults apply.
	const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
	const parsed = schema.safeParse(cleaned);
	if (!parsed.success) {
		throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || 'environment'}: ${i.message}`));
	}
	const e = parsed.data;
	return {
		discordToken: e.DISCORD_TOKEN,
		applicationId: e.DISCORD_APPLICATION_ID ?? applicationIdFromToken(e.DISCORD_TOKEN),
		guildId: e.DISCORD_GUILD_ID,
		discordApiUrl: e.DISCORD_API_URL,
		hiapiApiKey: e.HIAPI_API_KEY,
		hiapiBaseUrl: e.HIAPI_BASE_URL,
		hiapiModel: e.HIAPI_MODEL,
		hiapiPricingUrl: e.HIAPI_PRICING_URL,
		imagePriceMicros: e.IMAGE_PRICE_USD,
		hiapiDownloadHosts: e.HIAPI_DOWNLOAD_HOSTS ?? [],
		defaultUserBudgetMicros: e.DEFAULT_USER_BUDGET_USD,
		globalBudgetMicros: e.GLOBAL_BUDGET_USD,
		budgetPeriod: e.BUDGET_PERIOD,
		storeUrl: e.STORE_URL,
		pollIntervalMs: e.POLL_INTERVAL_MS,
		hiapiCallbackUrl: e.HIAPI_CALLBACK_URL,
		hiapiWebhookSecret: e.HIAPI_WEBHOOK_SECRET,
		shardCount: e.SHARD_COUNT,
		shardIds: e.SHARD_IDS,
		taskTimeoutMs: e.TASK_TIMEOUT_MS,
		maxConcurrentJobs: e.MAX_CONCURRENT_JOBS,
		maxJobsPerUser: e.MAX_JOBS_PER_USER,
		shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
		jobRetentionDays: e.JOB_RETENTION_DAYS,
		jobLockMs: e.JOB_LOCK_MS,
		healthPort: e.HEALTH_PORT,
		httpHost: e.HTTP_HOST,
		logLevel: e.LOG_LEVEL,
		userInstall: e.USER_INSTALL === 'on',
	};
}
