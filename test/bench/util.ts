// Small helpers for `npm run bench`: percentiles, process memory and CPU from /proc, formatting.
import { readFileSync } from 'node:fs';

/** A build of the bot to measure, and how it is launched. */
export interface Build {
	label: string;
	script: string;
	nodeFlags: readonly string[];
}

export const envInt = (name: string, fallback: number): number => {
	const v = Number(process.env[name]);
	return Number.isFinite(v) && v > 0 ? Math.floor(v) : fallback;
};

export function percentile(sorted: number[], p: number): number {
	if (sorted.length === 0) return Number.NaN;
	const rank = Math.ceil((p / 100) * sorted.length);
	return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN;
}
export const sortNum = (xs: number[]) => [...xs].sort((a, b) => a - b);
export const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);
export const ms = (n: number) => (Number.isFinite(n) ? `${Math.round(n)} ms` : 'n/a');
export const mib = (kb: number | undefined) => (kb === undefined ? 'n/a' : `${(kb / 1024).toFixed(1)} MiB`);

/** utime + stime of a process, in seconds (from /proc/<pid>/stat, assuming USER_HZ = 100). */
export function readCpuSeconds(pid: number | undefined): number | undefined {
	if (pid === undefined) return undefined;
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		return (Number(fields[11]) + Number(fields[12])) / 100;
	} catch {
		return undefined;
	}
}

export interface Mem {
	rssKb: number;
	hwmKb: number;
}

export function readMem(pid: number | undefined): Mem | undefined {
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

/** Samples a process's VmRSS every 100 ms; `peak` is the highest sample, `hwm` the kernel's high-water mark. */
export class MemSampler {
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

/** Prints rows as an aligned table under a heading. */
export function table(heading: string, header: string[], rows: string[][]): void {
	const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
	const line = (cells: string[]) => `  ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ')}`.trimEnd();
	console.log('');
	console.log(heading);
	console.log(line(header));
	console.log(line(widths.map((w) => '-'.repeat(w))));
	for (const r of rows) console.log(line(r));
}

/** A deterministic random source for reproducible figures. */
export function seeded(seed: number): () => number {
	let s = seed >>> 0 || 1;
	return () => {
		s ^= s << 13;
		s ^= s >>> 17;
		s ^= s << 5;
		return (s >>> 0) / 2 ** 32;
	};
}
