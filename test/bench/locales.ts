// What localization costs at start-up and on first use, in a fresh process on the built bot (dist/): loading the
// catalogues of all 9 locales (time, heap), then building every message's formatter in every locale once.
// Phase 'locales' of npm run bench (figures only, no assertions).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const DIST = join(import.meta.dirname, '../../dist/src/messages');

const probe = `
const heap = () => { globalThis.gc(); globalThis.gc(); return process.memoryUsage().heapUsed; };
const base = heap();
let t = performance.now();
const i18n = await import(${JSON.stringify(join(DIST, 'i18n.js'))});
const { SOURCE } = await import(${JSON.stringify(join(DIST, 'locales/index.js'))});
const loadMs = performance.now() - t;
const loaded = heap();
const keys = Object.keys(SOURCE);
// Every placeholder gets 2 (a count for plurals, a word for the rest).
const values = Object.fromEntries(Object.values(SOURCE).flatMap((m) => [...m.matchAll(/\\{(\\w+)/g)].map((x) => [x[1], 2])));
t = performance.now();
for (const locale of i18n.LOCALES) for (const key of keys) i18n.translator(locale).t(key, values);
const firstMs = performance.now() - t;
const built = heap();
t = performance.now();
for (let i = 0; i < 10; i++) for (const locale of i18n.LOCALES) for (const key of keys) i18n.translator(locale).t(key, values);
const warmUs = ((performance.now() - t) * 1000) / (10 * i18n.LOCALES.length * keys.length);
console.log(JSON.stringify({ locales: i18n.LOCALES.length, keys: keys.length, loadMs, loadKiB: (loaded - base) / 1024, firstMs, formattersKiB: (built - loaded) / 1024, warmUs }));
`;

export function localeFigures(): void {
	const runs = Array.from(
		{ length: 5 },
		() => JSON.parse(execFileSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', probe], { encoding: 'utf8' })) as Record<string, number>,
	);
	const median = (k: string) => runs.map((r) => r[k] ?? 0).sort((a, b) => a - b)[2] ?? 0;
	console.log(`localization: ${median('locales')} locales × ${median('keys')} keys (median of 5 fresh processes)`);
	console.log(`  load catalogues + intl-messageformat: ${median('loadMs').toFixed(1)} ms, heap +${median('loadKiB').toFixed(0)} KiB`);
	console.log(`  every formatter built once (first use): ${median('firstMs').toFixed(1)} ms, heap +${median('formattersKiB').toFixed(0)} KiB`);
	console.log(`  a message formatted after that: ${median('warmUs').toFixed(2)} µs`);
}
