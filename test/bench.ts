// `npm run bench`: figures for the real, built bot (dist/src/main.js) against the Discord and hiapi emulators.
// It prints timings and memory but never asserts on them; it exits non-zero only when an invariant breaks
// (an interaction left unacknowledged, a user over budget, a job lost or ended twice, the bot crashing).
//
// Set BENCH_BEFORE=<another build's dist/src/main.js> (e.g. a worktree of the previous release, built) to print
// its figures side by side with this build's. Phases: polling (simulated) → memory at 1/1,000/5,000 servers →
// callbacks → sequential images and a burst of /imagine → a batch of 4 vs 4 single images → /budget report and
// export → the ledger at scale. BENCH_PHASES=polling,memory,callbacks,burst,batch,locales,report,ledger picks some.
// The emulators run in this process, so acknowledgement times include this process's own scheduling.
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { MAIN, NODE_FLAGS } from './e2e/harness.js';
import { batchFigures, batchRows } from './bench/batch.js';
import { burstPhase, burstSetup, type BurstResult } from './bench/burst.js';
import type { Build } from './bench/util.js';
import { callbackFigures } from './bench/callbacks.js';
import { FLOOD, floodFigures, floodTable, type FloodFigures } from './bench/callback-flood.js';
import { ledgerBench } from './bench/ledger.js';
import { localeFigures } from './bench/locales.js';
import { memoryFigure, SERVER_COUNTS, type MemoryFigure } from './bench/memory.js';
import { pollingFigures, pollingTable } from './bench/polling.js';
import { benchReport } from './bench/report.js';
import { mib, ms, table } from './bench/util.js';

const OVERALL_TIMEOUT_MS = 12 * 60_000;
const BEFORE = process.env.BENCH_BEFORE ? resolve(process.env.BENCH_BEFORE) : undefined;
const PHASES = new Set((process.env.BENCH_PHASES ?? 'polling,memory,callbacks,burst,batch,locales,report,ledger').split(',').map((p) => p.trim()));
const T_START = Date.now();
const failures: string[] = [];

// The before build runs as it was launched then (plain `node main.js`); this one as `npm start` and Docker run it.
const builds: Build[] = [...(BEFORE ? [{ label: 'before', script: BEFORE, nodeFlags: [] }] : []), { label: 'after', script: MAIN, nodeFlags: NODE_FLAGS }];
const progress = (text: string) => process.stdout.isTTY && process.stdout.write(`  ${text}…\r`);

async function bench(): Promise<void> {
	console.log(`imagine-bot bench: real bot vs emulators on 127.0.0.1 · node ${process.version} · ${cpus().length} CPUs`);
	console.log(
		BEFORE ? `  before: ${BEFORE}\n  after:  ${MAIN}` : `  ${MAIN} (set BENCH_BEFORE=<another build's dist/src/main.js> for a before/after comparison)`,
	);

	if (PHASES.has('polling')) {
		table(
			'1. Polling: success → detecting poll, on an injected clock (tasks one after another, each duration learned from what its\n' +
				'   wait saw, the plan rebuilt at most once a minute; tasks 21–100 = the first hour after learning starts, pooled over 10 runs;\n' +
				'   steady state = the plan after 300 tasks, judged on 5,000 fresh ones; fixed = one poll right after submit, then every 5 s)',
			['task durations', 'schedule', 'mean delay', 'p95 delay', 'polls/task'],
			pollingTable(pollingFigures(5000)),
		);
	}

	if (PHASES.has('memory')) {
		const rows: string[][] = [];
		const one = new Map<string, number>();
		for (const servers of SERVER_COUNTS) {
			const cells = [servers.toLocaleString('en')];
			for (const b of builds) {
				progress(`memory: ${b.label}, ${servers} servers`);
				const f: MemoryFigure = await memoryFigure(b, servers);
				if (servers === 1 && f.rssKb) one.set(b.label, f.rssKb);
				const base = one.get(b.label);
				const ratio = f.rssKb && base && servers > 1 ? ` (${(f.rssKb / base).toFixed(2)}× of 1)` : '';
				cells.push(f.failed ?? `${mib(f.rssKb)}${ratio} · ${f.shards} shard${f.shards === 1 ? '' : 's'} · login ${ms(f.loginMs ?? Number.NaN)}`);
			}
			rows.push(cells);
		}
		table(
			'2. Memory: bot RSS 4 s after connecting, realistic servers (40 channels, 30 roles, 20 emojis, 1,200 members each)',
			['servers', ...builds.map((b) => b.label)],
			rows,
		);
	}

	if (PHASES.has('callbacks')) {
		progress('callbacks');
		const c = await callbackFigures(builds.at(-1) as Build);
		table(
			'3. hiapi callbacks (this build; 20 images, tasks 1.5 s): callback arrival → image edit at Discord',
			['figure', 'value'],
			[
				['callback → edit p50 · p95 · max', `${ms(c.p50)} · ${ms(c.p95)} · ${ms(c.max)} (n=${c.delaysMs.length})`],
				['polls of those tasks (one each: the callback wakes, hiapi decides)', String(c.polls)],
				['wrong signature · stale timestamp (6 min)', `HTTP ${c.forged} · HTTP ${c.stale}`],
			],
		);
		if (c.delaysMs.length !== 20 || c.forged !== 401 || c.stale !== 401)
			failures.push('callbacks: an image was not delivered by callback, or a forgery was accepted');
		const floods: Array<{ label: string; f: FloodFigures }> = [];
		for (const b of builds) {
			progress(`callbacks: ${b.label}, ${FLOOD} unsigned trickling connections`);
			floods.push({ label: b.label, f: await floodFigures(b) });
		}
		table(
			`   ${FLOOD} unsigned connections, each sending a callback's headers and trickling a 64 KiB body (8 KiB every 250 ms), held 6 s`,
			['figure', ...floods.map((x) => x.label)],
			floodTable(floods.map((x) => x.f)),
		);
		const after = floods.at(-1)?.f;
		if (after && (after.open > 0 || after.genuine !== 204)) failures.push('callbacks: unsigned connections were held open, or a genuine callback was refused');
	}

	if (PHASES.has('burst')) {
		console.log(`\n4. Sequential images and a burst of /imagine (${burstSetup()})`);
		const results: Array<{ label: string; r: BurstResult }> = [];
		for (const b of builds) {
			progress(`${b.label}: sequential + burst`);
			results.push({ label: b.label, r: await burstPhase(b) });
		}
		const metrics = results[0]?.r.rows.map(([k]) => k) ?? [];
		table(
			'',
			['metric', ...results.map((x) => x.label)],
			metrics.map((k, i) => [k, ...results.map((x) => x.r.rows[i]?.[1] ?? '')]),
		);
		for (const { label, r } of results) {
			for (const note of r.notes) console.log(`  ${label}: ${note}`);
			console.log(`\n  invariants (${label})`);
			for (const inv of r.invariants) console.log(`  ${inv.ok ? 'ok  ' : 'FAIL'}  ${inv.text}`);
			// Only this build's invariants decide the exit code; the before build is there for its figures.
			if (label === 'after') failures.push(...r.failures);
		}
	}
	if (PHASES.has('batch')) {
		// The comparison is within one build (a batch vs four singles); builds from before batches have no count option.
		const b = builds.at(-1) as Build;
		progress(`${b.label}: batch of 4 vs 4 singles`);
		const f = await batchFigures(b);
		table(
			`4b. Four images (${b.label}; tasks ${process.env.BENCH_TASK_MS ?? 2000} ms, 1024 px): interaction sent → every image at Discord`,
			['how', 'p50', 'max', 'rounds'],
			batchRows(f),
		);
		failures.push(...f.failures);
		for (const failure of f.failures) console.log(`  ${b.label}: ${failure}`);
	}
	if (PHASES.has('locales')) {
		console.log('\n4c. Localization at start-up and first use (this build)');
		localeFigures();
	}
	if (PHASES.has('report')) {
		console.log('\n5. /budget report and /budget export');
		await benchReport();
	}
	if (PHASES.has('ledger')) {
		console.log('\n6. The ledger at scale');
		await ledgerBench();
	}
	console.log(`\n  total bench time ${((Date.now() - T_START) / 1000).toFixed(0)} s`);
}

const watchdog = setTimeout(() => {
	console.error(`\nBENCH FAILED: no result after ${OVERALL_TIMEOUT_MS / 1000} s`);
	process.exit(1);
}, OVERALL_TIMEOUT_MS);
watchdog.unref();

try {
	if (BEFORE && !existsSync(BEFORE)) throw new Error(`BENCH_BEFORE: ${BEFORE} does not exist (build that tree first)`);
	await bench();
} catch (error) {
	console.error(`\nBENCH FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
	process.exit(1);
}
if (failures.length) {
	console.error(`\nBENCH: ${failures.length} invariant(s) broken`);
	process.exit(1);
}
process.exit(0);
