// Budgets: who may spend how much per period, and every charge from reservation to commit or refund.
// All amounts are integer micro-dollars. Every mutation runs inside one Store.write block, so a reservation
// is checked against and taken from every applicable limit at once. Each operation touches a fixed number
// of small records, so its cost does not grow with the number of members who spent this period.
import { Audit } from '../audit.js';
import type { Logger } from '../log.js';
import { periodAt, type BudgetPeriod, type Period } from '../period.js';
import { CORRUPT, type Read, type Store, type Tx } from '../store.js';
import { resolveLimit, type LimitSource } from './limits.js';
import {
	GLOBAL_SCOPE,
	capNotesSchema,
	counterSchema,
	dayTotalSchema,
	emptyCounter,
	guildSettingsSchema,
	indexMarkerSchema,
	keys,
	reservationSchema,
	scopeOf,
	userLimitSchema,
	utcDay,
	type GuildSettings,
	type Reservation,
	type StoredCounter,
} from './records.js';

export interface Who {
	/** null for DMs, which share one scope of their own. */
	guildId: string | null;
	userId: string;
	/** The member's roles, from the interaction payload (role limits). */
	roleIds?: readonly string[];
}

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
export type EndResult<S> = S | 'already-ended' | 'missing';

/** What was asked, kept with the charge for the export. */
export interface ChargeDetails {
	userName?: string;
	prompt?: string;
	aspectRatio?: string;
}

export interface TopEntry {
	userId: string;
	/** The user name last seen, when known. */
	name?: string;
	spent: number;
	images: number;
}

/** A server reached a share of its cap this period (posted once per threshold). */
export interface CapNote {
	guildId: string;
	threshold: 80 | 100;
	spent: number;
	cap: number;
	period: Period;
}

export interface LedgerOptions {
	period: BudgetPeriod;
	defaultLimit: number;
	globalLimit: number | undefined;
	logger: Logger;
	now?: () => number;
	/** Where moderator changes are recorded; by default an Audit on the same store. */
	audit?: Audit;
	/** Told (after the write commits) when a server crosses 80 % or 100 % of its cap. */
	onCapNote?: (note: CapNote) => void;
}

/** The standing after `amount` more is reserved: derived, so a reservation needs no second read. */
function withReserved(s: Standing, amount: number): Standing {
	const pool = (p: Pool | undefined): Pool | undefined =>
		p && { ...p, reserved: p.reserved + amount, remaining: p.remaining === undefined ? undefined : Math.max(0, p.remaining - amount) };
	return { ...s, reserved: s.reserved + amount, remaining: Math.max(0, s.remaining - amount), guild: pool(s.guild), global: pool(s.global) };
}

/** The money side of the ledger; `Ledger` (ledger.ts) adds the moderators' audited operations. */
export class LedgerCore {
	readonly now: () => number;
	readonly audit: Audit;

	constructor(
		protected readonly store: Store,
		protected readonly options: LedgerOptions,
	) {
		this.now = options.now ?? Date.now;
		this.audit = options.audit ?? new Audit(store, options.logger, this.now);
	}

	get defaultLimit(): number {
		return this.options.defaultLimit;
	}

	currentPeriod(): Period {
		return periodAt(this.options.period, this.now());
	}

	/** The period before the current one (the current one again for lifetime budgets). */
	previousPeriod(): Period {
		const current = this.currentPeriod();
		return current.start === 0 ? current : periodAt(this.options.period, current.start - 1);
	}

	standing(who: Who): Promise<Standing> {
		// Reads through a write block so a standing is never taken halfway through another operation.
		return this.store.write((tx) => this.standingIn(tx, who, this.currentPeriod()));
	}

	/** Takes `amount` from every applicable limit at once, or from none. Idempotent per id. */
	reserve(id: string, who: Who, amount: number, details: ChargeDetails = {}): Promise<ReserveResult> {
		return this.store.write((tx) => this.reserveIn(tx, id, who, amount, details));
	}

	async reserveIn(tx: Tx, id: string, who: Who, amount: number, details: ChargeDetails = {}): Promise<ReserveResult> {
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

		const reservation: Reservation = {
			v: 1,
			id,
			scope: scopeOf(who.guildId),
			userId: who.userId,
			periodKey: period.key,
			amount,
			state: 'held',
			createdAt: this.now(),
			...details,
		};
		await this.adjust(tx, reservation, (c) => {
			c.reserved += amount;
		});
		await tx.set(keys.reservation(id), reservation);
		await tx.set(keys.reservationIndex(reservation.scope, period.key, reservation.createdAt, id), { v: 1 });
		return { ok: true, reservation, standing: withReserved(standing, amount) };
	}

	commit(id: string): Promise<EndResult<'committed'>> {
		return this.store.write((tx) => this.commitIn(tx, id));
	}

	/** Turns a held reservation into spend in the period it was taken in. Ends a reservation at most once. */
	async commitIn(tx: Tx, id: string): Promise<EndResult<'committed'>> {
		const result = await this.end(tx, id, 'committed');
		if (typeof result !== 'string') {
			await this.addToDay(tx, result);
			await this.noteCap(tx, result);
			return 'committed';
		}
		return result;
	}

	refund(id: string): Promise<EndResult<'refunded'>> {
		return this.store.write((tx) => this.refundIn(tx, id));
	}

	async refundIn(tx: Tx, id: string): Promise<EndResult<'refunded'>> {
		const result = await this.end(tx, id, 'refunded');
		return typeof result === 'string' ? result : 'refunded';
	}

	reservation(id: string): Promise<Read<Reservation>> {
		return this.store.get(keys.reservation(id), reservationSchema);
	}

	/** Notes the hiapi task on a held reservation, for the export (inside the caller's write block). */
	async noteTaskIn(tx: Tx, id: string, taskId: string): Promise<void> {
		const reservation = await tx.get(keys.reservation(id), reservationSchema);
		if (reservation && reservation !== CORRUPT) await tx.set(keys.reservation(id), { ...reservation, taskId } satisfies Reservation);
	}

	private async end(tx: Tx, id: string, state: 'committed' | 'refunded'): Promise<Reservation | 'already-ended' | 'missing'> {
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
		const ended: Reservation = { ...reservation, state, endedAt: this.now() };
		await tx.set(keys.reservation(id), ended);
		return ended;
	}

	/** Applies `change` to the user's account, the scope's pool and the global pool of the reservation's period. */
	private async adjust(tx: Tx, r: Reservation, change: (c: StoredCounter) => void): Promise<void> {
		const account = keys.account(r.scope, r.periodKey, r.userId);
		for (const key of [account, keys.pool(r.scope, r.periodKey), keys.pool(GLOBAL_SCOPE, r.periodKey)]) {
			const stored = await tx.get(key, counterSchema);
			// A corrupt record stays as it is (and blocks reservations) until a moderator resets it.
			if (stored === CORRUPT) continue;
			const next = stored ?? emptyCounter();
			change(next);
			if (key === account && r.userName) next.name = r.userName;
			await tx.set(key, next);
		}
	}

	private async addToDay(tx: Tx, r: Reservation): Promise<void> {
		const key = keys.day(r.scope, utcDay(r.endedAt ?? this.now()));
		const day = await tx.get(key, dayTotalSchema);
		const base = day === undefined || day === CORRUPT ? { v: 1 as const, spent: 0, images: 0 } : day;
		await tx.set(key, { v: 1, spent: base.spent + r.amount, images: base.images + 1 });
	}

	/** Marks 80 % and 100 % of a server's cap once per period; told only after the write commits. */
	private async noteCap(tx: Tx, r: Reservation): Promise<void> {
		if (r.scope === 'dm' || r.scope === GLOBAL_SCOPE) return;
		const settings = await this.settingsIn(tx, r.scope);
		if (settings.cap === undefined || settings.cap === 0) return;
		const pool = await tx.get(keys.pool(r.scope, r.periodKey), counterSchema);
		if (!pool || pool === CORRUPT) return;
		const notesKey = keys.capNotes(r.scope, r.periodKey);
		const stored = await tx.get(notesKey, capNotesSchema);
		const sent = stored === undefined || stored === CORRUPT ? [] : stored.sent;
		const cap = settings.cap;
		const due = ([80, 100] as const).filter((t) => !sent.includes(t) && pool.spent * 100 >= cap * t);
		if (due.length === 0) return;
		await tx.set(notesKey, { v: 1, sent: [...sent, ...due] });
		const period = this.currentPeriod().key === r.periodKey ? this.currentPeriod() : { key: r.periodKey, start: 0, resetsAt: null };
		for (const threshold of due) tx.afterCommit(() => this.options.onCapNote?.({ guildId: r.scope, threshold, spent: pool.spent, cap, period }));
	}

	async standingIn(tx: Pick<Tx, 'get'>, who: Who, period: Period): Promise<Standing> {
		const scope = scopeOf(who.guildId);
		const [account, scopePool, globalPool, override, settings] = await Promise.all([
			tx.get(keys.account(scope, period.key, who.userId), counterSchema),
			tx.get(keys.pool(scope, period.key), counterSchema),
			tx.get(keys.pool(GLOBAL_SCOPE, period.key), counterSchema),
			who.guildId ? tx.get(keys.userLimit(who.guildId, who.userId), userLimitSchema) : undefined,
			who.guildId ? this.settingsIn(tx, who.guildId) : undefined,
		]);
		const counter = account === CORRUPT || account === undefined ? emptyCounter() : account;
		const corrupt = account === CORRUPT || scopePool === CORRUPT || globalPool === CORRUPT || override === CORRUPT;
		const resolved =
			override === CORRUPT
				? { limit: 0, source: { kind: 'override' as const } }
				: resolveLimit({ override: override?.limit, roleIds: who.roleIds ?? [], settings, botDefault: this.options.defaultLimit });
		const pool = (stored: Read<StoredCounter>, cap: number | undefined): Pool | undefined => {
			if (cap === undefined) return undefined;
			const c = stored === CORRUPT || stored === undefined ? emptyCounter() : stored;
			return { spent: c.spent, reserved: c.reserved, images: c.images, limit: cap, remaining: Math.max(0, cap - c.spent - c.reserved) };
		};
		return {
			period,
			spent: counter.spent,
			reserved: counter.reserved,
			images: counter.images,
			limit: resolved.limit,
			limitSource: resolved.source,
			remaining: corrupt ? 0 : Math.max(0, resolved.limit - counter.spent - counter.reserved),
			guild: who.guildId ? pool(scopePool, settings?.cap) : undefined,
			global: pool(globalPool, this.options.globalLimit),
			corrupt,
		};
	}

	async settingsIn(tx: Pick<Tx, 'get'>, guildId: string): Promise<GuildSettings> {
		const settings = await tx.get(keys.guild(guildId), guildSettingsSchema);
		// Unreadable settings fall back to the safest reading: no default above zero, a zero cap, paused.
		if (settings === CORRUPT) return { v: 1, defaultLimit: 0, cap: 0, paused: true };
		return settings ?? { v: 1 };
	}

	/** The server's settings as stored (for overviews). */
	settings(guildId: string): Promise<GuildSettings> {
		return this.settingsIn(this.store, guildId);
	}

	/** True while moderators have paused image making in the guild. */
	async isPaused(guildId: string): Promise<boolean> {
		return (await this.settings(guildId)).paused === true;
	}

	// ── Listings: cost grows with what they list, never paid by an image ──────────────────────

	/** The guild's top spenders in the current period. */
	async top(guildId: string, limit = 10): Promise<TopEntry[]> {
		const period = this.currentPeriod().key;
		const prefix = keys.accountPrefix(guildId, period);
		const best: TopEntry[] = [];
		for await (const { key, value } of this.store.scan(prefix, counterSchema)) {
			if (!value || value === CORRUPT || (value.spent === 0 && value.images === 0)) continue;
			best.push({ userId: key.slice(prefix.length), ...(value.name ? { name: value.name } : {}), spent: value.spent, images: value.images });
			// Keep only the leaders: memory stays near `limit` rows however many members spent.
			if (best.length > limit * 4) {
				best.sort(byTop);
				best.length = limit;
			}
		}
		return best.sort(byTop).slice(0, limit);
	}

	/** The guild's charges in a period, in the order they were made. */
	async *charges(guildId: string, period: Period): AsyncGenerator<Reservation> {
		const prefix = keys.reservationIndexPrefix(guildId, period.key);
		for await (const { key } of this.store.scan(prefix, indexMarkerSchema)) {
			const id = key.slice(prefix.length + 14);
			const reservation = await this.store.get(keys.reservation(id), reservationSchema);
			if (reservation && reservation !== CORRUPT) yield reservation;
		}
	}

	/** Spend per UTC day of a period up to today (the last 31 days for longer periods). */
	async days(guildId: string, period: Period): Promise<Array<{ date: string; spent: number; images: number }>> {
		const DAY = 86_400_000;
		const today = Math.floor(this.now() / DAY) * DAY; // UTC midnight: epoch days are UTC days
		const first = Math.max(period.start, today - 30 * DAY);
		const out: Array<{ date: string; spent: number; images: number }> = [];
		for (let at = first; at <= today; at += DAY) {
			const date = utcDay(at);
			const stored = await this.store.get(keys.day(guildId, date), dayTotalSchema);
			out.push({ date, spent: stored && stored !== CORRUPT ? stored.spent : 0, images: stored && stored !== CORRUPT ? stored.images : 0 });
		}
		return out;
	}

	/** The guild pool of a period (what the whole server spent). */
	async pool(guildId: string, period: Period): Promise<Counter> {
		const stored = await this.store.get(keys.pool(guildId, period.key), counterSchema);
		return stored && stored !== CORRUPT ? stored : emptyCounter();
	}
}

const byTop = (a: TopEntry, b: TopEntry) => b.spent - a.spent || b.images - a.images;
