/**
 * hiapi errors: the small set of {@link HiapiError} kinds the rest of the bot can act on, HTTP status
 * classification, Retry-After parsing, and helpers for reading what undici throws.
 */
import { truncate } from '../util/text.js';

export type HiapiErrorKind =
	| 'auth'
	| 'out_of_credit'
	| 'invalid_input'
	| 'rate_limited'
	| 'unavailable'
	| 'not_found'
	| 'task_failed'
	| 'timeout'
	| 'bad_response'
	| 'download_failed'
	| 'too_large';

export interface HiapiErrorDetails {
	status?: number | undefined;
	method?: string | undefined;
	url?: string | undefined;
	code?: string | undefined;
	upstreamMessage?: string | undefined;
	retryAfterMs?: number | undefined;
	cause?: unknown;
}

export class HiapiError extends Error {
	readonly kind: HiapiErrorKind;
	readonly status?: number;
	readonly method?: string;
	readonly url?: string;
	/** hiapi `error_code`, a task error code, or an undici/network error code. */
	readonly code?: string;
	/** What hiapi said; for logs only, never show it to users. */
	readonly upstreamMessage?: string;
	readonly retryAfterMs?: number;

	constructor(kind: HiapiErrorKind, message: string, details: HiapiErrorDetails = {}) {
		super(message, details.cause === undefined ? undefined : { cause: details.cause });
		this.name = 'HiapiError';
		this.kind = kind;
		if (details.status !== undefined) this.status = details.status;
		if (details.method !== undefined) this.method = details.method;
		if (details.url !== undefined) this.url = details.url;
		if (details.code !== undefined) this.code = details.code;
		if (details.upstreamMessage !== undefined) this.upstreamMessage = details.upstreamMessage;
		if (details.retryAfterMs !== undefined) this.retryAfterMs = details.retryAfterMs;
	}
}

/** Upstream text kept for logs is cut to this length. */
export const MAX_UPSTREAM_MESSAGE = 500;
const OUT_OF_CREDIT_RE = /insufficient|\bbalances?\b|\bcredits?\b|\bquotas?\b/i;
const RETRY_AFTER_CAP_MS = 60_000;

/** Pulls `message` / `error_code` out of a hiapi error envelope (or an OpenAI-style `{error:{...}}`). */
function extractUpstream(body: unknown): { message?: string; code?: string } {
	if (typeof body === 'string') {
		const t = body.trim();
		return t ? { message: truncate(t, MAX_UPSTREAM_MESSAGE) } : {};
	}
	if (!body || typeof body !== 'object') return {};
	const o = body as Record<string, unknown>;
	const out: { message?: string; code?: string } = {};
	const nested = o['error'] && typeof o['error'] === 'object' ? (o['error'] as Record<string, unknown>) : undefined;
	const msg = o['message'] ?? nested?.['message'] ?? (typeof o['error'] === 'string' ? o['error'] : undefined);
	if (typeof msg === 'string' && msg.trim()) out.message = truncate(msg.trim(), MAX_UPSTREAM_MESSAGE);
	const code = o['error_code'] ?? nested?.['code'] ?? nested?.['type'];
	if (typeof code === 'string' || typeof code === 'number') out.code = String(code);
	return out;
}

/**
 * Maps an HTTP status (or a hiapi envelope `code`) plus the response body to a {@link HiapiError}.
 * 401 → auth; 402, 403, or a 4xx whose message/error_code matches /insufficient|balance|credit|quota/i → out_of_credit;
 * 400/422 (and other 4xx) → invalid_input; 404 → not_found; 408/409 → unavailable (retryable); 429 → rate_limited;
 * 5xx → unavailable; anything else → bad_response.
 */
export function classifyHttpError(status: number, body?: unknown, ctx: { method?: string; url?: string; retryAfterMs?: number } = {}): HiapiError {
	const upstream = extractUpstream(body);
	const where = ctx.method && ctx.url ? ` (${ctx.method} ${ctx.url})` : '';
	const details: HiapiErrorDetails = {
		status,
		method: ctx.method,
		url: ctx.url,
		code: upstream.code,
		upstreamMessage: upstream.message,
		retryAfterMs: ctx.retryAfterMs,
	};
	const suffix = upstream.code ? ` [${upstream.code}]` : '';
	const mk = (kind: HiapiErrorKind, what: string) => new HiapiError(kind, `hiapi ${what}: HTTP ${status}${suffix}${where}`, details);

	if (status === 401) return mk('auth', 'rejected the API key');
	const text = `${upstream.message ?? ''} ${upstream.code ?? ''}`;
	// The message rule only applies to client errors: a 5xx "load balancer"/"quota service down" is not our wallet.
	// A 429 is always a rate limit to wait out, even when its text mentions a quota.
	if (status === 402 || status === 403 || (status >= 400 && status < 500 && status !== 429 && OUT_OF_CREDIT_RE.test(text))) {
		return mk('out_of_credit', 'account is out of credit');
	}
	if (status === 404) return mk('not_found', 'resource not found');
	if (status === 408 || status === 409) return mk('unavailable', 'asked us to retry');
	if (status === 429) return mk('rate_limited', 'rate limited');
	if (status >= 400 && status < 500) return mk('invalid_input', 'rejected the request');
	if (status >= 500 && status < 600) return mk('unavailable', 'is unavailable');
	return mk('bad_response', 'answered with an unexpected status');
}

/** Parses Retry-After (delta-seconds or HTTP-date) into ms, capped at 60 s. Undefined if absent/garbage. */
export function parseRetryAfter(value: string | string[] | undefined, now: number = Date.now()): number | undefined {
	const v = Array.isArray(value) ? value[0] : value;
	if (v === undefined) return undefined;
	const t = v.trim();
	if (!t) return undefined;
	let ms: number;
	if (/^\d+(\.\d+)?$/.test(t)) {
		ms = Number(t) * 1000;
	} else {
		const at = Date.parse(t);
		if (Number.isNaN(at)) return undefined;
		ms = at - now;
	}
	if (!Number.isFinite(ms)) return undefined;
	return Math.min(Math.max(0, Math.round(ms)), RETRY_AFTER_CAP_MS);
}

/** Errors worth another try: the request may succeed later (or, for bad_response, recover a hidden result). */
export function isTransient(err: HiapiError): boolean {
	return err.kind === 'unavailable' || err.kind === 'rate_limited' || err.kind === 'timeout' || err.kind === 'bad_response';
}

export function isTimeoutCode(code: unknown): boolean {
	return code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT';
}

export function errCode(err: unknown): string | undefined {
	const c = (err as { code?: unknown } | null)?.code;
	return typeof c === 'string' ? c : undefined;
}

export function errMessage(err: unknown): string {
	return err instanceof Error ? err.message : String(err);
}
