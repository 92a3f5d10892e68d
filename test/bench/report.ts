// /budget report and /budget export, in the bench process (pure modules: no bot, no emulators).
import { envInt, ms, percentile, sortNum } from './util.js';

export async function benchReport(): Promise<void> {
	const { renderReport } = await import('../../src/reports/chart.js');
	const { writeExport } = await import('../../src/reports/csv.js');
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
