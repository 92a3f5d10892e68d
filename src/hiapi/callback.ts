// hiapi callbacks: verify the signature over the raw bytes, then parse the task object. Pure (no I/O, no clock).
// hiapi signs with the account's webhook signing key: X-HiAPI-Timestamp is Unix seconds and X-HiAPI-Signature is
// hex HMAC-SHA256(key, `<timestamp>.<raw body>`). The body is the task object GET /v1/tasks/<id> returns in `data`.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { taskDataSchema } from './schemas.js';
import { statusPhase, toSnapshot, type TaskSnapshot } from './status.js';

/** A task object is a few hundred bytes; anything much larger is not a callback. */
export const CALLBACK_MAX_BYTES = 64 * 1024;
/** Signed timestamps more than this many whole seconds from our clock, either way, are refused (replays, skewed clocks). */
export const CALLBACK_TOLERANCE_S = 300;

export type CallbackRefusal = 'missing_signature' | 'bad_signature' | 'stale_timestamp' | 'bad_body';
export type HeaderVerdict = { ok: true; timestamp: string; signature: string } | { ok: false; status: 401; reason: Exclude<CallbackRefusal, 'bad_body'> };
export type CallbackVerdict = { ok: true; task: TaskSnapshot } | { ok: false; status: 400 | 401; reason: CallbackRefusal };

/** A callback as hiapi signed it: what the fleet relay passes on, so every process can verify it again. */
export interface SignedCallback {
	rawBody: Buffer;
	timestamp: string;
	signature: string;
}

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

/**
 * What can be judged before the body arrives: both headers present and well formed, the timestamp within
 * CALLBACK_TOLERANCE_S whole seconds of `now` (epoch ms) either way. hiapi's timestamp is a whole second, so it is
 * compared with ours in whole seconds: exactly 300 s off passes on both sides, 301 s fails on both.
 */
export function checkCallbackHeaders(timestamp: string | undefined, signature: string | undefined, now: number): HeaderVerdict {
	if (!timestamp || !signature) return { ok: false, status: 401, reason: 'missing_signature' };
	if (!/^\d{1,12}$/.test(timestamp) || !/^[0-9a-fA-F]{64}$/.test(signature)) return { ok: false, status: 401, reason: 'bad_signature' };
	if (Math.abs(Math.floor(now / 1000) - Number(timestamp)) > CALLBACK_TOLERANCE_S) return { ok: false, status: 401, reason: 'stale_timestamp' };
	return { ok: true, timestamp, signature };
}

/** Checks the headers, then the signature, and only then reads the body: nothing unauthenticated is parsed. */
export function verifyCallback(input: CallbackInput): CallbackVerdict {
	const headers = checkCallbackHeaders(input.timestamp, input.signature, input.now);
	if (!headers.ok) return headers;
	const expected = Buffer.from(callbackSignature(input.secret, headers.timestamp, input.rawBody), 'hex');
	if (!timingSafeEqual(expected, Buffer.from(headers.signature, 'hex'))) return { ok: false, status: 401, reason: 'bad_signature' };

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
