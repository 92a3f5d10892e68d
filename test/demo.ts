// `npm run demo`: watch one /imagine go through the real, built bot, with no Discord or hiapi account.
// Starts the Discord and hiapi emulators and the bot (dist/src/main.js) through the e2e harness, sends one
// /imagine, and narrates what crosses the wire, live, with timestamps relative to the start of the demo.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { GatewayIntentBits } from 'discord.js';
import { createWorld, imagine, newUserId, usage, type BotProcess, type LogLine, type World } from './e2e/harness.js';
import type { RecordedRequest } from './emulators/discord/index.js';
import { readCard } from './support/card.js';

const PROMPT = 'a lighthouse on a cliff at dawn, oil painting';
const ASPECT_RATIO = '16:9';
const TASK_MS = 2000;
const POLL_INTERVAL_MS = 300;
const OVERALL_TIMEOUT_MS = 60_000;

const T0 = Date.now();
const stamp = (at: number) => `+${((at - T0) / 1000).toFixed(2)}s`.padStart(8);
const say = (at: number, text: string, ...details: string[]) => {
	console.log(`${stamp(at)}  ${text}`);
	for (const d of details) console.log(`           ${d}`);
};

class DemoFailure extends Error {}
function check(ok: unknown, what: string): asserts ok {
	if (!ok) throw new DemoFailure(what);
}

const logTime = (l: LogLine) => (typeof l.time === 'string' ? Date.parse(l.time) : typeof l.time === 'number' ? l.time : Date.now());

/** `<t:1767225600:f>` → "2026-01-01 00:00 UTC"; `<t:…:R>` → "in 6 days". */
function renderDiscordTime(text: string): string {
	return text.replace(/<t:(\d+):([a-zA-Z])>/g, (_, secs: string, style: string) => {
		const ms = Number(secs) * 1000;
		if (style !== 'R') return new Date(ms).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
		const days = Math.round((ms - Date.now()) / 86_400_000);
		return days === 0 ? 'today' : days > 0 ? `in ${days} day${days === 1 ? '' : 's'}` : `${-days} days ago`;
	});
}

function intentNames(bits: number): string {
	const names = Object.entries(GatewayIntentBits)
		.filter((e): e is [string, number] => typeof e[1] === 'number' && (bits & e[1]) !== 0)
		.map(([name]) => name);
	return names.length ? names.join(', ') : 'none';
}

/**
 * Narrates, in timestamp order, what happens for one interaction: Discord requests (from the emulator's
 * record), hiapi requests (from the hiapi emulator's record) and the bot's own log lines (poll statuses).
 */
class Narrator {
	private discordCursor = 0;
	private hiapiCursor = 0;
	private logCursor = 0;
	private pending: Array<{ at: number; lines: string[] }> = [];
	private lastStatus: string | undefined;
	private polls = 0;
	taskId: string | undefined;
	finalEdit: RecordedRequest | undefined;
	end: LogLine | undefined;

	constructor(
		private readonly world: World,
		private readonly bot: BotProcess,
		private readonly interactionId: string,
		private readonly sentAt: number,
	) {}

	private add(at: number, ...lines: string[]): void {
		this.pending.push({ at, lines });
	}

	tick(): void {
		const { discord, hiapi } = this.world;
		for (; this.discordCursor < discord.requests.length; this.discordCursor++) {
			const r = discord.requests[this.discordCursor];
			if (r?.interactionId !== this.interactionId) continue;
			if (r.method === 'POST' && r.path.endsWith('/callback')) {
				const type = (r.json as { type?: number } | undefined)?.type;
				this.add(
					r.at,
					type === 5
						? `bot acknowledged: deferred reply (type 5, a public "imagine-bot is thinking…") ${r.at - this.sentAt} ms after dispatch [HTTP ${r.status}]`
						: `bot answered with interaction response type ${String(type)} ${r.at - this.sentAt} ms after dispatch [HTTP ${r.status}]`,
				);
			} else if (r.method === 'PATCH' && r.path.endsWith('/messages/@original')) {
				const body = r.json as { content?: string } | undefined;
				const card = readCard(r.json);
				if (!card.v2) {
					this.add(r.at, `bot edits the reply: "${body?.content ?? ''}" [HTTP ${r.status}]`);
					continue;
				}
				if (r.files.length > 0) this.finalEdit = r;
				const file = r.files[0];
				this.add(
					r.at,
					`final reply edit: PATCH /webhooks/<app id>/<interaction token>/messages/@original, flags IS_COMPONENTS_V2 [HTTP ${r.status}]`,
					`card text: "${card.text.replace(/\n/g, ' ⏎ ')}"`,
					`buttons: ${card.buttons.map((b) => b.label).join(' · ')}`,
					`attachment: ${file ? `${file.filename} (${file.data.length} bytes, ${file.contentType})` : 'none'}, gallery ${card.media.join(', ') || 'none'}`,
				);
			}
		}
		for (; this.hiapiCursor < hiapi.requests.length; this.hiapiCursor++) {
			const r = hiapi.requests[this.hiapiCursor];
			if (!r) continue;
			const path = r.path.split('?')[0] ?? r.path;
			if (r.method === 'POST' && path === '/v1/tasks') {
				const idem = r.headers['idempotency-key'];
				this.add(
					r.at,
					`bot → hiapi: POST /v1/tasks`,
					`body: ${r.rawBody}`,
					`headers: Idempotency-Key: ${idem ?? '(missing!)'}${idem === this.interactionId ? ' (the interaction id)' : ''} · ` +
						`Authorization: ${r.headers.authorization ? 'sent (value not shown)' : '(missing!)'} · Content-Type: ${r.headers['content-type'] ?? '(none)'}`,
				);
			} else if (r.method === 'GET' && path.startsWith('/cdn/')) {
				const taskId = decodeURIComponent(path.slice('/cdn/'.length).replace(/\.png$/, ''));
				let bytes = '?';
				try {
					bytes = String(hiapi.cdnBytes(taskId).length);
				} catch {
					// unknown task: the emulator answered 404
				}
				this.add(r.at, `bot → CDN: GET ${path} (${bytes} bytes served)`);
			}
		}
		for (; this.logCursor < this.bot.logs.length; this.logCursor++) {
			const l = this.bot.logs[this.logCursor];
			if (!l) continue;
			if (l.msg === 'task submitted' && l.jobId === this.interactionId) {
				this.taskId = String(l.taskId);
				this.add(logTime(l), `hiapi accepted the task: task id ${this.taskId} (submit took ${String(l.ms)} ms); polling every ${POLL_INTERVAL_MS} ms`);
			} else if (l.msg === 'hiapi poll' && (this.taskId === undefined || l.taskId === this.taskId)) {
				this.polls += 1;
				const status = String(l.status);
				if (status !== this.lastStatus) {
					this.add(logTime(l), `poll #${this.polls}: status ${this.lastStatus ? `${this.lastStatus} → ` : ''}${status}`);
					this.lastStatus = status;
				}
			} else if (l.msg === 'hiapi download') {
				this.add(logTime(l), `image downloaded: ${String(l.bytes)} bytes, ${String(l.contentType)}, in ${String(l.ms)} ms`);
			} else if (
				l.jobId === this.interactionId &&
				(l.msg === 'image delivered' || l.msg === 'job failed; refunded' || l.msg.startsWith('image could not be delivered'))
			) {
				this.end = l;
				this.add(
					logTime(l),
					l.msg === 'image delivered'
						? `job done: image delivered ${logTime(l) - this.sentAt} ms after dispatch (${this.polls} polls in all)`
						: `job ended WITHOUT an image: "${l.msg}" (${JSON.stringify(l.kind ?? '')})`,
				);
			}
		}
	}

	/** Prints what is older than `settleMs` (or everything), oldest first. */
	flush(settleMs = 150): void {
		const cutoff = Date.now() - settleMs;
		this.pending.sort((a, b) => a.at - b.at);
		while (this.pending[0] && this.pending[0].at <= cutoff) {
			const e = this.pending.shift();
			if (e) say(e.at, e.lines[0] ?? '', ...e.lines.slice(1));
		}
	}
}

async function waitUntil(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!cond()) {
		if (Date.now() > deadline) throw new DemoFailure(`timed out after ${timeoutMs} ms waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 20));
	}
}

async function demo(): Promise<void> {
	console.log('imagine-bot demo: the real bot (dist/src/main.js) against local Discord and hiapi emulators');
	const world = await createWorld({ POLL_INTERVAL_MS: String(POLL_INTERVAL_MS), TASK_TIMEOUT_MS: '30000' });
	activeWorld = world;
	let bot: BotProcess | undefined;
	try {
		world.hiapi.setDefault({ durationMs: TASK_MS, image: { width: 512, height: 288 } });
		console.log(`  Discord emulator ${world.discord.apiUrl} · hiapi emulator ${world.hiapi.url} (each task takes ${TASK_MS} ms)`);
		console.log('');

		const startAt = Date.now();
		say(startAt, 'starting the bot: node dist/src/main.js');
		bot = await world.start();
		const connected = bot.logs.find((l) => l.msg === 'connected to Discord');
		const identify = world.discord.identifies[0] as { intents?: number } | undefined;
		check(identify, 'the bot never sent a gateway IDENTIFY');
		const intents = identify.intents ?? 0;
		// Interactions need no gateway intents, and asking for none keeps memory flat however many servers.
		check(intents === 0, `the bot asked for gateway intents it does not need (intents ${intents})`);
		say(
			connected ? logTime(connected) : Date.now(),
			`bot connected (pid ${bot.child.pid}): gateway IDENTIFY with intents ${intents} = ${intentNames(intents)}; ready as ${JSON.stringify(connected?.user ?? '?')} on shard(s) ${JSON.stringify(connected?.shards ?? '?')}`,
		);

		const userId = newUserId();
		const sent = imagine(world, { prompt: PROMPT, aspectRatio: ASPECT_RATIO, userId });
		say(
			sent.sentAt,
			`Discord dispatches INTERACTION_CREATE: /imagine prompt:"${PROMPT}" aspect_ratio:${ASPECT_RATIO}`,
			`interaction ${sent.id}, from user ${userId} in #general`,
		);

		const narrator = new Narrator(world, bot, sent.id, sent.sentAt);
		const timer = setInterval(() => {
			narrator.tick();
			narrator.flush();
		}, 20);
		try {
			await waitUntil(
				() => narrator.end !== undefined && (narrator.end.msg !== 'image delivered' || narrator.finalEdit !== undefined),
				30_000,
				'the job to end',
			);
			narrator.tick();
		} finally {
			clearInterval(timer);
			narrator.flush(0);
		}

		const [callback] = world.discord.callbacks(sent.id);
		check(
			callback && callback.status < 300 && (callback.json as { type?: number }).type === 5,
			'the interaction was not deferred (expected a type 5 callback)',
		);
		check(callback.at - sent.sentAt < 3000, `the deferral took ${callback.at - sent.sentAt} ms, over Discord's 3 s window`);
		const submit = world.hiapi.submits()[0];
		check(submit?.headers['idempotency-key'] === sent.id, 'hiapi submit without the interaction id as Idempotency-Key');
		check(narrator.end?.msg === 'image delivered', `the job ended without an image: ${narrator.end?.msg ?? 'no end'}`);
		const edit = narrator.finalEdit;
		const file = edit?.files[0];
		check(edit && edit.status === 200 && file, 'no successful final edit with an attachment');
		check(narrator.taskId, 'no task id');
		const cdn = world.hiapi.cdnBytes(narrator.taskId);

		const fields = await usage(world, userId);
		say(
			Date.now(),
			`/usage for the user: ${Object.entries(fields)
				.map(([k, v]) => `${k} ${renderDiscordTime(v)}`)
				.join(' · ')}`,
		);

		const outDir = resolve(process.cwd(), 'demo-output');
		mkdirSync(outDir, { recursive: true });
		const outPath = join(outDir, /^imagine-[\w-]+\.\w+$/.test(file.filename) ? file.filename : `imagine-${sent.id}.png`);
		writeFileSync(outPath, file.data);
		const same = readFileSync(outPath).equals(cdn);
		check(same, `the delivered attachment (${file.data.length} bytes) differs from the CDN's image (${cdn.length} bytes)`);
		say(Date.now(), `saved the delivered image to ${relative(process.cwd(), outPath)} (${file.data.length} bytes): byte-for-byte equal to the CDN's`);

		const stopAt = Date.now();
		const exit = await Promise.race([
			bot.stop(),
			new Promise<never>((_, reject) => setTimeout(() => reject(new DemoFailure('the bot did not exit within 15 s of SIGTERM')), 15_000)),
		]);
		const stopped = bot.logs.find((l) => l.msg === 'stopped');
		check(exit.code === 0, `the bot exited with code ${String(exit.code)} (signal ${String(exit.signal)}) after SIGTERM`);
		say(
			Date.now(),
			`SIGTERM → the bot shut down cleanly and exited with code 0 after ${Date.now() - stopAt} ms (${stopped ? `"stopped", ${String(stopped.leftOpen)} jobs left open` : 'no "stopped" line'})`,
		);
		console.log('');
		console.log('Demo OK: one /imagine went from dispatch to a delivered image.');
	} catch (error) {
		if (bot) {
			console.error('\nLast bot log lines:');
			for (const l of bot.logs.filter((x) => x.level >= 30).slice(-8)) console.error(`  ${l.msg}${l.err ? ` (${JSON.stringify(l.err).slice(0, 200)})` : ''}`);
			if (bot.stderr.trim()) console.error(`bot stderr:\n${bot.stderr.slice(-1500)}`);
		}
		throw error;
	} finally {
		await world.close();
	}
}

let activeWorld: World | undefined;
const watchdog = setTimeout(() => {
	console.error(`\nDEMO FAILED: no result after ${OVERALL_TIMEOUT_MS / 1000} s`);
	for (const b of activeWorld?.bots ?? []) b.child.kill('SIGKILL');
	process.exit(1);
}, OVERALL_TIMEOUT_MS);
watchdog.unref();

try {
	await demo();
	process.exit(0);
} catch (error) {
	console.error(`\nDEMO FAILED: ${error instanceof Error ? error.message : String(error)}`);
	if (!(error instanceof DemoFailure) && error instanceof Error && error.stack) console.error(error.stack);
	process.exit(1);
}
