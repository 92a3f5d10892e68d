/**
 * hiapi client: async task API (submit → poll → download from CDN) plus public pricing.
 *
 * Built on undici with explicit connect/headers/body timeouts on every request; every response is
 * validated with zod (tolerant of extra fields). Errors surface as {@link HiapiError} with a small set
 * of kinds the rest of the bot can act on. The API key is never logged and never put in an error.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { IncomingHttpHeaders } from 'node:http';
import { Agent, request, type Dispatcher } from 'undici';
import { z } from 'zod';
import type { Logger } from 'pino';

// ---------------------------------------------------------------------------------------------
// Errors

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

const MAX_UPSTREAM_MESSAGE = 500;
const OUT_OF_CREDIT_RE = /insufficient|\bbalances?\b|\bcredits?\b|\bquotas?\b/i;
const RETRY_AFTER_CAP_MS = 60_000;
const MAX_API_BODY_BYTES = 1024 * 1024;

function truncate(s: string, max = MAX_UPSTREAM_MESSAGE): string {
	return s.length > max ? `${s.slice(0, max)}…` : s;
}

/** Pulls `message` / `error_code` out of a hiapi error envelope (or an OpenAI-style `{error:{...}}`). */
function extractUpstream(body: unknown): { message?: string; code?: string } {
	if (typeof body === 'string') {
		const t = body.trim();
		return t ? { message: truncate(t) } : {};
	}
	if (!body || typeof body !== 'object') return {};
	const o = body as Record<string, unknown>;
	const out: { message?: string; code?: string } = {};
	const nested = o['error'] && typeof o['error'] === 'object' ? (o['error'] as Record<string, unknown>) : undefined;
	const msg = o['message'] ?? nested?.['message'] ?? (typeof o['error'] === 'string' ? o['error'] : undefined);
	if (typeof msg === 'string' && msg.trim()) out.message = truncate(msg.trim());
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
export function classifyHttpError(
	status: number,
	body?: unknown,
	ctx: { method?: string; url?: string; retryAfterMs?: number } = {},
): HiapiError {
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

// ---------------------------------------------------------------------------------------------
// Response schemas (tolerant: extra fields are kept, shapes are loose where hiapi has varied)

const envelopeSchema = z.looseObject({
	code: z.number().optional(),
	message: z.string().nullish(),
	data: z.unknown(),
	error_code: z.string().nullish(),
});

const submitDataSchema = z
	.looseObject({
		taskId: z.string().min(1).optional(),
		task_id: z.string().min(1).optional(),
	})
	.refine((d) => d.taskId !== undefined || d.task_id !== undefined, { message: 'data.taskId is missing' });

const outputItemSchema = z.union([
	z.looseObject({
		url: z.string().min(1),
		type: z.string().nullish(),
		expireAt: z.union([z.string(), z.number()]).nullish(),
	}),
	z.string().min(1).transform((url) => ({ url, type: undefined, expireAt: undefined })),
]);

const taskDataSchema = z.looseObject({
	taskId: z.string().nullish(),
	status: z.string().min(1),
	output: z
		.union([z.array(outputItemSchema), outputItemSchema])
		.nullish()
		.transform((o) => (o == null ? [] : Array.isArray(o) ? o : [o])),
	error: z
		.union([
			z.looseObject({
				code: z.union([z.string(), z.number()]).nullish(),
				message: z.string().nullish(),
			}),
			z.string().transform((message) => ({ code: undefined, message })),
		])
		.nullish(),
});

const pricingEntrySchema = z.looseObject({
	model_name: z.string().optional(),
	model: z.string().optional(),
	name: z.string().optional(),
	base_usd_value: z.union([z.number(), z.string()]).optional(),
	usd: z.union([z.number(), z.string()]).optional(),
	price: z.union([z.number(), z.string()]).optional(),
});

// ---------------------------------------------------------------------------------------------
// Public types

export interface HiapiClientOptions {
	baseUrl: string;
	apiKey: string;
	model: string;
	logger: Logger;
	/** TCP/TLS connect timeout for the owned Agent (default 10 s). Ignored when `dispatcher` is given. */
	connectTimeoutMs?: number;
	/** Time to receive response headers (default 30 s). */
	headersTimeoutMs?: number;
	/** Max idle time between body chunks (default 60 s). */
	bodyTimeoutMs?: number;
	/** Optional; default: an Agent owned (and closed) by the client. */
	dispatcher?: Dispatcher;
	now?: () => number;
	sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
	/** Told about every API request (latency) and every error that is retried (the caller sees the final one). */
	observer?: HiapiObserver;
}

export interface HiapiObserver {
	request(op: 'submit' | 'poll' | 'pricing', seconds: number): void;
	retried(kind: HiapiErrorKind): void;
}

export type TaskPhase = 'queued' | 'running' | 'success' | 'failed';

export interface TaskSnapshot {
	taskId: string;
	/** Raw status string from hiapi. */
	status: string;
	phase: TaskPhase;
	output: Array<{ url: string; type?: string; expireAt?: string | number }>;
	error?: { code?: string; message?: string };
}

export interface DownloadedImage {
	bytes: Buffer;
	contentType: string;
	extension: 'png' | 'jpg' | 'webp' | 'gif';
}

const QUEUED_STATUSES = new Set(['queued']);
const RUNNING_STATUSES = new Set(['handling', 'archiving', 'pending', 'processing']);
const SUCCESS_STATUSES = new Set(['success']);
const FAILED_STATUSES = new Set(['fail', 'failed', 'canceled', 'cancelled']);

/** Maps a raw hiapi status to a phase; `known` is false for statuses we have never seen (treated as running). */
export function statusPhase(status: string): { phase: TaskPhase; known: boolean } {
	const s = status.trim().toLowerCase();
	if (QUEUED_STATUSES.has(s)) return { phase: 'queued', known: true };
	if (RUNNING_STATUSES.has(s)) return { phase: 'running', known: true };
	if (SUCCESS_STATUSES.has(s)) return { phase: 'success', known: true };
	if (FAILED_STATUSES.has(s)) return { phase: 'failed', known: true };
	return { phase: 'running', known: false };
}

// ---------------------------------------------------------------------------------------------
// Image sniffing

function sniffImage(b: Buffer): { contentType: string; extension: DownloadedImage['extension'] } | undefined {
	if (b.length >= 8 && b.readUInt32BE(0) === 0x89504e47 && b.readUInt32BE(4) === 0x0d0a1a0a) {
		return { contentType: 'image/png', extension: 'png' };
	}
	if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return { contentType: 'image/jpeg', extension: 'jpg' };
	if (b.length >= 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') {
		return { contentType: 'image/webp', extension: 'webp' };
	}
	if (b.length >= 6 && (b.toString('latin1', 0, 6) === 'GIF87a' || b.toString('latin1', 0, 6) === 'GIF89a')) {
		return { contentType: 'image/gif', extension: 'gif' };
	}
	return undefined;
}

const CONTENT_TYPE_EXT: Record<string, DownloadedImage['extension']> = {
	'image/png': 'png',
	'image/jpeg': 'jpg',
	'image/jpg': 'jpg',
	'image/webp': 'webp',
	'image/gif': 'gif',
};

function headerValue(h: IncomingHttpHeaders, name: string): string | undefined {
	const v = h[name];
	return Array.isArray(v) ? v[0] : v;
}

function isTimeoutCode(code: unknown): boolean {
	return code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT';
}

function errCode(err: unknown): string | undefined {
	const c = (err as { code?: unknown } | null)?.code;
	return typeof c === 'string' ? c : undefined;
}

function errMessage(err: unknown): string {
	return err instanceof Error ? err.message : String(err);
}

/** Backoff without Retry-After: 0.5 s, 1 s, 2 s … capped at 10 s, with jitter in [50 %, 100 %]. */
function backoffMs(attempt: number): number {
	const base = Math.min(10_000, 500 * 2 ** Math.max(0, attempt - 1));
	return Math.round(base * (0.5 + Math.random() * 0.5));
}

interface DeadlineScope {
	signal: AbortSignal;
	/** True when the scope's own deadline timer fired (as opposed to the caller's signal). */
	expired(): boolean;
	dispose(): void;
}

// ---------------------------------------------------------------------------------------------
// Client

export class HiapiClient {
	private readonly baseUrl: string;
	private readonly apiKey: string;
	private readonly model: string;
	private readonly log: Logger;
	private readonly headersTimeoutMs: number;
	private readonly bodyTimeoutMs: number;
	private readonly dispatcher: Dispatcher;
	private readonly ownedAgent: Agent | undefined;
	private readonly now: () => number;
	private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
	private pauseUntil = 0;
	private readonly observer: HiapiObserver | undefined;
	private readonly warnedUnknownStatus = new Set<string>();
	private closed = false;

	constructor(opts: HiapiClientOptions) {
		if (!opts.baseUrl) throw new TypeError('HiapiClient: baseUrl is required');
		if (!opts.apiKey) throw new TypeError('HiapiClient: apiKey is required');
		if (!opts.model) throw new TypeError('HiapiClient: model is required');
		this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
		this.apiKey = opts.apiKey;
		this.model = opts.model;
		this.log = opts.logger;
		this.observer = opts.observer;
		this.headersTimeoutMs = opts.headersTimeoutMs ?? 30_000;
		this.bodyTimeoutMs = opts.bodyTimeoutMs ?? 60_000;
		const connectTimeout = opts.connectTimeoutMs ?? 10_000;
		if (opts.dispatcher) {
			this.dispatcher = opts.dispatcher;
			this.ownedAgent = undefined;
		} else {
			this.ownedAgent = new Agent({
				connectTimeout,
				headersTimeout: this.headersTimeoutMs,
				bodyTimeout: this.bodyTimeoutMs,
			});
			this.dispatcher = this.ownedAgent;
		}
		this.now = opts.now ?? Date.now;
		this.sleep = opts.sleep ?? ((ms, signal) => delay(ms, undefined, signal ? { signal } : undefined));
	}

	/** Epoch ms until which every API request of this client is held back (429/503 Retry-After). 0 / past = not paused. */
	pausedUntil(): number {
		return this.pauseUntil;
	}

	// ----- submit -----

	async submit(
		input: { prompt: string; aspectRatio: string },
		opts: { idempotencyKey: string; deadline: number; signal?: AbortSignal },
	): Promise<{ taskId: string }> {
		if (!opts.idempotencyKey) throw new TypeError('HiapiClient.submit: idempotencyKey is required');
		const url = `${this.baseUrl}/v1/tasks`;
		const body = JSON.stringify({ model: this.model, input: { prompt: input.prompt, aspect_ratio: input.aspectRatio } });
		const scope = this.deadlineScope(opts.signal, opts.deadline);
		let attempt = 0;
		try {
			for (;;) {
				attempt++;
				const started = this.now();
				try {
					await this.waitForPause(scope.signal, opts.deadline);
					const res = await this.send('POST', url, scope.signal, {
						body,
						headers: {
							authorization: `Bearer ${this.apiKey}`,
							'content-type': 'application/json',
							accept: 'application/json',
							'idempotency-key': opts.idempotencyKey,
						},
					});
					const data = this.parseEnvelope(res, 'POST', url);
					const parsed = submitDataSchema.safeParse(data);
					if (!parsed.success) {
						throw new HiapiError('bad_response', `hiapi submit response has no taskId (POST ${url}): ${z.prettifyError(parsed.error)}`, {
							status: res.status,
							method: 'POST',
							url,
						});
					}
					const taskId = (parsed.data.taskId ?? parsed.data.task_id) as string;
					this.log.debug({ taskId, attempt, ms: this.now() - started }, 'hiapi submit');
					return { taskId };
				} catch (e) {
					const err = this.normalise(e, 'POST', url, opts.signal, scope);
					// Safe to retry everything transient: the Idempotency-Key makes hiapi collapse retries into one task.
					// bad_response is retried too: a garbled 2xx may hide a created task, and the retry recovers its id.
					const retryable = err.kind === 'unavailable' || err.kind === 'rate_limited' || err.kind === 'timeout' || err.kind === 'bad_response';
					if (!retryable || scope.expired()) throw err;
					const waitMs = Math.max(err.retryAfterMs ?? backoffMs(attempt), this.pauseUntil - this.now());
					if (this.now() + waitMs >= opts.deadline) {
						this.log.warn({ kind: err.kind, status: err.status, code: err.code, attempt }, 'hiapi submit: giving up, deadline reached');
						throw err;
					}
					this.log.warn({ kind: err.kind, status: err.status, code: err.code, attempt, delayMs: waitMs }, 'hiapi submit retry');
					this.observer?.retried(err.kind);
					try {
						await this.sleep(waitMs, scope.signal);
					} catch (sleepErr) {
						if (opts.signal?.aborted) throw opts.signal.reason ?? sleepErr;
						throw err;
					}
				}
			}
		} finally {
			scope.dispose();
		}
	}

	// ----- poll -----

	async getTask(taskId: string, signal?: AbortSignal): Promise<TaskSnapshot> {
		const url = `${this.baseUrl}/v1/tasks/${encodeURIComponent(taskId)}`;
		const started = this.now();
		try {
			await this.waitForPause(signal);
			const res = await this.send('GET', url, signal, {
				headers: { authorization: `Bearer ${this.apiKey}`, accept: 'application/json' },
			});
			const data = this.parseEnvelope(res, 'GET', url);
			const parsed = taskDataSchema.safeParse(data);
			if (!parsed.success) {
				throw new HiapiError('bad_response', `hiapi task response does not match the schema (GET ${url}): ${z.prettifyError(parsed.error)}`, {
					status: res.status,
					method: 'GET',
					url,
				});
			}
			const d = parsed.data;
			const { phase, known } = statusPhase(d.status);
			if (!known) this.warnUnknownStatus(taskId, d.status);
			const snap: TaskSnapshot = {
				taskId: d.taskId || taskId,
				status: d.status,
				phase,
				output: d.output.map((o) => {
					const item: TaskSnapshot['output'][number] = { url: o.url };
					if (o.type != null) item.type = o.type;
					if (o.expireAt != null) item.expireAt = o.expireAt;
					return item;
				}),
			};
			if (d.error) {
				const error: NonNullable<TaskSnapshot['error']> = {};
				if (d.error.code != null) error.code = String(d.error.code);
				if (d.error.message != null) error.message = d.error.message;
				snap.error = error;
			}
			this.log.debug({ taskId, status: d.status, ms: this.now() - started }, 'hiapi poll');
			return snap;
		} catch (e) {
			throw this.normalise(e, 'GET', url, signal);
		}
	}

	async waitForTask(
		taskId: string,
		opts: { intervalMs: number; deadline: number; signal?: AbortSignal; onProgress?: (s: TaskSnapshot) => void },
	): Promise<TaskSnapshot> {
		const scope = this.deadlineScope(opts.signal, opts.deadline);
		const started = this.now();
		let lastPhase: TaskPhase | undefined;
		let failures = 0;
		let lastError: HiapiError | undefined;
		let polls = 0;
		const timeout = () =>
			new HiapiError(
				'timeout',
				`hiapi task ${taskId} did not finish before the deadline (${polls} polls, last phase ${lastPhase ?? 'none'}` +
					`${lastError ? `, last error ${lastError.kind}: ${lastError.message}` : ''})`,
				{ cause: lastError, code: lastError?.code },
			);
		try {
			// If the deadline has already passed (e.g. a job resumed after a restart), still poll once, bounded only by
			// the request timeouts: a task that finished meanwhile was paid for and should not be thrown away.
			const lateStart = this.now() >= opts.deadline;
			for (;;) {
				if (opts.signal?.aborted) throw opts.signal.reason;
				const lastChance = lateStart && polls === 0;
				if (!lastChance && (this.now() >= opts.deadline || scope.expired())) throw timeout();
				let waitMs = opts.intervalMs;
				try {
					polls++;
					const snap = await this.getTask(taskId, lastChance ? opts.signal : scope.signal);
					failures = 0;
					if (snap.phase !== lastPhase) {
						lastPhase = snap.phase;
						if (opts.onProgress) {
							try {
								opts.onProgress(snap);
							} catch (cbErr) {
								this.log.warn({ taskId, err: errMessage(cbErr) }, 'hiapi onProgress callback threw');
							}
						}
					}
					if (snap.phase === 'success') {
						if (snap.output.length === 0) {
							throw new HiapiError('bad_response', `hiapi task ${taskId} succeeded without any output`, { code: 'EMPTY_OUTPUT' });
						}
						this.log.debug({ taskId, polls, ms: this.now() - started }, 'hiapi task done');
						return snap;
					}
					if (snap.phase === 'failed') {
						const code = snap.error?.code;
						const message = snap.error?.message;
						throw new HiapiError('task_failed', `hiapi task ${taskId} ${snap.status}${code ? ` [${code}]` : ''}`, {
							code: code ?? snap.status,
							upstreamMessage: message === undefined ? undefined : truncate(message),
						});
					}
				} catch (e) {
					if (e instanceof HiapiError && (e.kind === 'task_failed' || e.code === 'EMPTY_OUTPUT')) throw e;
					if (opts.signal?.aborted) throw opts.signal.reason ?? e;
					if (scope.expired() && !lastChance) throw timeout();
					const err = e instanceof HiapiError ? e : this.normalise(e, 'GET', `${this.baseUrl}/v1/tasks/${taskId}`, opts.signal);
					const transient =
						err.kind === 'unavailable' || err.kind === 'rate_limited' || err.kind === 'timeout' || err.kind === 'bad_response';
					if (!transient) throw err;
					lastError = err;
					failures++;
					waitMs = Math.max(opts.intervalMs, err.retryAfterMs ?? backoffMs(failures), this.pauseUntil - this.now());
					this.log.warn({ taskId, kind: err.kind, status: err.status, code: err.code, attempt: failures, delayMs: waitMs }, 'hiapi poll retry');
					this.observer?.retried(err.kind);
				}
				const remaining = opts.deadline - this.now();
				if (remaining <= 0) throw timeout();
				try {
					await this.sleep(Math.min(waitMs, remaining), scope.signal);
				} catch (sleepErr) {
					if (opts.signal?.aborted) throw opts.signal.reason ?? sleepErr;
					throw timeout();
				}
			}
		} finally {
			scope.dispose();
		}
	}

	// ----- download -----

	async download(url: string, opts: { maxBytes: number; signal?: AbortSignal }): Promise<DownloadedImage> {
		let current = url;
		const started = this.now();
		try {
			for (let redirects = 0; ; redirects++) {
				// No Authorization header: the CDN link is a bearer URL and must never see our API key.
				const res = await request(current, {
					method: 'GET',
					dispatcher: this.dispatcher,
					headers: { accept: 'image/png,image/jpeg,image/webp,image/gif,image/*;q=0.8' },
					headersTimeout: this.headersTimeoutMs,
					bodyTimeout: this.bodyTimeoutMs,
					signal: opts.signal ?? null,
				});
				const status = res.statusCode;
				const location = headerValue(res.headers, 'location');
				if (status >= 300 && status < 400 && location && [301, 302, 303, 307, 308].includes(status)) {
					res.body.dump().catch(() => {});
					if (redirects >= 5) throw new HiapiError('download_failed', `too many redirects downloading ${url}`, { status, method: 'GET', url });
					current = new URL(location, current).toString();
					continue;
				}
				if (status < 200 || status >= 300) {
					res.body.dump().catch(() => {});
					const kind: HiapiErrorKind = status === 429 || status >= 500 ? 'unavailable' : 'download_failed';
					const why = status === 403 || status === 404 || status === 410 ? ' (link expired or gone)' : '';
					throw new HiapiError(kind, `image download failed: HTTP ${status}${why} (GET ${current})`, { status, method: 'GET', url: current });
				}
				const declared = headerValue(res.headers, 'content-length');
				const declaredLen = declared !== undefined && /^\d+$/.test(declared) ? Number(declared) : undefined;
				if (declaredLen !== undefined && declaredLen > opts.maxBytes) {
					res.body.destroy();
					throw new HiapiError('too_large', `image is ${declaredLen} bytes, over the ${opts.maxBytes}-byte limit (GET ${current})`, {
						status,
						method: 'GET',
						url: current,
					});
				}
				const chunks: Buffer[] = [];
				let total = 0;
				for await (const chunk of res.body) {
					const buf = chunk as Buffer;
					total += buf.length;
					if (total > opts.maxBytes) {
						res.body.destroy();
						throw new HiapiError('too_large', `image exceeded the ${opts.maxBytes}-byte limit while downloading (GET ${current})`, {
							status,
							method: 'GET',
							url: current,
						});
					}
					chunks.push(buf);
				}
				const bytes = Buffer.concat(chunks, total);
				if (declaredLen !== undefined && declaredLen !== total) {
					throw new HiapiError('download_failed', `image download truncated: got ${total} of ${declaredLen} bytes (GET ${current})`, {
						status,
						method: 'GET',
						url: current,
					});
				}
				if (total === 0) throw new HiapiError('download_failed', `image download was empty (GET ${current})`, { status, method: 'GET', url: current });
				const headerType = (headerValue(res.headers, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
				const sniffed = sniffImage(bytes);
				let result: DownloadedImage;
				if (sniffed) {
					result = { bytes, ...sniffed };
				} else {
					const ext = CONTENT_TYPE_EXT[headerType];
					if (!ext) {
						throw new HiapiError('download_failed', `downloaded file is not an image (content-type ${headerType || 'none'}) (GET ${current})`, {
							status,
							method: 'GET',
							url: current,
						});
					}
					this.log.warn({ url: current, contentType: headerType, bytes: total }, 'hiapi download: unrecognised magic bytes, trusting content-type');
					result = { bytes, contentType: headerType === 'image/jpg' ? 'image/jpeg' : headerType, extension: ext };
				}
				this.log.debug({ bytes: total, contentType: result.contentType, ms: this.now() - started }, 'hiapi download');
				return result;
			}
		} catch (e) {
			if (e instanceof HiapiError) throw e;
			if (opts.signal?.aborted) throw opts.signal.reason ?? e;
			const code = errCode(e);
			if (isTimeoutCode(code)) {
				throw new HiapiError('timeout', `image download timed out (GET ${current})`, { method: 'GET', url: current, code, cause: e });
			}
			// Truncated body (content-length mismatch, socket closed mid-body) or a failed connection to the CDN.
			throw new HiapiError('download_failed', `image download failed: ${errMessage(e)} (GET ${current})`, {
				method: 'GET',
				url: current,
				code,
				cause: e,
			});
		}
	}

	// ----- pricing -----

	async fetchPricing(url: string, model: string = this.model): Promise<{ priceMicros: number; version?: string }> {
		let res: { status: number; headers: IncomingHttpHeaders; text: string };
		try {
			res = await this.send('GET', url, undefined, { headers: { accept: 'application/json' } }, false);
		} catch (e) {
			if (e instanceof HiapiError && e.kind === 'bad_response') throw e;
			throw new HiapiError('unavailable', `pricing fetch failed: ${errMessage(e)} (GET ${url})`, {
				method: 'GET',
				url,
				code: errCode(e),
				cause: e,
			});
		}
		if (res.status < 200 || res.status >= 300) {
			throw new HiapiError('unavailable', `pricing fetch failed: HTTP ${res.status} (GET ${url})`, {
				status: res.status,
				method: 'GET',
				url,
				upstreamMessage: truncate(res.text),
			});
		}
		let json: unknown;
		try {
			json = JSON.parse(res.text);
		} catch {
			throw new HiapiError('bad_response', `pricing response is not valid JSON (GET ${url})`, { status: res.status, method: 'GET', url });
		}
		const root = json as Record<string, unknown> | unknown[] | null;
		let list: unknown = Array.isArray(root) ? root : root && typeof root === 'object' ? root['data'] : undefined;
		if (list && !Array.isArray(list) && typeof list === 'object') list = (list as Record<string, unknown>)['data'] ?? (list as Record<string, unknown>)['models'];
		if (!Array.isArray(list)) {
			throw new HiapiError('bad_response', `pricing response has no data array (GET ${url})`, { status: res.status, method: 'GET', url });
		}
		const entries = list.flatMap((e) => {
			const p = pricingEntrySchema.safeParse(e);
			return p.success ? [p.data] : [];
		});
		const nameOf = (e: z.infer<typeof pricingEntrySchema>) => e.model_name ?? e.model ?? e.name;
		const entry = entries.find((e) => nameOf(e) === model) ?? entries.find((e) => nameOf(e)?.toLowerCase() === model.toLowerCase());
		if (!entry) {
			throw new HiapiError('bad_response', `pricing has no entry for model ${model} (GET ${url})`, { status: res.status, method: 'GET', url });
		}
		const raw = entry.base_usd_value ?? entry.usd ?? entry.price;
		const usd = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
		if (typeof usd !== 'number' || !Number.isFinite(usd) || usd < 0) {
			throw new HiapiError('bad_response', `pricing entry for ${model} has no valid USD price (GET ${url})`, { status: res.status, method: 'GET', url });
		}
		const out: { priceMicros: number; version?: string } = { priceMicros: Math.round(usd * 1e6) };
		const obj = !Array.isArray(root) && root && typeof root === 'object' ? root : undefined;
		const version = obj?.['pricing_version'] ?? obj?.['version'];
		if (typeof version === 'string' || typeof version === 'number') out.version = String(version);
		this.log.debug({ model, priceMicros: out.priceMicros, version: out.version }, 'hiapi pricing');
		return out;
	}

	async close(): Promise<void> {
		if (this.closed) return;
		this.closed = true;
		const agent = this.ownedAgent;
		if (!agent) return;
		// Let in-flight requests finish, but do not hang shutdown on one (pricing fetches take no signal).
		let timer: NodeJS.Timeout | undefined;
		const gaveUp = new Promise<'timeout'>((resolve) => {
			timer = setTimeout(() => resolve('timeout'), 5000);
			timer.unref();
		});
		try {
			if ((await Promise.race([agent.close().then(() => 'closed' as const), gaveUp])) === 'timeout') {
				await agent.destroy();
			}
		} finally {
			clearTimeout(timer);
		}
	}

	// ----- internals -----

	/** One HTTP request with timeouts; reads the (bounded) body as text. 429/503 set the shared pause. */
	private async send(
		method: 'GET' | 'POST',
		url: string,
		signal: AbortSignal | undefined,
		init: { body?: string; headers: Record<string, string> },
		sharedPause = true,
	): Promise<{ status: number; headers: IncomingHttpHeaders; text: string }> {
		const started = this.now();
		const op = method === 'POST' ? 'submit' : url.startsWith(`${this.baseUrl}/v1/tasks/`) ? 'poll' : 'pricing';
		try {
			return await this.sendOnce(method, url, signal, init, sharedPause);
		} finally {
			this.observer?.request(op, (this.now() - started) / 1000);
		}
	}

	private async sendOnce(
		method: 'GET' | 'POST',
		url: string,
		signal: AbortSignal | undefined,
		init: { body?: string; headers: Record<string, string> },
		sharedPause: boolean,
	): Promise<{ status: number; headers: IncomingHttpHeaders; text: string }> {
		const res = await request(url, {
			method,
			dispatcher: this.dispatcher,
			headers: init.headers,
			body: init.body ?? null,
			headersTimeout: this.headersTimeoutMs,
			bodyTimeout: this.bodyTimeoutMs,
			signal: signal ?? null,
		});
		const declared = Number(headerValue(res.headers, 'content-length'));
		if (Number.isFinite(declared) && declared > MAX_API_BODY_BYTES) {
			res.body.destroy();
			throw new HiapiError('bad_response', `response body of ${declared} bytes is too large (${method} ${url})`, { status: res.statusCode, method, url });
		}
		const chunks: Buffer[] = [];
		let total = 0;
		for await (const chunk of res.body) {
			const buf = chunk as Buffer;
			total += buf.length;
			if (total > MAX_API_BODY_BYTES) {
				res.body.destroy();
				throw new HiapiError('bad_response', `response body is too large (${method} ${url})`, { status: res.statusCode, method, url });
			}
			chunks.push(buf);
		}
		const text = Buffer.concat(chunks, total).toString('utf8');
		const status = res.statusCode;
		if (sharedPause && (status === 429 || status === 503)) {
			const retryAfterMs = parseRetryAfter(res.headers['retry-after'], this.now());
			this.pause(retryAfterMs ?? 1000, status);
		}
		return { status, headers: res.headers, text };
	}

	/** Checks the HTTP status and hiapi envelope, returning `data` or throwing a classified error. */
	private parseEnvelope(res: { status: number; headers: IncomingHttpHeaders; text: string }, method: string, url: string): unknown {
		let json: unknown;
		let parsedOk = true;
		try {
			json = JSON.parse(res.text);
		} catch {
			parsedOk = false;
		}
		const retryAfterMs = parseRetryAfter(res.headers['retry-after'], this.now());
		const ctx: { method: string; url: string; retryAfterMs?: number } = { method, url };
		if (retryAfterMs !== undefined) ctx.retryAfterMs = retryAfterMs;
		if (res.status < 200 || res.status >= 300) {
			return this.fail(classifyHttpError(res.status, parsedOk ? json : res.text, ctx));
		}
		if (!parsedOk) {
			throw new HiapiError('bad_response', `hiapi answered HTTP ${res.status} with a body that is not JSON (${method} ${url})`, {
				status: res.status,
				method,
				url,
				upstreamMessage: this.redact(truncate(res.text, 200)),
			});
		}
		const env = envelopeSchema.safeParse(json);
		if (!env.success) {
			throw new HiapiError('bad_response', `hiapi answered HTTP ${res.status} with an unexpected envelope (${method} ${url}): ${z.prettifyError(env.error)}`, {
				status: res.status,
				method,
				url,
			});
		}
		const code = env.data.code;
		if (code !== undefined && code !== 0 && code !== 200) {
			// HTTP 2xx but the envelope carries an error code: classify by that code.
			return this.fail(classifyHttpError(code >= 100 && code < 600 ? code : 500, json, ctx));
		}
		if (env.data.data == null) {
			throw new HiapiError('bad_response', `hiapi answered HTTP ${res.status} without data (${method} ${url})`, { status: res.status, method, url });
		}
		return env.data.data;
	}

	private fail(err: HiapiError): never {
		if (err.upstreamMessage && err.upstreamMessage.includes(this.apiKey)) {
			throw new HiapiError(err.kind, this.redact(err.message), {
				status: err.status,
				method: err.method,
				url: err.url,
				code: err.code,
				upstreamMessage: this.redact(err.upstreamMessage),
				retryAfterMs: err.retryAfterMs,
			});
		}
		throw err;
	}

	private redact(s: string): string {
		return this.apiKey ? s.split(this.apiKey).join('[redacted]') : s;
	}

	/** Turns anything thrown by a request into a HiapiError (or rethrows the caller's abort). */
	private normalise(e: unknown, method: string, url: string, callerSignal?: AbortSignal, scope?: DeadlineScope): HiapiError {
		if (callerSignal?.aborted) throw callerSignal.reason ?? e;
		if (scope?.expired() && !(e instanceof HiapiError && e.kind !== 'timeout')) {
			return new HiapiError('timeout', `hiapi request hit the deadline (${method} ${url})`, { method, url, cause: e });
		}
		if (e instanceof HiapiError) return e;
		const code = errCode(e);
		if (isTimeoutCode(code)) {
			return new HiapiError('timeout', `hiapi request timed out: ${code} (${method} ${url})`, { method, url, code, cause: e });
		}
		return new HiapiError('unavailable', `hiapi request failed: ${this.redact(errMessage(e))} (${method} ${url})`, { method, url, code, cause: e });
	}

	private pause(ms: number, status: number): void {
		const until = this.now() + ms;
		if (until > this.pauseUntil) {
			this.pauseUntil = until;
			this.log.warn({ status, retryAfterMs: ms, pausedUntil: until }, 'hiapi backoff: pausing all requests');
		}
	}

	/** Holds a request back while the client is paused by a 429/503 (shared across every job). */
	private async waitForPause(signal?: AbortSignal, deadline?: number): Promise<void> {
		for (;;) {
			const wait = this.pauseUntil - this.now();
			if (wait <= 0) return;
			if (deadline !== undefined && this.now() + wait >= deadline) {
				throw new HiapiError('rate_limited', `hiapi is rate limiting us until after the deadline`, { retryAfterMs: wait });
			}
			await this.sleep(wait, signal);
		}
	}

	private warnUnknownStatus(taskId: string, status: string): void {
		if (this.warnedUnknownStatus.has(taskId)) return;
		if (this.warnedUnknownStatus.size >= 1000) this.warnedUnknownStatus.clear();
		this.warnedUnknownStatus.add(taskId);
		this.log.warn({ taskId, status }, 'hiapi: unknown task status, treating as running');
	}

	/** A signal that aborts at `deadline` (wall clock via `now`) or when the caller's signal aborts. */
	private deadlineScope(signal: AbortSignal | undefined, deadline: number): DeadlineScope {
		const ctl = new AbortController();
		let expired = false;
		const remaining = deadline - this.now();
		const timer = setTimeout(
			() => {
				expired = true;
				ctl.abort(new HiapiError('timeout', 'deadline reached'));
			},
			Math.max(0, Math.min(remaining, 2 ** 31 - 1)),
		);
		timer.unref();
		const combined = signal ? AbortSignal.any([signal, ctl.signal]) : ctl.signal;
		return {
			signal: combined,
			expired: () => expired,
			dispose: () => clearTimeout(timer),
		};
	}
}
