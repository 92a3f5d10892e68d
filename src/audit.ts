// The moderators' audit trail: one append-only record per change (budgets, blocklist, pause, log channel),
// keyed by guild and time, so writing one never rewrites a list that grows and a period can be listed.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Logger } from './log.js';
import type { Store, Tx } from './store.js';

export const AUDIT_ACTIONS = ['set', 'clear', 'reset', 'default', 'cap', 'role', 'pause', 'resume', 'log', 'blocklist-add', 'blocklist-remove'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const auditEntrySchema = z.object({
	at: z.number(),
	guildId: z.string(),
	moderatorId: z.string(),
	/** The member (or role, for role limits) the change is about; null for server-wide changes. */
	targetId: z.string().nullable(),
	action: z.enum(AUDIT_ACTIONS),
	old: z.string().nullable(),
	new: z.string().nullable(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

const PREFIX = 'audit:';
/** Time first (13 digits sort as numbers), then a random tail so two changes in one millisecond both stay. */
export const auditKey = (guildId: string, at: number) => `${PREFIX}${guildId}:${String(at).padStart(13, '0')}:${randomBytes(4).toString('hex')}`;

export class Audit {
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
		return entry;
	}

	/** Newest first. `subject` undefined = every entry; null = server-wide changes only; an id = that member or role. */
	async history(guildId: string, subject: string | null | undefined, limit = 10): Promise<AuditEntry[]> {
		const out: AuditEntry[] = [];
		for await (const { value } of this.store.scan(`${PREFIX}${guildId}:`, auditEntrySchema, { reverse: true, batch: 100 })) {
			if (!value || typeof value === 'symbol') continue;
			if (subject !== undefined && value.targetId !== subject) continue;
			out.push(value);
			if (out.length >= limit) break;
		}
		return out;
	}

	/** Oldest first, entries with start ≤ at < end. */
	async *between(guildId: string, start: number, end: number): AsyncGenerator<AuditEntry> {
		for await (const { value } of this.store.scan(`${PREFIX}${guildId}:`, auditEntrySchema)) {
			if (!value || typeof value === 'symbol' || value.at < start) continue;
			if (value.at >= end) return;
			yield value;
		}
	}
}
