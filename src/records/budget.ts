// The ledger's stored records and their keys. Every record is small and per-thing (a member's account, a
// server's pool, a reservation, a day's total): no write on the money path rewrites a list that grows.
import { z } from 'zod';
import type { Period } from '../util/period.js';
import { sortableTime } from '../util/text.js';

const nonNegative = z.number().int().nonnegative();

/** A member's or a pool's spend in one period. v1 pools also carried every member's id (`users`): ignored. */
export const counterSchema = z.object({
	v: z.literal(1),
	spent: nonNegative,
	reserved: nonNegative,
	images: nonNegative,
	/** A member's user name as last seen (accounts only), for the report and `/budget top`. */
	name: z.string().optional(),
});
export type StoredCounter = z.infer<typeof counterSchema>;
export const emptyCounter = (): StoredCounter => ({ v: 1, spent: 0, reserved: 0, images: 0 });

export const reservationSchema = z.object({
	v: z.literal(1),
	id: z.string(),
	scope: z.string(),
	userId: z.string(),
	periodKey: z.string(),
	amount: z.number().int().positive(),
	state: z.enum(['held', 'committed', 'refunded']),
	createdAt: z.number(),
	endedAt: z.number().optional(),
	/** What was asked, for the export (absent on records from before exports existed). */
	userName: z.string().optional(),
	prompt: z.string().optional(),
	aspectRatio: z.string().optional(),
	taskId: z.string().optional(),
	/** Images held (a batch, while held) or charged (once committed); absent = 1. `amount` is then what was charged. */
	images: z.number().int().positive().optional(),
});
export type Reservation = z.infer<typeof reservationSchema>;

/** The reservation a job opens with: its price (× count) held in a scope's period, and what was asked (for the export). */
export function heldReservation(
	job: { id: string; userId: string; userName?: string | undefined; price: number; count?: number | undefined; prompt: string; aspectRatio: string },
	scope: string,
	periodKey: string,
	now: number,
): Reservation {
	return {
		v: 1,
		id: job.id,
		scope,
		userId: job.userId,
		periodKey,
		amount: job.price * (job.count ?? 1),
		...(job.count !== undefined && job.count > 1 ? { images: job.count } : {}),
		state: 'held',
		createdAt: now,
		...(job.userName ? { userName: job.userName } : {}),
		prompt: job.prompt,
		aspectRatio: job.aspectRatio,
	};
}

export const userLimitSchema = z.object({ v: z.literal(1), limit: nonNegative });

export const guildSettingsSchema = z.object({
	v: z.literal(1),
	defaultLimit: nonNegative.optional(),
	cap: nonNegative.optional(),
	/** Per-period limit for members with the role (role id → micro-dollars); 0 is a real limit. */
	roleLimits: z.record(z.string(), nonNegative).optional(),
	paused: z.boolean().optional(),
	/** Where budget changes and cap notes are posted. */
	logChannelId: z.string().optional(),
});
export type GuildSettings = z.infer<typeof guildSettingsSchema>;

/** Spend committed on one UTC day in one scope, for the report's chart. */
export const dayTotalSchema = z.object({ v: z.literal(1), spent: nonNegative, images: nonNegative });

/** Which cap notes (80 %, 100 %) a server got this period, so each is posted once. */
export const capNotesSchema = z.object({ v: z.literal(1), sent: z.array(z.union([z.literal(80), z.literal(100)])) });

/** A marker in a scope's period: one per reservation, by time, for listing a period's charges in order. */
export const indexMarkerSchema = z.object({ v: z.literal(1) });

export const GLOBAL_SCOPE = '*';
export const scopeOf = (guildId: string | null) => guildId ?? 'dm';
export const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export const keys = {
	account: (scope: string, period: string, userId: string) => `ledger:acct:${scope}:${period}:${userId}`,
	accountPrefix: (scope: string, period: string) => `ledger:acct:${scope}:${period}:`,
	pool: (scope: string, period: string) => `ledger:pool:${scope}:${period}`,
	reservation: (id: string) => `ledger:res:${id}`,
	reservationIndex: (scope: string, period: string, createdAt: number, id: string) => `ledger:rx:${scope}:${period}:${sortableTime(createdAt)}:${id}`,
	reservationIndexPrefix: (scope: string, period: string) => `ledger:rx:${scope}:${period}:`,
	day: (scope: string, day: string) => `ledger:day:${scope}:${day}`,
	capNotes: (scope: string, period: string) => `ledger:note:${scope}:${period}`,
	userLimit: (guildId: string, userId: string) => `ledger:limit:${guildId}:${userId}`,
	guild: (guildId: string) => `ledger:guild:${guildId}`,
};

export type { Period };
