// The moderators' audit trail as stored: one append-only record per change, keyed by guild and time.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { sortableTime } from '../util/text.js';

export const AUDIT_ACTIONS = [
	'set',
	'clear',
	'reset',
	'default',
	'cap',
	'role',
	'pause',
	'resume',
	'log',
	'blocklist-add',
	'blocklist-remove',
	'style-add',
	'style-remove',
] as const;
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

export const AUDIT_PREFIX = 'audit:';
let sequence = 0;
/**
 * Time first (13 digits sort as numbers), then this process's sequence (so changes in one millisecond keep
 * their order), then a random tail (so two processes never write the same key).
 */
export const auditKey = (guildId: string, at: number) =>
	`${AUDIT_PREFIX}${guildId}:${sortableTime(at)}:${String((sequence = (sequence + 1) % 1e9)).padStart(9, '0')}:${randomBytes(3).toString('hex')}`;
