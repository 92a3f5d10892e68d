// `npm run bench`: figures for the real, built bot (dist/src/main.js) against the Discord and hiapi emulators.
// It prints timings and memory but never asserts on them; it exits non-zero only when an invariant breaks
// (an interaction left unacknowledged, a user over budget, a job lost or ended twice, the bot crashing).
//
// Phases: idle RSS after start-up → sequential single-image latency → a burst of /imagine from many users.
// The emulators run in this process, so acknowledgement times include this process's own scheduling.
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { ledgerBench } from './bench/ledger.js';
import { createWorld, imagine, newUserId, usage, type BotProcess, type LogLine, type World } from './e2e/harness.js';
import type { RecordedRequest, SentInteraction } from './emulators/discord/index.js';
import { makePng } from './emulators/png.js';

const envInt = (name: string, fallback: number) => {
	const v = Number(process.env[name]);
	return Number.isFinite(v) && v > 0 ? Math.floor(v) : fallback;
};
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
const OVERALL_TIMEOUT_MS = 6 * 60_000;

// ---------------------------------------------------------------------------------------------------------
// Small helpers

const failures: string[] = [];
const invariant = (ok: boolean, text: string): void => {
	console.log(`  ${ok ? 'ok  ' : 'FAIL'}  ${text}`);
	if (!ok) failures.push(text);
};

function percentile(sorted: number[], p: number): number {
	if (sorted.length === 0) return Number.NaN;
	const rank = Math.ceil((p / 100) * sorted.length);
	return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN;
}
const sortNum = (xs: number[]) => [...xs].sort((a, b) => a - b);
const ms = (n: number) => (Number.isFinite(n) ? `${Math.round(n)} ms` : 'n/a');
const mib = (kb: number | undefined) => (kb === undefined ? 'n/a' : `${(kb / 1024).toFixed(1)} MiB`);
const usdMicros = (s: string | undefined) => {
	const m = /^\$(\d+)(?:\.(\d{1,6}))?/.exec(s ?? '');
	return m ? Number(m[1]) * 1_000_000 + Number((m[2] ?? '').padEnd(6, '0')) : Number.NaN;
};
const fmtUsd = (micros: number) => `$${(micros / 1_000_000).toFixed(2)}`;
const logTime = (l: LogLine) => (typeof l.time === 'string' ? Date.parse(l.time) : Number(l.time ?? Number.NaN));
const isEnd = (l: LogLine) => l.msg === 'image delivered' || l.msg === 'job failed; refunded' || l.msg.startsWith('image could not be delivered');

/** utime + stime of a process, in seconds (from /proc/<pid>/stat, assuming USER_HZ = 100). */
function readCpuSeconds(pid: number | undefined): number | undefined {
	if (pid === undefined) return undefined;
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		return (Number(fields[11]) + Number(fields[12])) / 100;
	} catch {
		return undefined;
	}
}

interface Mem {
	rssKb: number;
	hwmKb: number;
}
function readMem(pid: number | undefined): Mem | undefined {
	if (pid === undefined) return undefined;
	try {
		const status = readFileSync(`/proc/${pid}/status`, 'utf8');
		const rss = /^VmRSS:\s+(\d+) kB/m.exec(status);
		const hwm = /^VmHWM:\s+(\d+) kB/m.exec(status);
		return rss && hwm ? { rssKb: Number(rss[1]), hwmKb: Number(hwm[1]) } : undefined;
	} catch {
		return undefined; // process gone (or no /proc)
	}
}

/** Samples the bot's VmRSS every 100 ms; `peak` is the highest sample, `hwm` the kernel's high-water mark. */
class MemSampler {
	samples = 0;
	peakRssKb = 0;
	lastHwmKb = 0;
	private timer: NodeJS.Timeout | undefined;
	constructor(private readonly pid: number | undefined) {}
	start(): void {
		const sample = () => {
			const m = readMem(this.pid);
			if (!m) return;
			this.samples += 1;
			this.peakRssKb = Math.max(this.peakRssKb, m.rssKb);
			this.lastHwmKb = m.hwmKb;
		};
		sample();
		this.timer = setInterval(sample, 100);
	}
	stop(): void {
		if (this.timer) clearInterval(this.timer);
	}
}

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

// ---------------------------------------------------------------------------------------------------------
// The bench

async function bench(world: World): Promise<void> {
	const image = makePng(IMAGE_PX, IMAGE_PX, 7);
	world.hiapi.setDefault({ durationMs: TASK_MS, image: { bytes: image } });
	console.log(`imagine-bot bench: real bot (dist/src/main.js) vs emulators on 127.0.0.1 · node ${process.version} · ${cpus().length} CPUs`);
	console.log(
		`  hiapi task ${TASK_MS} ms, image ${IMAGE_PX}×${IMAGE_PX} PNG (${(image.length / 1024).toFixed(0)} KiB) · bot env: ` +
			Object.entries(BOT_ENV)
				.filter(([k]) => k !== 'LOG_LEVEL')
				.map(([k, v]) => `${k}=${v}`)
				.join(' '),
	);

	const bot = await world.start();
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
		(r) => r.method === 'PATCH' && r.files.length === 0 && !String((r.json as { content?: string }).content).startsWith('⚠️'),
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
			'burst: time to ack p50 · p95 · p99 · max',
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
	const width = Math.max(...rows.map(([k]) => k.length));
	console.log('');
	console.log(`  ${'metric'.padEnd(width)}  value`);
	console.log(`  ${'-'.repeat(width)}  ${'-'.repeat(40)}`);
	for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
	if (logs.errors.length) console.log(`  error lines: ${countBy(logs.errors, (l) => l.msg).slice(0, 300)}`);
	if (logs.warns.length) console.log(`  warning lines: ${countBy(logs.warns, (l) => l.msg).slice(0, 300)}`);
	if (failedDiscord.length)
		console.log(`  failed Discord calls: ${countBy(failedDiscord, (r) => `${r.method} ${r.path.includes('/callback') ? 'callback' : 'edit'} → ${r.status}`)}`);

	console.log('');
	console.log('  invariants');
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
		console.log(
			`  jobs that never ended: ${deferred
				.filter((s) => !logs.ends.has(s.id))
				.slice(0, 5)
				.map((s) => s.id)
				.join(', ')}`,
		);
	if (!botAlive) console.log(`  bot exit: ${JSON.stringify(await bot.exited)}; stderr tail: ${bot.stderr.slice(-800)}`);
	console.log(`  total bench time ${((Date.now() - T_START) / 1000).toFixed(0)} s`);
}

// ---------------------------------------------------------------------------------------------------------
// /budget report and /budget export, in this process (pure modules: no bot, no emulators)

async function benchReport(): Promise<void> {
	const { renderReport } = await import('../src/report-chart.js');
	const { writeExport } = await import('../src/export-csv.js');
	const { mkdtemp, rm } = await import('node:fs/promises');
	const { tmpdir } = await import('node:os');
	const path = await import('node:path');
	const RENDERS = envInt('BENCH_REPORT_RENDERS', 20);
	const EXPORT_ROWS = envInt('BENCH_EXPORT_ROWS', 100_000);
	const EXPORT_MAX_BYTES = 10 * 1024 * 1024; // Discord's upload limit without boosts
	const heapMib = () => process.memoryUsage().heapUsed / 2 ** 20;
	const rssMib = () => process.memoryUsage().rss / 2 ** 20;
	console.log('');
	console.log(`  report & export (in the bench process): ${RENDERS} renders of a 30-day month with a cap and 10 spenders; ${EXPORT_ROWS} charge rows`);

	const days = Array.from({ length: 30 }, (_, i) => ({ date: `2026-11-${String(i + 1).padStart(2, '0')}`, spentMicros: ((i * 7) % 11) * 450_000 }));
	const data = {
		title: 'Image spend · Bench Server',
		periodLabel: 'November 2026 (UTC)',
		days,
		capMicros: 150_000_000,
		top: Array.from({ length: 10 }, (_, i) => ({ label: `a rather long display name ${i}`, spentMicros: 9_000_000 - i * 700_000, images: 180 - i * 14 })),
		totalMicros: days.reduce((a, d) => a + d.spentMicros, 0),
	};
	const t0 = performance.now();
	const png = await renderReport(data); // first render: registers Chart.js parts and loads fonts
	const firstMs = performance.now() - t0;
	const rss0 = rssMib();
	const heap0 = heapMib();
	const renderMs: number[] = [];
	for (let i = 0; i < RENDERS; i++) {
		const t = performance.now();
		await renderReport(data);
		renderMs.push(performance.now() - t);
	}
	const renders = sortNum(renderMs);

	const dir = await mkdtemp(path.join(tmpdir(), 'bench-export-'));
	const prompt = 'a lighthouse on a cliff at dawn, oil painting, dramatic light, seagulls, waves crashing on the rocks below, ';
	let peakHeap = heapMib();
	const heapBeforeExport = peakHeap;
	async function* charges() {
		for (let i = 0; i < EXPORT_ROWS; i++) {
			if (i % 1000 === 0) peakHeap = Math.max(peakHeap, heapMib());
			const row = { at: Date.UTC(2026, 10, 1) + i * 20_000, userId: `${100_000 + (i % 400)}`, userName: `user ${i % 400}`, amountMicros: 50_000 };
			yield await Promise.resolve({ ...row, state: 'committed' as const, taskId: `task-${i}`, aspectRatio: '16:9', prompt: `${i}: ${prompt.repeat(2)}` });
		}
	}
	async function* audit() {
		for (let i = 0; i < 200; i++)
			yield await Promise.resolve({ at: Date.UTC(2026, 10, 1) + i, moderatorId: '1', targetId: '2', action: 'set-limit', old: '$5.00', new: '$10.00' });
	}
	const te = performance.now();
	const result = await writeExport({ charges: charges(), audit: audit(), dir, baseName: 'bench', maxBytes: EXPORT_MAX_BYTES });
	const exportMs = performance.now() - te;
	peakHeap = Math.max(peakHeap, heapMib());
	await rm(dir, { recursive: true, force: true });
	const exported = result.ok
		? `${result.files.map((f) => `${f.name} ${(f.bytes / 2 ** 20).toFixed(1)} MiB`).join(' + ')}${result.gzipped ? ' (gzipped: plain files were over 10 MiB)' : ''}`
		: `too large even gzipped (${(result.bytes / 2 ** 20).toFixed(1)} MiB)`;
	const rows: Array<[string, string]> = [
		['report PNG size · first render', `${(png.length / 1024).toFixed(0)} KiB · ${ms(firstMs)}`],
		[`report render p50 · max (n=${renders.length})`, `${ms(percentile(renders, 50))} · ${ms(renders.at(-1) ?? Number.NaN)}`],
		[`RSS · heap delta over ${renders.length} renders`, `${(rssMib() - rss0).toFixed(1)} MiB · ${(heapMib() - heap0).toFixed(1)} MiB (no forced GC)`],
		[`export of ${EXPORT_ROWS} charges: time`, ms(exportMs)],
		['export: files', exported],
		['export: peak heap growth (sampled per 1000 rows)', `${(peakHeap - heapBeforeExport).toFixed(1)} MiB`],
	];
	const width = Math.max(...rows.map(([k]) => k.length));
	for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
}

const T_START = Date.now();
let activeWorld: World | undefined;
const watchdog = setTimeout(() => {
	console.error(`\nBENCH FAILED: no result after ${OVERALL_TIMEOUT_MS / 1000} s`);
	for (const b of activeWorld?.bots ?? []) b.child.kill('SIGKILL');
	process.exit(1);
}, OVERALL_TIMEOUT_MS);
watchdog.unref();

try {
	activeWorld = await createWorld(BOT_ENV);
	try {
		await bench(activeWorld);
	} finally {
		await activeWorld.close();
	}
	await benchReport();
	await ledgerBench();
} catch (error) {
	console.error(`\nBENCH FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
	process.exit(1);
}
if (failures.length) {
	console.error(`\nBENCH: ${failures.length} invariant(s) broken`);
	process.exit(1);
}
process.exit(0);
