// The burst phase of `npm run bench`: one bot, sequential single images, then a burst of /imagine from many users;
// figures (acknowledgement times, throughput, memory, CPU) and invariants (every interaction acknowledged, nobody
// over budget, every job ended exactly once, the bot up and exiting 0).
import { setTimeout as sleep } from 'node:timers/promises';
import { createWorld, imagine, newUserId, usage, type BotProcess, type LogLine, type World } from '../e2e/harness.js';
import type { RecordedRequest, SentInteraction } from '../emulators/discord/index.js';
import { makePng } from '../emulators/png.js';
import { envInt, MemSampler, mib, ms, percentile, readCpuSeconds, readMem, sortNum, type Build } from './util.js';
import { readCard } from '../support/card.js';

const BURST = envInt('BENCH_BURST', 200);
const USERS = envInt('BENCH_USERS', 50);
const BURST_WINDOW_MS = 1000;
const TASK_MS = envInt('BENCH_TASK_MS', 2000);
const SEQUENTIAL_RUNS = envInt('BENCH_SEQUENTIAL_RUNS', 10);
const IMAGE_PX = envInt('BENCH_IMAGE_PX', 1024);
const BOT_ENV = {
	LOG_LEVEL: 'info',
	POLL_INTERVAL_MS: '200',
	MAX_JOBS_PER_USER: '2',
	MAX_CONCURRENT_JOBS: '8',
	DEFAULT_USER_BUDGET_USD: '100',
	TASK_TIMEOUT_MS: '120000',
};

export interface BurstResult {
	rows: Array<[string, string]>;
	notes: string[];
	invariants: Array<{ ok: boolean; text: string }>;
	failures: string[];
	idleRssKb: number | undefined;
	ack: { p50: number; p95: number; p99: number; max: number };
}

const usdMicros = (s: string | undefined) => {
	const m = /^\$(\d+)(?:\.(\d{1,6}))?/.exec(s ?? '');
	return m ? Number(m[1]) * 1_000_000 + Number((m[2] ?? '').padEnd(6, '0')) : Number.NaN;
};
const fmtUsd = (micros: number) => `$${(micros / 1_000_000).toFixed(2)}`;
const logTime = (l: LogLine) => (typeof l.time === 'string' ? Date.parse(l.time) : Number(l.time ?? Number.NaN));
const isEnd = (l: LogLine) => l.msg === 'image delivered' || l.msg === 'job failed; refunded' || l.msg.startsWith('image could not be delivered');

/** Indexes the bot's log lines incrementally (jobId → end lines), instead of rescanning all logs per waiter. */
class LogIndex {
	private cursor = 0;
	readonly ends = new Map<string, LogLine[]>();
	errors: LogLine[] = [];
	warns: LogLine[] = [];
	constructor(private readonly bot: BotProcess) {}
	update(): void {
		for (; this.cursor < this.bot.logs.length; this.cursor++) {
			const l = this.bot.logs[this.cursor];
			if (!l) continue;
			if (l.level >= 50) this.errors.push(l);
			else if (l.level === 40) this.warns.push(l);
			if (typeof l.jobId === 'string' && isEnd(l)) {
				const list = this.ends.get(l.jobId) ?? [];
				list.push(l);
				this.ends.set(l.jobId, list);
			}
		}
	}
}

async function callbackOf(world: World, id: string, timeoutMs: number): Promise<RecordedRequest | undefined> {
	return world.discord.waitFor((r) => r.interactionId === id && r.method === 'POST' && r.path.endsWith('/callback'), timeoutMs).catch(() => undefined);
}

function countBy<T>(xs: T[], key: (x: T) => string): string {
	const counts = new Map<string, number>();
	for (const x of xs) counts.set(key(x), (counts.get(key(x)) ?? 0) + 1);
	return [...counts]
		.sort((a, b) => b[1] - a[1])
		.map(([k, n]) => `${n}× ${k}`)
		.join('; ');
}

/** Sequential images, then the burst, against one bot (`script`: this build, or another for a before/after). */
export async function burstPhase(build: Build): Promise<BurstResult> {
	const world = await createWorld(BOT_ENV);
	try {
		return await burst(world, build);
	} finally {
		await world.close();
	}
}

export function burstSetup(): string {
	return (
		`hiapi task ${TASK_MS} ms, image ${IMAGE_PX}×${IMAGE_PX} PNG · bot env: ` +
		Object.entries(BOT_ENV)
			.filter(([k]) => k !== 'LOG_LEVEL')
			.map(([k, v]) => `${k}=${v}`)
			.join(' ')
	);
}

async function burst(world: World, build: Build): Promise<BurstResult> {
	const failures: string[] = [];
	const invariants: Array<{ ok: boolean; text: string }> = [];
	const invariant = (ok: boolean, text: string): void => {
		invariants.push({ ok, text });
		if (!ok) failures.push(text);
	};
	const image = makePng(IMAGE_PX, IMAGE_PX, 7);
	world.hiapi.setDefault({ durationMs: TASK_MS, image: { bytes: image } });

	const bot = await world.start({}, build.script, build.nodeFlags);
	const pid = bot.child.pid;
	const logs = new LogIndex(bot);

	// (3) Idle RSS after start-up.
	await sleep(3000);
	const idle = readMem(pid);

	// (2) Sequential single-image latency, dispatch → image delivered (final edit with the file lands at Discord).
	process.stdout.write(`  sequential: ${SEQUENTIAL_RUNS} runs… `);
	const seqLatency: number[] = [];
	const seqAck: number[] = [];
	for (let i = 0; i < SEQUENTIAL_RUNS; i++) {
		const sent = imagine(world, { prompt: `sequential ${i}`, aspectRatio: '1:1', userId: newUserId() });
		const cb = await callbackOf(world, sent.id, 10_000);
		if (cb) seqAck.push(cb.at - sent.sentAt);
		const delivered = await world.discord
			.waitFor((r) => r.interactionId === sent.id && r.method === 'PATCH' && r.files.length > 0 && r.status === 200, 60_000)
			.catch(() => undefined);
		if (delivered) seqLatency.push(delivered.at - sent.sentAt);
		else failures.push(`sequential run ${i} delivered no image`);
	}
	console.log('done');

	// (1) The burst.
	const users = Array.from({ length: USERS }, () => newUserId());
	const hiapiFrom = world.hiapi.requests.length;
	const discordFrom = world.discord.requests.length;
	const mem = new MemSampler(pid);
	mem.start();
	const memBefore = readMem(pid);
	const cpuBefore = readCpuSeconds(pid);
	process.stdout.write(`  burst: ${BURST} /imagine from ${USERS} users within ${BURST_WINDOW_MS} ms… `);
	const sent: SentInteraction[] = [];
	const burstStart = Date.now();
	for (let i = 0; i < BURST; i++) {
		const wait = burstStart + (i * BURST_WINDOW_MS) / BURST - Date.now();
		if (wait > 0) await sleep(wait);
		sent.push(imagine(world, { prompt: `burst ${i}: a lighthouse on a cliff at dawn`, aspectRatio: '16:9', userId: users[i % USERS] as string }));
	}
	const burstSpan = (sent.at(-1)?.sentAt ?? burstStart) - burstStart;

	const callbacks = await Promise.all(sent.map((s) => callbackOf(world, s.id, 15_000)));
	const ackMs: number[] = [];
	const ackDeferred: number[] = [];
	const ackRefused: number[] = [];
	const deferred: SentInteraction[] = [];
	const refusedLimit: SentInteraction[] = [];
	const refusedOther: SentInteraction[] = [];
	const unacked: SentInteraction[] = [];
	callbacks.forEach((cb, i) => {
		const s = sent[i] as SentInteraction;
		if (!cb || cb.status >= 300) return void unacked.push(s);
		ackMs.push(cb.at - s.sentAt);
		const body = cb.json as { type?: number; data?: { content?: string } };
		(body.type === 5 ? ackDeferred : ackRefused).push(cb.at - s.sentAt);
		if (body.type === 5) deferred.push(s);
		else if (body.type === 4 && /in progress/.test(body.data?.content ?? '')) refusedLimit.push(s);
		else refusedOther.push(s);
	});

	// Wait for every deferred job to end (delivered or refunded), or for the bot to die, or 150 s.
	const deadline = Date.now() + 150_000;
	for (;;) {
		logs.update();
		if (deferred.every((s) => logs.ends.has(s.id))) break;
		if (bot.child.exitCode !== null || bot.child.signalCode !== null || Date.now() > deadline) break;
		await sleep(50);
	}
	const cpuBurst = (readCpuSeconds(pid) ?? Number.NaN) - (cpuBefore ?? Number.NaN);
	await sleep(1000); // a job ending twice would show up here
	logs.update();
	mem.stop();
	const memAfterBurst = readMem(pid);
	const botAlive = bot.child.exitCode === null && bot.child.signalCode === null;
	console.log('done');

	const endTimes = deferred.flatMap((s) => logs.ends.get(s.id)?.map(logTime) ?? []);
	const lastEnd = endTimes.length ? Math.max(...endTimes) : Number.NaN;
	const deferredIds = new Set(deferred.map((s) => s.id));
	const ends = deferred.map((s) => logs.ends.get(s.id) ?? []);
	const delivered = ends.filter((e) => e.length === 1 && e[0]?.msg === 'image delivered').length;
	const refunded = ends.filter((e) => e.length === 1 && e[0]?.msg !== 'image delivered').length;
	const endedTwice = ends.filter((e) => e.length > 1).length;
	const neverEnded = ends.filter((e) => e.length === 0).length;
	const endedButNotDeferred = [...logs.ends.keys()].filter((id) => sent.some((s) => s.id === id) && !deferredIds.has(id)).length;

	const hiapiReqs = world.hiapi.requests.slice(hiapiFrom);
	const hiapiKind = (path: string, method: string) =>
		method === 'POST' && path.startsWith('/v1/tasks')
			? 'submit'
			: path.startsWith('/v1/tasks/')
				? 'poll'
				: path.startsWith('/cdn/')
					? 'CDN'
					: path.startsWith('/api/pricing')
						? 'pricing'
						: 'other';
	const hiapiCounts = { submit: 0, poll: 0, CDN: 0, pricing: 0, other: 0 };
	for (const r of hiapiReqs) hiapiCounts[hiapiKind(r.path, r.method)] += 1;
	const tasksByKey = new Map<string, number>();
	for (const t of world.hiapi.tasks()) if (t.idempotencyKey) tasksByKey.set(t.idempotencyKey, (tasksByKey.get(t.idempotencyKey) ?? 0) + 1);

	const burstIds = new Set(sent.map((s) => s.id));
	const discordReqs = world.discord.requests.slice(discordFrom).filter((r) => r.interactionId !== undefined && burstIds.has(r.interactionId));
	const finalEdits = discordReqs.filter((r) => r.method === 'PATCH' && r.files.length > 0);
	const progressEdits = discordReqs.filter(
		(r) => r.method === 'PATCH' && r.files.length === 0 && !readCard(r.json).v2 && !String((r.json as { content?: string }).content).startsWith('⚠️'),
	);
	const failedDiscord = discordReqs.filter((r) => r.status >= 400);
	const deliveredIds = new Set(finalEdits.filter((r) => r.status === 200).map((r) => r.interactionId));
	const rateLimited = bot.logs.filter((l) => /rate.?limit/i.test(l.msg)).length;

	// Budgets: /usage for every burst user (in small batches).
	const standings: Array<Record<string, string>> = [];
	if (botAlive) {
		for (let i = 0; i < users.length; i += 10) {
			standings.push(...(await Promise.all(users.slice(i, i + 10).map((u) => usage(world, u).catch((): Record<string, string> => ({}))))));
		}
	}
	const price = usdMicros(standings[0]?.['Price per image']);
	const overBudget = standings.filter((f) => usdMicros(f.Spent) > usdMicros(f.Limit) || usdMicros(f.Remaining) < 0);
	const stillReserved = standings.filter((f) => f['In progress'] !== undefined);
	const spentTotal = standings.reduce((a, f) => a + usdMicros(f.Spent), 0);
	const imagesTotal = standings.reduce((a, f) => a + Number(f['Images this period'] ?? Number.NaN), 0);

	// Let the bot settle, then idle RSS after the burst; then stop it.
	await sleep(2000);
	const memSettled = readMem(pid);
	const stopAt = Date.now();
	const exit = botAlive ? await Promise.race([bot.stop(), sleep(20_000, { code: null, signal: null, timedOut: true })]) : await bot.exited;
	const stopMs = Date.now() - stopAt;

	// ------------------------------------------------------------------ the table
	const acks = sortNum(ackMs);
	const seq = sortNum(seqLatency);
	const rows: Array<[string, string]> = [
		['idle RSS after start-up (3 s)', `${mib(idle?.rssKb)} (VmHWM ${mib(idle?.hwmKb)})`],
		[
			`single image, dispatch → delivered (n=${seq.length})`,
			`p50 ${ms(percentile(seq, 50))} · min ${ms(seq[0] ?? Number.NaN)} · max ${ms(seq.at(-1) ?? Number.NaN)} · ack p50 ${ms(percentile(sortNum(seqAck), 50))}`,
		],
		['burst: interactions · users · dispatch span', `${sent.length} · ${USERS} · ${burstSpan} ms`],
		[
			'burst: dispatch → ack p50 · p95 · p99 · max (goal: p99 ≤ 50 ms)',
			`${ms(percentile(acks, 50))} · ${ms(percentile(acks, 95))} · ${ms(percentile(acks, 99))} · ${ms(acks.at(-1) ?? Number.NaN)}`,
		],
		[
			'burst: ack p50 · max, deferred | refused',
			`${ms(percentile(sortNum(ackDeferred), 50))} · ${ms(Math.max(...ackDeferred))} | ${ms(percentile(sortNum(ackRefused), 50))} · ${ms(Math.max(...ackRefused))}`,
		],
		['burst: acks over 3 s · unacknowledged', `${acks.filter((a) => a >= 3000).length} · ${unacked.length}`],
		['burst: deferred · refused (per-user limit) · other', `${deferred.length} · ${refusedLimit.length} · ${refusedOther.length}`],
		['burst: all jobs ended after (from 1st dispatch)', `${ms(lastEnd - burstStart)} (${(delivered / ((lastEnd - burstStart) / 1000)).toFixed(2)} images/s)`],
		['burst: delivered · refunded', `${delivered} · ${refunded}`],
		[
			'burst: hiapi requests',
			`${hiapiReqs.length} (${hiapiCounts.submit} submit · ${hiapiCounts.poll} poll · ${hiapiCounts.CDN} CDN · ${hiapiCounts.pricing} pricing · ${hiapiCounts.other} other)`,
		],
		[
			'burst: Discord calls by the bot',
			`${discordReqs.length} (${finalEdits.length} final edits · ${progressEdits.length} progress edits · ${failedDiscord.length} failed)`,
		],
		[
			'burst: bot RSS before · peak sampled · VmHWM',
			`${mib(memBefore?.rssKb)} · ${mib(mem.peakRssKb || undefined)} · ${mib(mem.lastHwmKb || undefined)} (${mem.samples} samples)`,
		],
		['burst: bot CPU time (user + system)', Number.isFinite(cpuBurst) ? `${cpuBurst.toFixed(2)} s` : 'n/a'],
		['RSS after the burst (idle 2 s later)', mib(memSettled?.rssKb ?? memAfterBurst?.rssKb)],
		['bot log: errors · warnings · rate-limit lines', `${logs.errors.length} · ${logs.warns.length} · ${rateLimited}`],
		[
			'SIGTERM → exit',
			`${'timedOut' in exit ? 'no exit within 20 s' : `code ${String(exit.code)}${exit.signal ? ` signal ${exit.signal}` : ''}`} in ${stopMs} ms`,
		],
	];
	const notes: string[] = [];
	if (logs.errors.length) notes.push(`error lines: ${countBy(logs.errors, (l) => l.msg).slice(0, 300)}`);
	if (logs.warns.length) notes.push(`warning lines: ${countBy(logs.warns, (l) => l.msg).slice(0, 300)}`);
	if (failedDiscord.length)
		notes.push(`failed Discord calls: ${countBy(failedDiscord, (r) => `${r.method} ${r.path.includes('/callback') ? 'callback' : 'edit'} → ${r.status}`)}`);
	invariant(unacked.length === 0, `every interaction acknowledged: ${sent.length - unacked.length}/${sent.length}`);
	invariant(
		botAlive && standings.length === users.length && overBudget.length === 0 && stillReserved.length === 0,
		`no user over budget: ${standings.length}/${users.length} /usage answered, ${overBudget.length} over, ${stillReserved.length} with money still reserved`,
	);
	invariant(
		Number.isFinite(price) && spentTotal === delivered * price && imagesTotal === delivered,
		`charges match deliveries: ${fmtUsd(spentTotal)} spent, ${imagesTotal} images counted = ${delivered} delivered × ${Number.isFinite(price) ? fmtUsd(price) : '?'}`,
	);
	invariant(
		endedTwice === 0 && neverEnded === 0 && delivered + refunded === deferred.length && endedButNotDeferred === 0,
		`every deferred job ended exactly once: ${deferred.length} deferred → ${delivered} delivered + ${refunded} refunded, ${endedTwice} twice, ${neverEnded} never, ${endedButNotDeferred} refused ones ran`,
	);
	const oneTaskEach = deferred.every((s) => tasksByKey.get(s.id) === 1) && sent.every((s) => deferredIds.has(s.id) || !tasksByKey.has(s.id));
	invariant(oneTaskEach && hiapiCounts.submit === deferred.length, `one hiapi task per deferred job, none for refused ones (${hiapiCounts.submit} submits)`);
	invariant(
		deferred.every((s) => !deliveredIds.has(s.id) || logs.ends.get(s.id)?.[0]?.msg === 'image delivered') && deliveredIds.size === delivered,
		`each delivered job has exactly one image edit at Discord (${deliveredIds.size})`,
	);
	invariant(botAlive && !('timedOut' in exit) && exit.code === 0, `bot stayed up through the burst and exited 0 on SIGTERM`);
	if (neverEnded)
		notes.push(
			`jobs that never ended: ${deferred
				.filter((s) => !logs.ends.has(s.id))
				.slice(0, 5)
				.map((s) => s.id)
				.join(', ')}`,
		);
	if (!botAlive) notes.push(`bot exit: ${JSON.stringify(await bot.exited)}; stderr tail: ${bot.stderr.slice(-800)}`);
	return {
		rows,
		notes,
		invariants,
		failures,
		idleRssKb: idle?.rssKb,
		ack: { p50: percentile(acks, 50), p95: percentile(acks, 95), p99: percentile(acks, 99), max: acks.at(-1) ?? Number.NaN },
	};
}
