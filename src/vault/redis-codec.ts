// The Redis vault's values as Redis holds them: counter fields, reservation hashes and job JSON read back into
// the vault's types, and script arguments checked on the way in.
import { jobSchema, type Job } from '../records/job.js';
import { reservationSchema, type Reservation } from '../records/budget.js';
import { CORRUPT, type Read } from '../records/read.js';
import type { Counter, Counters } from './vault.js';

type Field = string | null | undefined;

/** A stored counter field: absent is 0; anything but a non-negative integer below 2^53 is undefined (corrupt). */
export function field(value: Field): number | undefined {
	if (value === null || value === undefined) return 0;
	return /^\d{1,15}$/.test(value) ? Number(value) : undefined;
}

function counter(raw: readonly unknown[]): Counter | undefined {
	// HMGET answers strings or nil; anything else is not a counter.
	const [spent, reserved, images] = raw.slice(0, 3).map((v) => (typeof v === 'string' || v === null || v === undefined ? field(v) : undefined));
	if (spent === undefined || reserved === undefined || images === undefined) return undefined;
	return { spent, reserved, images };
}

const empty = (): Counter => ({ spent: 0, reserved: 0, images: 0 });

/** Account (spent, reserved, images, name), pool (3) and global (3) fields as read from Redis. */
export function parseCounters(raw: readonly unknown[]): Counters {
	const account = counter(raw.slice(0, 3));
	const name = raw[3];
	const pool = counter(raw.slice(4, 7));
	const global = counter(raw.slice(7, 10));
	return {
		account: { ...(account ?? empty()), ...(typeof name === 'string' ? { name } : {}) },
		pool: pool ?? empty(),
		global: global ?? empty(),
		corrupt: !account || !pool || !global,
	};
}

const NUMERIC_RESERVATION_FIELDS = new Set(['v', 'amount', 'createdAt', 'endedAt', 'images']);

/** A reservation's hash as HGETALL answers it; undefined when absent or unreadable. */
export function parseReservation(raw: Record<string, string>): Reservation | undefined {
	if (Object.keys(raw).length === 0) return undefined;
	const value: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(raw)) value[k] = NUMERIC_RESERVATION_FIELDS.has(k) && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v;
	const parsed = reservationSchema.safeParse(value);
	// Unreadable reads as absent: the interface has no CORRUPT here, and close treats it as missing too.
	return parsed.success ? parsed.data : undefined;
}

/** A job's stored JSON; CORRUPT when it does not parse or validate. */
export function parseJob(raw: string): Read<Job> {
	let value: unknown;
	try {
		value = JSON.parse(raw);
	} catch {
		return CORRUPT;
	}
	const parsed = jobSchema.safeParse(value);
	return parsed.success ? parsed.data : CORRUPT;
}

export function asArray(reply: unknown): unknown[] {
	if (!Array.isArray(reply)) throw new Error(`unexpected reply from a vault script: ${JSON.stringify(reply)}`);
	return reply as unknown[];
}

/** `undefined` → '' (none); otherwise a non-negative safe integer, as Lua reads it with tonumber. */
export function limitArg(name: string, value: number | undefined): string {
	if (value === undefined) return '';
	if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
	return String(value);
}
