// hiapi callbacks: verify the signature over the raw bytes, then parse the task object. Pure (no I/O, no clock).
// hiapi signs with the account's webhook signing key: X-HiAPI-Timestamp is Unix seconds and X-HiAPI-Signature is
// hex HMAC-SHA256(key, `<timestamp>.<raw body>`). The body is the task object GET /v1/tasks/<id> returns in `data`.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { taskDataSchema } from './schemas.js';
import { statusPhase, toSnapshot, type TaskSnapshot } from './status.js';

/** A task object is a few hundred bytes; anything much larger is not a callback. */
export const CALLBACK_MAX_BYTES = 64 * 1024;
/** Signed timestamps further than this from our clock are refused (replays, badly skewed clocks). */
export const CALLBACK_TOLERANCE_S = 300;

export type CallbackRefusal = 'missing_signature' | 'bad_signature' | 'stale_timestamp' | 'bad_body';
export type CallbackVerdict = { ok: true; task: TaskSnapshot } | { ok: false; status: 400 | 401; reason: CallbackRefusal };

export interface CallbackInput {
	rawBody: Buffer;
	timestamp: string | undefined;
	signature: string | undefined;
	secret: string;
	/** Epoch ms. */
	now: number;
}

export function callbackSignature(secret: string, timestamp: string, rawBody: Buffer): string {
	return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
}

/** Checks the signature first and only then reads the body: nothing unauthenticated is parsed. */
export function verifyCallback(input: CallbackInput): CallbackVerdict {
	const { timestamp, signature } = input;
	if (!timestamp || !signature) return { ok: false, status: 401, reason: 'missing_signature' };
	if (!/^\d{1,12}$/.test(timestamp) || !/^[0-9a-fA-F]{64}$/.test(signature)) return { ok: false, status: 401, reason: 'bad_signature' };
	const expected = Buffer.from(callbackSignature(input.secret, timestamp, input.rawBody), 'hex');
	if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) return { ok: false, status: 401, reason: 'bad_signature' };
	if (Math.abs(input.now / 1000 - Number(timestamp)) > CALLBACK_TOLERANCE_S) return { ok: false, status: 401, reason: 'stale_timestamp' };

	let json: unknown;
	try {
		json = JSON.parse(input.rawBody.toString('utf8'));
	} catch {
		return { ok: false, status: 400, reason: 'bad_body' };
	}
	const parsed = taskDataSchema.safeParse(json);
	if (!parsed.success || !parsed.data.taskId) return { ok: false, status: 400, reason: 'bad_body' };
	const { phase } = statusPhase(parsed.data.status);
	return { ok: true, task: toSnapshot(parsed.data, parsed.data.taskId, phase) };
}
