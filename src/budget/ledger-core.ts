// budget/: which limits apply and what is left (override > role > server default > bot default, caps, ceiling), the price, the audit trail.
// Budgets: who may spend how much per period, and every charge from reservation to commit or refund.
// All amounts are integer micro-dollars. The ledger decides which limits apply (settings, overrides, roles:
// records in the store); the vault takes or ends a charge against all of them in one atomic step, locally
// or across a fleet (src/vault/).
import type { Logger } from '../log.js';
import { guildSettingsSchema, keys, scopeOf, userLimitSchema, type GuildSettings } from '../records/budget.js';
import { heldAmount, type Job } from '../records/job.js';
import { CORRUPT } from '../records/read.js';
import type { Store } from '../storage/store.js';
import { periodAt, type BudgetPeriod, type Period } from '../util/period.js';
import type { Counter, Counters, RefusalReason, Vault } from '../vault/vault.js';
import { Audit } from './audit.js';
import { resolveLimit, type LimitSource, type ResolvedLimit } from './limits.js';

export interface Who {
	/** null for DMs, which share one scope of their own. */
	guildId: string | null;
	userId: string;
	/** The member's roles, from the interaction payload (role limits). */
	roleIds?: readonly string[];
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

/** What opening a job gave, with the member's standing (after the reservation when created). */
export type OpenJobResult =
	| { status: 'created'; standing: Standing }
	| { status: 'refused'; reason: RefusalReason; standing: Standing }
	| { status: 'busy'; standing: Standing }
	| { status: 'duplicate' };
export type EndResult<S> = S | 'already-ended' | 'missing';

/** A server reached a share of its cap this period (posted once per threshold). */
export interface CapNote {
	guildId: string;
	threshold: 80 | 100;
	spent: number;
	cap: number;
	period: Period;
	/** The server's language as the job that crossed it saw it (guild_locale), for the log channel. */
	guildLocale?: string;
}

export interface LedgerOptions {
	period: BudgetPeriod;
	defaultLimit: number;
	globalLimit: number | undefined;
	logger: Logger;
	now?: () => number;
	/** Where moderator changes are recorded; by default an Audit on the same store. */
	audit?: Audit;
	/** Told (after the charge is stored) when a server crosses 80 % or 100 % of its cap. */
	onCapNote?: (note: CapNote) => void;
	/** MAX_JOBS_PER_USER, enforced by the vault itself (fleet mode: across every process). */
	maxActivePerUser?: number;
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
		readonly vault: Vault,
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

	async standing(who: Who): Promise<Standing> {
		const period = this.currentPeriod();
		const { limit, settings, overrideCorrupt } = await this.limitOf(who);
		const counters = await this.vault.counters(scopeOf(who.guildId), period.key, who.userId);
		return this.standingFrom(who, period, limit, settings, overrideCorrupt, counters);
	}

	/**
	 * Opens a job: checks every limit and, in one atomic step, holds the price and stores the job with its
	 * reservation. A repeated id changes nothing.
	 */
	async open(job: Job, who: Who): Promise<OpenJobResult> {
		const period = this.currentPeriod();
		const { limit, settings, overrideCorrupt } = await this.limitOf(who);
		const result = await this.vault.open({
			job,
			scope: scopeOf(who.guildId),
			periodKey: period.key,
			limits: { user: overrideCorrupt ? 0 : limit.limit, guildCap: who.guildId ? settings?.cap : undefined, global: this.options.globalLimit },
			...(this.options.maxActivePerUser !== undefined ? { maxActivePerUser: this.options.maxActivePerUser } : {}),
			now: this.now(),
		});
		if (result.status === 'duplicate') return result;
		const standing = this.standingFrom(who, period, limit, settings, overrideCorrupt, result.counters);
		if (result.status === 'created') return { status: 'created', standing: withReserved(standing, heldAmount(job)) };
		if (result.status === 'busy') return { status: 'busy', standing };
		return { status: 'refused', reason: standing.corrupt ? 'corrupt' : result.reason, standing };
	}

	/** Ends a job and its reservation exactly once: delivered commits the charge, refunded gives it back. */
	async close(job: Job & { finishedAt: number }): Promise<EndResult<'committed' | 'refunded'>> {
		const scope = job.guildId ?? 'dm';
		const cap = job.guildId ? (await this.settings(job.guildId)).cap : undefined;
		const result = await this.vault.close({ job, guildCap: cap });
		if (result.status === 'missing') {
			this.options.logger.error({ reservationId: job.id }, 'cannot end reservation: missing or unreadable');
			return 'missing';
		}
		if (result.status === 'already-closed') return 'already-ended';
		// The reservation says which period the notes are about; read it only when there is a note to post.
		if (cap !== undefined && result.capNotes.length > 0) {
			const reservation = await this.vault.reservation(job.id);
			const period =
				reservation?.periodKey === this.currentPeriod().key ? this.currentPeriod() : { key: reservation?.periodKey ?? '', start: 0, resetsAt: null };
			const guildLocale = job.guildLocale ? { guildLocale: job.guildLocale } : {};
			for (const threshold of result.capNotes) this.options.onCapNote?.({ guildId: scope, threshold, spent: result.poolSpent, cap, period, ...guildLocale });
		}
		return result.ended;
	}

	// ── Limits ─────────────────────────────────────────────────────────────────────────────────

	private async limitOf(who: Who): Promise<{ limit: ResolvedLimit; settings: GuildSettings | undefined; overrideCorrupt: boolean }> {
		if (!who.guildId)
			return {
				limit: resolveLimit({ override: undefined, roleIds: [], settings: undefined, botDefault: this.options.defaultLimit }),
				settings: undefined,
				overrideCorrupt: false,
			};
		const [override, settings] = await Promise.all([this.store.get(keys.userLimit(who.guildId, who.userId), userLimitSchema), this.settings(who.guildId)]);
		if (override === CORRUPT) return { limit: { limit: 0, source: { kind: 'override' } }, settings, overrideCorrupt: true };
		return {
			limit: resolveLimit({ override: override?.limit, roleIds: who.roleIds ?? [], settings, botDefault: this.options.defaultLimit }),
			settings,
			overrideCorrupt: false,
		};
	}

	private standingFrom(who: Who, period: Period, limit: ResolvedLimit, settings: GuildSettings | undefined, overrideCorrupt: boolean, c: Counters): Standing {
		const corrupt = c.corrupt || overrideCorrupt;
		const pool = (counter: Counters['pool'], cap: number | undefined): Pool | undefined =>
			cap === undefined
				? undefined
				: {
						spent: counter.spent,
						reserved: counter.reserved,
						images: counter.images,
						limit: cap,
						remaining: Math.max(0, cap - counter.spent - counter.reserved),
					};
		return {
			period,
			spent: c.account.spent,
			reserved: c.account.reserved,
			images: c.account.images,
			limit: limit.limit,
			limitSource: limit.source,
			remaining: corrupt ? 0 : Math.max(0, limit.limit - c.account.spent - c.account.reserved),
			guild: who.guildId ? pool(c.pool, settings?.cap) : undefined,
			global: pool(c.global, this.options.globalLimit),
			corrupt,
		};
	}

	async settings(guildId: string): Promise<GuildSettings> {
		const settings = await this.store.get(keys.guild(guildId), guildSettingsSchema);
		// Unreadable settings fall back to the safest reading: no default above zero, a zero cap, paused.
		if (settings === CORRUPT) return { v: 1, defaultLimit: 0, cap: 0, paused: true };
		return settings ?? { v: 1 };
	}

	/** True while moderators have paused image making in the guild. */
	async isPaused(guildId: string): Promise<boolean> {
		return (await this.settings(guildId)).paused === true;
	}
}
