// Ledger cost against the number of members who spent this period: the landed v1 ledger (every reservation
// rewrote the period's list of all members) and today's, side by side, on real SQLite files.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { TestLedger as Ledger } from '../support/test-ledger.js';
import { periodAt } from '../../src/util/period.js';
import { LocalVault } from '../../src/vault/local.js';
import { Store } from '../../src/storage/store.js';
import { Ledger as LedgerV1 } from './ledger-v1.js';

const logger = pino({ level: 'silent' });
const G = '100000000000000001';
const P = 50_000;
const NOW = Date.UTC(2026, 10, 25, 12);

interface Figures {
	reserveMs: number;
	commitMs: number;
	perSecond: number;
}

type AnyLedger = Pick<Ledger, 'reserve' | 'commit'>;

/** Seeds `members` who already spent this period (as the ledger itself would have left them), then times fresh reservations. */
async function measure(kind: 'v1' | 'v2', members: number, ops: number): Promise<Figures> {
	const dir = mkdtempSync(join(tmpdir(), 'bench-ledger-'));
	const store = await Store.open(`sqlite://${join(dir, 'l.sqlite')}`, logger);
	try {
		const period = periodAt('monthly', NOW).key;
		const ids = Array.from({ length: members }, (_, i) => `3${String(i).padStart(17, '0')}`);
		await store.write(async (tx) => {
			for (const id of ids) await tx.set(`ledger:acct:${G}:${period}:${id}`, { v: 1, spent: P, reserved: 0, images: 1 });
			const pool = { v: 1, spent: P * members, reserved: 0, images: members, ...(kind === 'v1' ? { users: ids } : {}) };
			await tx.set(`ledger:pool:${G}:${period}`, pool);
			await tx.set(`ledger:pool:*:${period}`, pool);
		});
		const options = { period: 'monthly' as const, defaultLimit: 1_000_000, globalLimit: 1_000_000_000_000, logger, now: () => NOW };
		const ledger: AnyLedger = kind === 'v1' ? (new LedgerV1(store, options) as unknown as AnyLedger) : new Ledger(store, new LocalVault(store), options);
		const reserve: number[] = [];
		const commit: number[] = [];
		const t0 = performance.now();
		for (let i = 0; i < ops; i++) {
			const userId = `4${String(i).padStart(17, '0')}`;
			let t = performance.now();
			await ledger.reserve(`r${i}`, { guildId: G, userId }, P);
			reserve.push(performance.now() - t);
			t = performance.now();
			await ledger.commit(`r${i}`);
			commit.push(performance.now() - t);
		}
		const total = performance.now() - t0;
		// Medians: one fsync stall on a shared machine should not decide the figure.
		const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
		return { reserveMs: median(reserve), commitMs: median(commit), perSecond: (ops / total) * 1000 };
	} finally {
		await store.close();
		rmSync(dir, { recursive: true, force: true });
	}
}

export async function ledgerBench(): Promise<void> {
	console.log('\n  ledger cost vs members who spent this period (SQLite, reserve + commit per image, sequential)');
	console.log('  members   | before: reserve  commit   images/s | after: reserve  commit   images/s | after vs 1 member');
	let base: number | undefined;
	await measure('v2', 1, 200); // warm-up, so the first row is not paying for JIT compilation
	for (const members of [1, 10_000, 100_000]) {
		const before = await measure('v1', members, members >= 100_000 ? 20 : 200);
		const after = await measure('v2', members, 1000);
		base ??= after.reserveMs + after.commitMs;
		const f = (n: number) => `${n.toFixed(2).padStart(7)} ms`;
		console.log(
			`  ${String(members).padStart(9)} | ${f(before.reserveMs)} ${f(before.commitMs)} ${before.perSecond.toFixed(0).padStart(8)} | ${f(after.reserveMs)} ${f(after.commitMs)} ${after.perSecond.toFixed(0).padStart(8)} | ${((after.reserveMs + after.commitMs) / base).toFixed(2)}×`,
		);
	}
}

// `node --import tsx test/bench/ledger.ts` runs this section alone.
if (import.meta.url === `file://${process.argv[1]}`) await ledgerBench();
