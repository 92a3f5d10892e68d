// migrations/: store upgrades at start-up, and copying a SQLite store into Redis (npm run migrate-store).
// Upgrades a store written by an earlier version, once, at start-up, before anything else touches it.
// Each step runs inside one write block (one SQLite transaction): a crash mid-way leaves the old layout
// intact and the next start runs the step again. Money records are only ever copied, never recomputed.
// On Redis, where several processes may start at once, the whole upgrade runs under a lock: the others
// wait for it, then find the schema current.
import { z } from 'zod';
import { auditEntrySchema, auditKey } from '../records/audit.js';
import { jobKeys, jobSchema } from '../records/job.js';
import { counterSchema, keys as ledgerKeys, reservationSchema, utcDay, type Reservation } from '../records/budget.js';
import type { Logger } from '../log.js';
import { type Store, type Tx } from '../storage/store.js';
import { CORRUPT } from '../records/read.js';
import { copyVaultRecords, isVaultKey } from './store-copy.js';
import { RedisVault } from '../vault/redis.js';
import { DEFAULT_PREFIX, vaultKey } from '../vault/redis-keys.js';
import { withRedisLock } from '../storage/redis-lock.js';
import { backfillHistory } from './history-backfill.js';

const META_KEY = 'meta:schema';
const metaSchema = z.object({ v: z.literal(1), version: z.number().int().nonnegative() });

interface Step {
	version: number;
	what: string;
	run(store: Store, tx: Tx, log: Logger): Promise<Record<string, number>>;
}

/** v1 kept lists that every change rewrote; v2 keeps one record per entry. */
const toV2: Step = {
	version: 2,
	what: 'audit history and open jobs as one record each; finished jobs filed for retention',
	async run(store, tx) {
		let audit = 0;
		const oldAudit = z.object({ v: z.literal(1), entries: z.array(auditEntrySchema) });
		for await (const { key, value } of store.scan('ledger:audit:', oldAudit)) {
			if (value && value !== CORRUPT) {
				for (const entry of value.entries) {
					await tx.set(auditKey(entry.guildId, entry.at), entry);
					audit += 1;
				}
			}
			await tx.delete(key);
		}
		let open = 0;
		const oldOpen = await tx.get('jobs:open', z.object({ v: z.literal(1), ids: z.array(z.string()) }));
		if (oldOpen && oldOpen !== CORRUPT) {
			for (const id of oldOpen.ids) {
				await tx.set(jobKeys.open(id), { v: 1 });
				open += 1;
			}
		}
		await tx.delete('jobs:open');
		let finished = 0;
		const isJobRecord = (key: string) => !key.startsWith(jobKeys.openPrefix) && !key.startsWith(jobKeys.donePrefix);
		for await (const { value } of store.scan('jobs:', jobSchema, { keys: isJobRecord })) {
			if (!value || value === CORRUPT) continue;
			if (value.state === 'delivered' || value.state === 'refunded') {
				await tx.set(jobKeys.done(value.finishedAt ?? value.updatedAt, value.id), { v: 1 });
				finished += 1;
			}
		}
		return { auditEntries: audit, openJobs: open, finishedJobs: finished };
	},
};

/** v3: pools stop listing members; each charge is indexed by period and carries what was asked; days add up. */
const toV3: Step = {
	version: 3,
	what: 'ledger pools without member lists, charges indexed by period, spend per day',
	async run(store, tx) {
		let pools = 0;
		for await (const { key, value } of store.scan('ledger:pool:', counterSchema)) {
			if (!value || value === CORRUPT) continue;
			await tx.set(key, value); // the schema drops v1's `users` list
			pools += 1;
		}
		let charges = 0;
		const days = new Map<string, { spent: number; images: number }>();
		for await (const { value } of store.scan('ledger:res:', reservationSchema)) {
			if (!value || value === CORRUPT) continue;
			const job = await tx.get(jobKeys.job(value.id), jobSchema);
			const known = job && job !== CORRUPT ? job : undefined;
			const enriched: Reservation = {
				...value,
				...(value.prompt === undefined && known ? { prompt: known.prompt, aspectRatio: known.aspectRatio } : {}),
				...(value.userName === undefined && known?.userName ? { userName: known.userName } : {}),
				...(value.taskId === undefined && known?.taskId ? { taskId: known.taskId } : {}),
			};
			await tx.set(ledgerKeys.reservation(value.id), enriched);
			await tx.set(ledgerKeys.reservationIndex(value.scope, value.periodKey, value.createdAt, value.id), { v: 1 });
			if (value.state === 'committed') {
				const dayKey = ledgerKeys.day(value.scope, utcDay(value.endedAt ?? value.createdAt));
				const day = days.get(dayKey) ?? { spent: 0, images: 0 };
				days.set(dayKey, { spent: day.spent + value.amount, images: day.images + 1 });
			}
			charges += 1;
		}
		for (const [key, day] of days) await tx.set(key, { v: 1, ...day });
		return { pools, charges, days: days.size };
	},
};

/** v4: on Redis, money and jobs move from Keyv records into the fleet vault's plain keys (Lua-updated). */
const toV4: Step = {
	version: 4,
	what: 'on Redis: accounts, pools, reservations and jobs moved into the fleet vault',
	async run(store, tx) {
		if (!store.redis) return {};
		const copied = await copyVaultRecords(store, new RedisVault(store.redis));
		let removed = 0;
		for await (const { key } of store.scan('', z.unknown(), { keys: isVaultKey })) {
			await tx.delete(key);
			removed += 1;
		}
		return { ...copied, removedKeyvRecords: removed };
	},
};

/** v5: each member's delivered images indexed for /history. */
const toV5: Step = {
	version: 5,
	what: "each member's delivered images filed in their /history",
	run: backfillHistory,
};

export const STEPS: readonly Step[] = [toV2, toV3, toV4, toV5];
export const SCHEMA_VERSION = STEPS.reduce((max, s) => Math.max(max, s.version), 1);

/** The lock two processes starting on one Redis take before migrating (next to the fleet vault's keys). */
export const MIGRATION_LOCK_KEY = vaultKey(DEFAULT_PREFIX, 'lock', 'migrate');

export interface MigrateOptions {
	/** Redis: how long to wait for another process's migration (default 10 minutes). */
	lockWaitMs?: number;
	/** Redis: how long the lock outlives a process that dies holding it (default 60 s, kept alive while held). */
	lockTtlMs?: number;
}

/** Brings the store to SCHEMA_VERSION. Refuses a store written by a newer version, which this one cannot read safely. */
export async function migrate(store: Store, log: Logger, options: MigrateOptions = {}): Promise<void> {
	if (!store.redis) return runSteps(store, log);
	await withRedisLock(
		store.redis,
		MIGRATION_LOCK_KEY,
		{
			ttlMs: options.lockTtlMs ?? 60_000,
			waitMs: options.lockWaitMs ?? 600_000,
			purpose: 'a store migration',
			onWait: () => log.info({ lock: MIGRATION_LOCK_KEY }, 'another process is migrating the store; waiting for it'),
		},
		() => runSteps(store, log),
	);
}

async function runSteps(store: Store, log: Logger): Promise<void> {
	const meta = await store.get(META_KEY, metaSchema);
	if (meta === CORRUPT) throw new Error(`the store's schema marker (${META_KEY}) is unreadable; restore a backup`);
	const current = meta?.version ?? 1;
	if (current > SCHEMA_VERSION) {
		throw new Error(`the store was written by a newer imagine-bot (schema ${current}; this version knows ${SCHEMA_VERSION}); upgrade the bot`);
	}
	for (const step of STEPS) {
		if (step.version <= current) continue;
		const t0 = Date.now();
		const counts = await store.write(async (tx) => {
			const result = await step.run(store, tx, log);
			await tx.set(META_KEY, { v: 1, version: step.version });
			return result;
		});
		// A new store (or a step with nothing to move here) is worth a debug line, not an announcement.
		const moved = Object.values(counts).some((n) => n > 0);
		(moved ? log.info.bind(log) : log.debug.bind(log))(
			{ from: step.version - 1, to: step.version, ...counts, ms: Date.now() - t0 },
			`store migrated: ${step.what}`,
		);
	}
}
