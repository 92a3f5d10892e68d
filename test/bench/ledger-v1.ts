// FROZEN COPY of the landed v1 ledger (commit 6c1cea7), kept only so `npm run bench` can show the ledger's
// cost before and after the per-member restructure side by side. Not used by the bot; do not edit.
// Budgets: who may spend how much per period, and every charge from reservation to commit or refund.
// All amounts are integer micro-dollars. Every mutation runs inside one Store.write block, so a
// reservation is checked against and taken from every applicable limit at once.
import { z } from 'zod';
import type { Logger } from '../../src/log.js';
import { formatUsd } from '../../src/util/money.js';
import { periodAt, type BudgetPeriod, type Period } from '../../src/util/period.js';
import { type Store, type Tx } from '../../src/storage/store.js';
import { CORRUPT, type Read } from '../../src/records/read.js';

export interface Who {
	/** null for DMs, which share one scope of their own. */
	guildId: string | null;
	userId: string;
}

export type LimitSource = 'override' | 'guild' | 'default';

export interface Counter {
	spent: number;
	reserved: number;
	images: number;
}

export interface Pool extends Counter {
	limit: number | undefined;
	remaining: number | undefined;
}

export interface Standing extends Counter {
	period: Period;
	limit: number;
	limitSource: LimitSource;
	remaining: number;
	/** The guild cap, when one is set. */
	guild: Pool | undefined;
	/** The operator's ceiling across every guild and DM, when one is set. */
	global: Pool | undefined;
	/** A stored record could not be read: nothing may be reserved until a moderator resets it. */
	corrupt: boolean;
}

export type RefusalReason = 'user' | 'guild' | 'global' | 'corrupt';
export type ReserveResult = { ok: true; reservation: Reservation; standing: Standing } | { ok: false; reason: RefusalReason; standing: Standing };

const nonNegative = z.number().int().nonnegative();
const counterSchema = z.object({ v: z.literal(1), spent: nonNegative, reserved: nonNegative, images: nonNegative });
const poolSchema = counterSchema.extend({ users: z.array(z.string()) });
const reservationSchema = z.object({
	v: z.literal(1),
	id: z.string(),
	scope: z.string(),
	userId: z.string(),
	periodKey: z.string(),
	amount: z.number().int().positive(),
	state: z.enum(['held', 'committed', 'refunded']),
	createdAt: z.number(),
	endedAt: z.number().optional(),
});
const userLimitSchema = z.object({ v: z.literal(1), limit: nonNegative });
const guildSettingsSchema = z.object({ v: z.literal(1), defaultLimit: nonNegative.optional(), cap: nonNegative.optional() });
export const auditEntrySchema = z.object({
	at: z.number(),
	guildId: z.string(),
	moderatorId: z.string(),
	targetId: z.string().nullable(),
	action: z.enum(['set', 'clear', 'reset', 'default', 'cap']),
	old: z.string().nullable(),
	new: z.string().nullable(),
});
const auditSchema = z.object({ v: z.literal(1), entries: z.array(auditEntrySchema) });

export type Reservation = z.infer<typeof reservationSchema>;
export type AuditEntry = z.infer<typeof auditEntrySchema>;
type StoredCounter = z.infer<typeof counterSchema>;
type StoredPool = z.infer<typeof poolSchema>;
type GuildSettings = z.infer<typeof guildSettingsSchema>;

const AUDIT_KEEP = 50;
const GLOBAL_SCOPE = '*';
const emptyCounter = (): StoredCounter => ({ v: 1, spent: 0, reserved: 0, images: 0 });
const emptyPool = (): StoredPool => ({ ...emptyCounter(), users: [] });
const scopeOf = (guildId: string | null) => guildId ?? 'dm';

const keys = {
	account: (scope: string, period: string, userId: string) => `ledger:acct:${scope}:${period}:${userId}`,
	pool: (scope: string, period: string) => `ledger:pool:${scope}:${period}`,
	reservation: (id: string) => `ledger:res:${id}`,
	userLimit: (guildId: string, userId: string) => `ledger:limit:${guildId}:${userId}`,
	guild: (guildId: string) => `ledger:guild:${guildId}`,
	audit: (guildId: string, subject: string) => `ledger:audit:${guildId}:${subject}`,
};

/** The standing after `amount` more is reserved: derived, so a reservation needs no second read. */
function withReserved(s: Standing, amount: number): Standing {
	const pool = (p: Pool | undefined): Pool | undefined =>
		p && { ...p, reserved: p.reserved + amount, remaining: p.remaining === undefined ? undefined : Math.max(0, p.remaining - amount) };
	return { ...s, reserved: s.reserved + amount, remaining: Math.max(0, s.remaining - amount), guild: pool(s.guild), global: pool(s.global) };
}

export interface LedgerOptions {
	period: BudgetPeriod;
	defaultLimit: number;
	globalLimit: number | undefined;
	logger: Logger;
	now?: () => number;
}

export interface TopEntry {
	userId: string;
	spent: number;
	images: number;
}

export class Ledger {
	readonly now: () => number;

	constructor(
		private readonly store: Store,
		private readonly options: LedgerOptions,
	) {
		this.now = options.now ?? Date.now;
	}

	currentPeriod(): Period {
		return periodAt(this.options.period, this.now());
	}

	standing(who: Who): Promise<Standing> {
		// Reads through a write block so a standing is never taken halfway through another operation.
		return this.store.write((tx) => this.standingIn(tx, who, this.currentPeriod()));
	}

	/** Takes `amount` from every applicable limit at once, or from none. Idempotent per id. */
	reserve(id: string, who: Who, amount: number): Promise<ReserveResult> {
		return this.store.write((tx) => this.reserveIn(tx, id, who, amount));
	}

	async reserveIn(tx: Tx, id: string, who: Who, amount: number): Promise<ReserveResult> {
		if (!Number.isSafeInteger(amount) || amount <= 0) throw new RangeError(`reservation amount must be a positive integer, got ${amount}`);
		const period = this.currentPeriod();
		const standing = await this.standingIn(tx, who, period);
		const existing = await tx.get(keys.reservation(id), reservationSchema);
		if (existing === CORRUPT) return { ok: false, reason: 'corrupt', standing };
		if (existing) return { ok: true, reservation: existing, standing };

		if (standing.corrupt) return { ok: false, reason: 'corrupt', standing };
		if (standing.global?.remaining !== undefined && standing.global.remaining < amount) return { ok: false, reason: 'global', standing };
		if (standing.guild?.remaining !== undefined && standing.guild.remaining < amount) return { ok: false, reason: 'guild', standing };
		if (standing.remaining < amount) return { ok: false, reason: 'user', standing };

		const scope = scopeOf(who.guildId);
		const reservation: Reservation = {
			v: 1,
			id,
			scope,
			userId: who.userId,
			periodKey: period.key,
			amount,
			state: 'held',
			createdAt: this.now(),
		};
		await this.adjust(tx, reservation, (c) => {
			c.reserved += amount;
		});
		await tx.set(keys.reservation(id), reservation);
		return { ok: true, reservation, standing: withReserved(standing, amount) };
	}

	commit(id: string): Promise<'committed' | 'already-ended' | 'missing'> {
		return this.store.write((tx) => this.commitIn(tx, id));
	}

	/** Turns a held reservation into spend in the period it was taken in. Ends a reservation at most once. */
	commitIn(tx: Tx, id: string): Promise<'committed' | 'already-ended' | 'missing'> {
		return this.end(tx, id, 'committed');
	}

	refund(id: string): Promise<'refunded' | 'already-ended' | 'missing'> {
		return this.store.write((tx) => this.refundIn(tx, id));
	}

	refundIn(tx: Tx, id: string): Promise<'refunded' | 'already-ended' | 'missing'> {
		return this.end(tx, id, 'refunded');
	}

	async reservation(id: string): Promise<Read<Reservation>> {
		return this.store.get(keys.reservation(id), reservationSchema);
	}

	private async end<S extends 'committed' | 'refunded'>(tx: Tx, id: string, state: S): Promise<S | 'already-ended' | 'missing'> {
		const reservation = await tx.get(keys.reservation(id), reservationSchema);
		if (reservation === undefined || reservation === CORRUPT) {
			this.options.logger.error(
				{ reservationId: id, corrupt: reservation === CORRUPT },
				`cannot end reservation: ${reservation === CORRUPT ? 'corrupt' : 'missing'}`,
			);
			return 'missing';
		}
		if (reservation.state !== 'held') return 'already-ended';
		await this.adjust(tx, reservation, (c) => {
			c.reserved = Math.max(0, c.reserved - reservation.amount);
			if (state === 'committed') {
				c.spent += reservation.amount;
				c.images += 1;
			}
		});
		await tx.set(keys.reservation(id), { ...reservation, state, endedAt: this.now() } satisfies Reservation);
		return state;
	}

	/** Applies `change` to the user's account, the scope's pool and the global pool of the reservation's period. */
	private async adjust(tx: Tx, r: Reservation, change: (c: StoredCounter) => void): Promise<void> {
		const accountKey = keys.account(r.scope, r.periodKey, r.userId);
		const account = await tx.get(accountKey, counterSchema);
		// A corrupt account stays as it is (and blocks the user) until a moderator resets it.
		if (account !== CORRUPT) {
			const next = account ?? emptyCounter();
			change(next);
			await tx.set(accountKey, next);
		}
		for (const poolKey of [keys.pool(r.scope, r.periodKey), keys.pool(GLOBAL_SCOPE, r.periodKey)]) {
			const pool = await tx.get(poolKey, poolSchema);
			if (pool === CORRUPT) continue;
			const next = pool ?? emptyPool();
			change(next);
			if (!next.users.includes(r.userId)) next.users.push(r.userId);
			await tx.set(poolKey, next);
		}
	}

	private async standingIn(tx: Tx, who: Who, period: Period): Promise<Standing> {
		const scope = scopeOf(who.guildId);
		const [account, scopePool, globalPool, limit] = await Promise.all([
			tx.get(keys.account(scope, period.key, who.userId), counterSchema),
			tx.get(keys.pool(scope, period.key), poolSchema),
			tx.get(keys.pool(GLOBAL_SCOPE, period.key), poolSchema),
			this.limitIn(tx, who),
		]);
		const settings = who.guildId ? await this.guildSettingsIn(tx, who.guildId) : { v: 1 as const };
		const counter = account === CORRUPT || account === undefined ? emptyCounter() : account;
		const corrupt = account === CORRUPT || scopePool === CORRUPT || globalPool === CORRUPT || limit.corrupt;
		const pool = (stored: Read<StoredPool>, cap: number | undefined): Pool | undefined => {
			if (cap === undefined) return undefined;
			const c = stored === CORRUPT || stored === undefined ? emptyPool() : stored;
			return { spent: c.spent, reserved: c.reserved, images: c.images, limit: cap, remaining: Math.max(0, cap - c.spent - c.reserved) };
		};
		return {
			period,
			spent: counter.spent,
			reserved: counter.reserved,
			images: counter.images,
			limit: limit.limit,
			limitSource: limit.source,
			remaining: corrupt ? 0 : Math.max(0, limit.limit - counter.spent - counter.reserved),
			guild: who.guildId ? pool(scopePool, settings.cap) : undefined,
			global: pool(globalPool, this.options.globalLimit),
			corrupt,
		};
	}

	private async limitIn(tx: Tx, who: Who): Promise<{ limit: number; source: LimitSource; corrupt: boolean }> {
		if (who.guildId) {
			const override = await tx.get(keys.userLimit(who.guildId, who.userId), userLimitSchema);
			if (override === CORRUPT) return { limit: 0, source: 'override', corrupt: true };
			if (override) return { limit: override.limit, source: 'override', corrupt: false };
			const settings = await this.guildSettingsIn(tx, who.guildId);
			if (settings.defaultLimit !== undefined) return { limit: settings.defaultLimit, source: 'guild', corrupt: false };
		}
		return { limit: this.options.defaultLimit, source: 'default', corrupt: false };
	}

	private async guildSettingsIn(tx: Tx, guildId: string): Promise<GuildSettings> {
		const settings = await tx.get(keys.guild(guildId), guildSettingsSchema);
		// Unreadable settings fall back to the safest reading: no default above zero, and a zero cap.
		if (settings === CORRUPT) return { v: 1, defaultLimit: 0, cap: 0 };
		return settings ?? { v: 1 };
	}

	// ── Moderator operations (each audited) ─────────────────────────────────────────────

	/** Sets (or with `null` removes) a user's override. */
	setUserLimit(guildId: string, moderatorId: string, userId: string, limit: number | null): Promise<AuditEntry> {
		return this.store.write(async (tx) => {
			const key = keys.userLimit(guildId, userId);
			const before = await tx.get(key, userLimitSchema);
			const old = before === undefined ? null : before === CORRUPT ? 'unreadable' : formatUsd(before.limit);
			if (limit === null) await tx.delete(key);
			else await tx.set(key, { v: 1, limit });
			return this.audit(tx, {
				guildId,
				moderatorId,
				targetId: userId,
				action: limit === null ? 'clear' : 'set',
				old,
				new: limit === null ? null : formatUsd(limit),
			});
		});
	}

	/** Zeroes the user's spend in the current period: an allowance refund; guild and global totals keep the real spend. */
	resetUser(guildId: string, moderatorId: string, userId: string): Promise<AuditEntry> {
		return this.store.write(async (tx) => {
			const key = keys.account(guildId, this.currentPeriod().key, userId);
			const before = await tx.get(key, counterSchema);
			const next = before === undefined || before === CORRUPT ? emptyCounter() : { ...before, spent: 0 };
			await tx.set(key, next);
			const old = before === undefined ? formatUsd(0) : before === CORRUPT ? 'unreadable' : formatUsd(before.spent);
			return this.audit(tx, { guildId, moderatorId, targetId: userId, action: 'reset', old: `spent ${old}`, new: `spent ${formatUsd(0)}` });
		});
	}

	/** The guild's default per-user limit; `null` returns to the bot's default. */
	setGuildDefault(guildId: string, moderatorId: string, limit: number | null): Promise<AuditEntry> {
		return this.updateGuild(guildId, moderatorId, 'default', limit);
	}

	/** The guild's total per period; `null` removes the cap. */
	setGuildCap(guildId: string, moderatorId: string, cap: number | null): Promise<AuditEntry> {
		return this.updateGuild(guildId, moderatorId, 'cap', cap);
	}

	private updateGuild(guildId: string, moderatorId: string, action: 'default' | 'cap', value: number | null): Promise<AuditEntry> {
		return this.store.write(async (tx) => {
			const key = keys.guild(guildId);
			const stored = await tx.get(key, guildSettingsSchema);
			const before: GuildSettings = stored === undefined || stored === CORRUPT ? { v: 1 } : stored;
			const field = action === 'default' ? 'defaultLimit' : 'cap';
			const previous = before[field];
			const next: GuildSettings = { ...before };
			if (value === null) delete next[field];
			else next[field] = value;
			await tx.set(key, next);
			const show = (v: number | undefined) =>
				v === undefined ? (action === 'cap' ? 'no cap' : `bot default ${formatUsd(this.options.defaultLimit)}`) : formatUsd(v);
			return this.audit(tx, {
				guildId,
				moderatorId,
				targetId: null,
				action,
				old: stored === CORRUPT ? 'unreadable' : show(previous),
				new: show(value ?? undefined),
			});
		});
	}

	private async audit(tx: Tx, change: Omit<AuditEntry, 'at'>): Promise<AuditEntry> {
		const entry: AuditEntry = { at: this.now(), ...change };
		const key = keys.audit(change.guildId, change.targetId ?? 'guild');
		const stored = await tx.get(key, auditSchema);
		const entries = stored === undefined || stored === CORRUPT ? [] : stored.entries;
		await tx.set(key, { v: 1, entries: [...entries, entry].slice(-AUDIT_KEEP) });
		this.options.logger.info({ audit: entry }, 'budget changed');
		return entry;
	}

	/** Newest first. */
	async history(guildId: string, subject: string | null, limit = 10): Promise<AuditEntry[]> {
		const stored = await this.store.get(keys.audit(guildId, subject ?? 'guild'), auditSchema);
		if (stored === undefined || stored === CORRUPT) return [];
		return stored.entries.slice(-limit).reverse();
	}

	/** The guild's top spenders in the current period. */
	top(guildId: string, limit = 10): Promise<TopEntry[]> {
		return this.store.write(async (tx) => {
			const period = this.currentPeriod().key;
			const pool = await tx.get(keys.pool(guildId, period), poolSchema);
			if (pool === undefined || pool === CORRUPT) return [];
			const rows: TopEntry[] = [];
			for (const userId of pool.users) {
				const account = await tx.get(keys.account(guildId, period, userId), counterSchema);
				if (account && account !== CORRUPT && (account.spent > 0 || account.images > 0)) rows.push({ userId, spent: account.spent, images: account.images });
			}
			return rows.sort((a, b) => b.spent - a.spent || b.images - a.images).slice(0, limit);
		});
	}
}
