// Copies a store kept in the embedded layout (SQLite, or Keyv on Redis before the fleet vault existed) into a
// Redis store: settings, overrides, audit, blocklist and the like stay Keyv records; accounts, pools,
// reservations, day totals, cap notes and jobs go into the Redis vault's plain keys. Money is copied as it
// stands, never recomputed.
import { z } from 'zod';
import { jobKeys, jobSchema } from '../records/job.js';
import { capNotesSchema, counterSchema, dayTotalSchema, reservationSchema } from '../records/budget.js';
import { type Store } from '../storage/store.js';
import { CORRUPT } from '../records/read.js';
import type { RedisVault } from '../vault/redis.js';

export interface CopyCounts {
	records: number;
	accounts: number;
	pools: number;
	reservations: number;
	days: number;
	capNotes: number;
	openJobs: number;
	finishedJobs: number;
	unreadable: number;
}

/** Keys that hold money or jobs in the embedded layout; everything else is copied as a Keyv record. */
const VAULT_PREFIXES = ['ledger:acct:', 'ledger:pool:', 'ledger:res:', 'ledger:rx:', 'ledger:day:', 'ledger:note:', 'jobs:'];
export const isVaultKey = (key: string) => VAULT_PREFIXES.some((p) => key.startsWith(p));

/** Copies the vault's records of `source` (embedded layout) into `vault`. */
export async function copyVaultRecords(source: Store, vault: RedisVault): Promise<Omit<CopyCounts, 'records'>> {
	const counts = { accounts: 0, pools: 0, reservations: 0, days: 0, capNotes: 0, openJobs: 0, finishedJobs: 0, unreadable: 0 };
	for await (const { key, value } of source.scan('ledger:acct:', counterSchema)) {
		const [scope, period, userId] = key.slice('ledger:acct:'.length).split(':');
		if (!value || value === CORRUPT || !scope || !period || !userId) {
			counts.unreadable += 1;
			continue;
		}
		await vault.importCounter(scope, period, userId, value);
		counts.accounts += 1;
	}
	for await (const { key, value } of source.scan('ledger:pool:', counterSchema)) {
		const [scope, period] = key.slice('ledger:pool:'.length).split(':');
		if (!value || value === CORRUPT || !scope || !period) {
			counts.unreadable += 1;
			continue;
		}
		await vault.importCounter(scope, period, undefined, value);
		counts.pools += 1;
	}
	for await (const { value } of source.scan('ledger:res:', reservationSchema)) {
		if (!value || value === CORRUPT) {
			counts.unreadable += 1;
			continue;
		}
		await vault.importReservation(value);
		counts.reservations += 1;
	}
	for await (const { key, value } of source.scan('ledger:day:', dayTotalSchema)) {
		const rest = key.slice('ledger:day:'.length);
		const date = rest.slice(-10);
		if (!value || value === CORRUPT) continue;
		await vault.importDay(rest.slice(0, -11), date, value);
		counts.days += 1;
	}
	for await (const { key, value } of source.scan('ledger:note:', capNotesSchema)) {
		const [scope, period] = key.slice('ledger:note:'.length).split(':');
		if (!value || value === CORRUPT || !scope || !period) continue;
		await vault.importCapNotes(scope, period, value.sent);
		counts.capNotes += 1;
	}
	const open = new Set<string>();
	for await (const { key } of source.scan(jobKeys.openPrefix, z.unknown())) open.add(key.slice(jobKeys.openPrefix.length));
	const isJobRecord = (key: string) => !key.startsWith(jobKeys.openPrefix) && !key.startsWith(jobKeys.donePrefix);
	for await (const { value } of source.scan('jobs:', jobSchema, { keys: isJobRecord })) {
		if (!value || value === CORRUPT) {
			counts.unreadable += 1;
			continue;
		}
		const isOpen = open.has(value.id) && value.state !== 'delivered' && value.state !== 'refunded';
		await vault.importJob(value, isOpen);
		if (isOpen) counts.openJobs += 1;
		else counts.finishedJobs += 1;
	}
	return counts;
}

/** Copies every record of `source` into `target` (a Redis store): Keyv records as they are, the rest into `vault`. */
export async function copyStore(source: Store, target: Store, vault: RedisVault): Promise<CopyCounts> {
	let records = 0;
	for await (const { key, value } of source.scan('', z.unknown(), { keys: (k) => !isVaultKey(k) })) {
		if (value === undefined || value === CORRUPT) continue;
		await target.write((tx) => tx.set(key, value));
		records += 1;
	}
	return { records, ...(await copyVaultRecords(source, vault)) };
}
