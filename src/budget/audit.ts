// The moderators' audit trail: one append-only record per change (budgets, blocklist, pause, log channel),
// keyed by guild and time, so writing one never rewrites a list that grows and a period can be listed.
import type { Logger } from '../log.js';
import { AUDIT_PREFIX, auditEntrySchema, auditKey, type AuditEntry } from '../records/audit.js';
import type { Store, Tx } from '../storage/store.js';

export class Audit {
	private readonly listeners: Array<(entry: AuditEntry) => void> = [];

	constructor(
		private readonly store: Store,
		private readonly logger: Logger,
		private readonly now: () => number = Date.now,
	) {}

	/** Appends one entry inside the caller's write block, so the change and its record land together. */
	async record(tx: Tx, change: Omit<AuditEntry, 'at'>): Promise<AuditEntry> {
		const entry: AuditEntry = { at: this.now(), ...change };
		await tx.set(auditKey(entry.guildId, entry.at), entry);
		this.logger.info({ audit: entry }, 'moderator change');
		for (const listener of this.listeners) tx.afterCommit(() => listener(entry));
		return entry;
	}

	/** Told about every change once it is stored (the log channel). */
	subscribe(listener: (entry: AuditEntry) => void): void {
		this.listeners.push(listener);
	}

	/** Newest first. `subject` undefined = every entry; null = server-wide changes (role limits included); an id = that member or role. */
	async history(guildId: string, subject: string | null | undefined, limit = 10): Promise<AuditEntry[]> {
		const out: AuditEntry[] = [];
		for await (const { value } of this.store.scan(`${AUDIT_PREFIX}${guildId}:`, auditEntrySchema, { reverse: true, batch: 100 })) {
			if (!value || typeof value === 'symbol') continue;
			const serverWide = value.targetId === null || value.action === 'role';
			if (subject === null ? !serverWide : subject !== undefined && value.targetId !== subject) continue;
			out.push(value);
			if (out.length >= limit) break;
		}
		return out;
	}

	/** Oldest first, entries with start ≤ at < end. */
	async *between(guildId: string, start: number, end: number): AsyncGenerator<AuditEntry> {
		for await (const { value } of this.store.scan(`${AUDIT_PREFIX}${guildId}:`, auditEntrySchema)) {
			if (!value || typeof value === 'symbol' || value.at < start) continue;
			if (value.at >= end) return;
			yield value;
		}
	}
}
