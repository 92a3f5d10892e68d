// Drives the real, built bot (dist/src/main.js, its own start-up code and discord.js client) as a child
// process against the Discord and hiapi emulators, in a temporary working directory with its own SQLite file.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { APIApplicationCommandInteractionDataOption, APIMessage } from 'discord.js';
import {
	startDiscordEmulator,
	type DiscordEmulator,
	type DiscordEmulatorOptions,
	type InteractionOptions,
	type RecordedRequest,
} from '../emulators/discord/index.js';
import { startHiapiEmulator, type HiapiEmulator } from '../emulators/hiapi.js';
import { formatPath, specIssues } from '../support/discord-openapi.js';

export const ROOT = resolve(import.meta.dirname, '../..');
export const MAIN = join(ROOT, 'dist/src/main.js');
export const APP_ID = '1100000000000000001';
/** Shaped like a real bot token: base64(application id).timestamp.hmac */
export const TOKEN = `${Buffer.from(APP_ID).toString('base64')}.GhX3kQ.${randomBytes(28).toString('base64url')}`;
export const HIAPI_KEY = `hk-live-${randomBytes(18).toString('hex')}`;

let nextUser = 0;
/** A fresh user id per call, so tests sharing one bot never share a budget. */
export function newUserId(): string {
	nextUser += 1;
	return `5${String(process.pid).padStart(7, '0')}${String(nextUser).padStart(10, '0')}`;
}

export interface LogLine {
	level: number;
	msg: string;
	[key: string]: unknown;
}

export class BotProcess {
	readonly logs: LogLine[] = [];
	stdout = '';
	stderr = '';
	readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
	private waiters: Array<() => void> = [];

	constructor(readonly child: ChildProcess) {
		let buffered = '';
		child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
			this.stdout += chunk;
			buffered += chunk;
			const lines = buffered.split('\n');
			buffered = lines.pop() ?? '';
			for (const line of lines) {
				if (!line.trim()) continue;
				try {
					this.logs.push(JSON.parse(line) as LogLine);
				} catch {
					this.logs.push({ level: 0, msg: `non-JSON: ${line}` });
				}
			}
			this.notify();
		});
		child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
			this.stderr += chunk;
			this.notify();
		});
		this.exited = new Promise((resolve) =>
			child.on('exit', (code, signal) => {
				resolve({ code, signal });
				this.notify();
			}),
		);
	}

	private notify(): void {
		for (const w of this.waiters.splice(0)) w();
	}

	/** Resolves with the first log line (existing or future) matching `pred`. */
	async waitForLog(pred: (l: LogLine) => boolean, timeoutMs = 15_000): Promise<LogLine> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const found = this.logs.find(pred);
			if (found) return found;
			if (Date.now() > deadline)
				throw new Error(
					`timed out waiting for a log line; last lines:\n${this.logs
						.slice(-8)
						.map((l) => JSON.stringify(l))
						.join('\n')}\nstderr: ${this.stderr.slice(-2000)}`,
				);
			await new Promise<void>((r) => {
				this.waiters.push(r);
				setTimeout(r, 100);
			});
		}
	}

	/** SIGTERM to the node process itself (what docker stop does); resolves with the exit. */
	async stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
		if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
		return this.exited;
	}

	async kill(): Promise<void> {
		if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
		await this.exited;
	}
}

export interface World {
	discord: DiscordEmulator;
	hiapi: HiapiEmulator;
	dataDir: string;
	env: Record<string, string>;
	guildId: string;
	channelId: string;
	/**
	 * Starts the built bot and waits until it is connected. `script` and `nodeFlags` run another build as it was
	 * launched (a before/after bench).
	 */
	start(extraEnv?: Record<string, string>, script?: string, nodeFlags?: readonly string[]): Promise<BotProcess>;
	bots: BotProcess[];
	close(): Promise<void>;
}

export interface WorldOptions {
	/** Discord emulator options beyond the token (e.g. `scale` for thousands of realistic guilds). */
	discord?: Omit<DiscordEmulatorOptions, 'token' | 'applicationId'>;
	/**
	 * Default true: every body the bot sends is checked against Discord's OpenAPI spec; a refused one gets
	 * Discord's 400 50035, and close() fails the test with the list.
	 */
	specCheck?: boolean;
}

export async function createWorld(extraEnv: Record<string, string> = {}, options: WorldOptions = {}): Promise<World> {
	if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` first (npm test does)`);
	const checkBody = options.specCheck === false ? {} : { checkBody: specIssues };
	const discord = await startDiscordEmulator({ ...checkBody, ...options.discord, token: TOKEN, applicationId: APP_ID });
	const hiapi = await startHiapiEmulator({ apiKey: HIAPI_KEY });
	const dataDir = mkdtempSync(join(tmpdir(), 'imagine-e2e-'));
	const guild = discord.guilds[0];
	if (!guild?.channelIds[0]) throw new Error('emulator has no guild');
	const env: Record<string, string> = {
		PATH: process.env.PATH ?? '',
		HOME: dataDir,
		DISCORD_TOKEN: TOKEN,
		DISCORD_API_URL: discord.apiUrl,
		HIAPI_API_KEY: HIAPI_KEY,
		HIAPI_BASE_URL: hiapi.url,
		HIAPI_PRICING_URL: hiapi.pricingUrl,
		// The emulator's CDN is plain http on 127.0.0.1, which the bot downloads from only when listed.
		HIAPI_DOWNLOAD_HOSTS: '127.0.0.1',
		STORE_URL: `sqlite://${join(dataDir, 'bot.sqlite')}`,
		POLL_INTERVAL_MS: '100',
		TASK_TIMEOUT_MS: '8000',
		LOG_LEVEL: 'debug',
		...extraEnv,
	};
	const bots: BotProcess[] = [];
	return {
		discord,
		hiapi,
		dataDir,
		env,
		guildId: guild.id,
		channelId: guild.channelIds[0],
		bots,
		async start(more = {}, script = MAIN, nodeFlags = NODE_FLAGS) {
			const bot = spawnBot({ ...env, ...more }, dataDir, script, nodeFlags);
			bots.push(bot);
			await Promise.race([
				bot.waitForLog((l) => l.msg === 'connected to Discord', 20_000),
				bot.exited.then(({ code }) => {
					throw new Error(`bot exited (${code}) before connecting: ${bot.stderr}${bot.stdout.slice(-2000)}`);
				}),
			]);
			return bot;
		},
		async close() {
			await Promise.all(bots.map((b) => b.kill()));
			await discord.close();
			await hiapi.close();
			rmSync(dataDir, { recursive: true, force: true });
			assertSpecValid(discord);
		},
	};
}

/**
 * The node flags the bot runs with everywhere (`npm start`, the Docker image's NODE_OPTIONS): a 2 MiB young
 * generation instead of V8's default 16 MiB semi-spaces, ~10 MiB less resident memory for an I/O-bound process.
 */
export const NODE_FLAGS: readonly string[] = ['--max-semi-space-size=2'];

/** Spawns `node dist/src/main.js` (or `script`) in `cwd` with exactly `env`, as `npm start` does. */
export function spawnBot(env: Record<string, string>, cwd: string, script = MAIN, nodeFlags: readonly string[] = NODE_FLAGS): BotProcess {
	return new BotProcess(spawn(process.execPath, [...nodeFlags, script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] }));
}

export function stringOption(name: string, value: string): APIApplicationCommandInteractionDataOption {
	return { name, type: 3, value };
}

export function imagine(world: World, o: { prompt: string; aspectRatio?: string; userId?: string } & Partial<InteractionOptions>) {
	const { prompt, aspectRatio, userId, ...rest } = o;
	const options = [stringOption('prompt', prompt), ...(aspectRatio ? [stringOption('aspect_ratio', aspectRatio)] : [])];
	return world.discord.sendInteraction({ commandName: 'imagine', options, user: { id: userId ?? newUserId() }, ...rest });
}

export type Outcome = {
	kind: 'delivered' | 'refunded' | 'undeliverable';
	log: LogLine;
	message: APIMessage | undefined;
	finalEdit: RecordedRequest | undefined;
};

/** Waits until the bot has finished the job for this interaction and its final edit has landed. */
export async function outcome(world: World, bot: BotProcess, interactionId: string, timeoutMs = 20_000): Promise<Outcome> {
	const log = await bot.waitForLog(
		(l) =>
			(l.jobId === interactionId && ['image delivered', 'job failed; refunded'].includes(l.msg)) ||
			(l.jobId === interactionId && l.msg.startsWith('image could not be delivered')),
		timeoutMs,
	);
	const kind = log.msg === 'image delivered' ? 'delivered' : log.msg === 'job failed; refunded' ? 'refunded' : 'undeliverable';
	let finalEdit: RecordedRequest | undefined;
	if (kind === 'refunded') {
		finalEdit = await world.discord.waitFor(
			(r) =>
				r.interactionId === interactionId && r.method === 'PATCH' && r.status === 200 && String((r.json as { content?: string })?.content).startsWith('⚠️'),
			10_000,
		);
	} else {
		finalEdit = world.discord
			.edits(interactionId)
			.filter((r) => r.status === 200)
			.at(-1);
	}
	return { kind, log, message: world.discord.originalMessage(interactionId), finalEdit };
}

/** Sends /usage for a user and returns the ephemeral embed's fields by name. */
export async function usage(world: World, userId: string, guildId?: string | null): Promise<Record<string, string>> {
	const sent = world.discord.sendInteraction({ commandName: 'usage', user: { id: userId }, ...(guildId !== undefined ? { guildId } : {}) });
	const cb = await world.discord.waitFor((r) => r.interactionId === sent.id && r.path.endsWith('/callback'), 10_000);
	const data = (cb.json as { data?: { embeds?: Array<{ fields?: Array<{ name: string; value: string }> }>; flags?: number } }).data;
	if (!((data?.flags ?? 0) & 64)) throw new Error('/usage reply is not ephemeral');
	return Object.fromEntries((data?.embeds?.[0]?.fields ?? []).map((f) => [f.name, f.value]));
}

/** The ephemeral reply (type 4 callback) content for an interaction. */
export async function replyContent(world: World, interactionId: string): Promise<{ content: string; ephemeral: boolean; type: number }> {
	const cb = await world.discord.waitFor((r) => r.interactionId === interactionId && r.path.endsWith('/callback'), 10_000);
	const body = cb.json as { type: number; data?: { content?: string; flags?: number } };
	return { content: body.data?.content ?? '', ephemeral: ((body.data?.flags ?? 0) & 64) === 64, type: body.type };
}

/** Fails if a bot token, hiapi key or interaction token appears in the bot's output or in any Discord payload. */
export function assertNoSecrets(world: World, bot: BotProcess): void {
	const output = bot.stdout + bot.stderr;
	const interactionTokens = [
		...new Set(world.discord.requests.filter((r) => r.interactionId).map((r) => decodeURIComponent(r.path.split('/')[4] ?? ''))),
	].filter((t) => t.length > 20);
	const secrets = [TOKEN, encodeURIComponent(TOKEN), TOKEN.split('.')[2] as string, HIAPI_KEY, ...interactionTokens];
	if (bot.logs.length < 5) throw new Error('too few log lines to judge');
	for (const secret of secrets) {
		if (output.includes(secret)) throw new Error(`secret leaked into the bot output: ${secret.slice(0, 6)}…`);
		for (const r of world.discord.requests) {
			if (JSON.stringify(r.json ?? '').includes(secret)) throw new Error(`secret leaked into a Discord payload (${r.method} ${r.path.slice(0, 40)})`);
		}
	}
}

/** Fails if Discord's OpenAPI spec refused any body the bot sent (the emulator answered those with 400 50035). */
export function assertSpecValid(discord: DiscordEmulator): void {
	const invalid = discord.invalidPayloads();
	if (invalid.length === 0) return;
	const lines = invalid.map(
		(r) =>
			`${r.method} ${r.path.replace(/\/[\w-]{60,}/, '/<token>')}: ${(r.bodyIssues ?? []).map((i) => `${formatPath(i.path)}: ${i.message} [${i.code}]`).join('; ')}`,
	);
	throw new Error(`Discord's OpenAPI spec refused ${invalid.length} request bod${invalid.length === 1 ? 'y' : 'ies'} the bot sent:\n  ${lines.join('\n  ')}`);
}

/** A port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
	return new Promise((resolve) => {
		const s = createServer().listen(0, '127.0.0.1', () => {
			const { port } = s.address() as { port: number };
			s.close(() => resolve(port));
		});
	});
}
