/**
 * hiapi HTTP layer: owns the undici dispatcher (explicit connect/headers/body timeouts on every request),
 * reads bounded bodies, and holds back every request while hiapi has asked us to pause (429/503).
 * The API key is never logged and never put in an error.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { IncomingHttpHeaders } from 'node:http';
import { Agent, request, type Dispatcher } from 'undici';
import type { Logger } from 'pino';
import type { DeadlineScope } from './deadline.js';
import { parseEnvelope, redact, type HttpResponse } from './envelope.js';
import { errCode, errMessage, HiapiError, isTimeoutCode, parseRetryAfter } from './errors.js';

const MAX_API_BODY_BYTES = 1024 * 1024;
/** Connect, response-headers and idle-body timeouts unless the options say otherwise (downloads use them too). */
export const DEFAULT_TIMEOUTS = { connectMs: 10_000, headersMs: 30_000, bodyMs: 60_000 } as const;

export type RequestOp = 'submit' | 'poll' | 'pricing';

export interface TransportOptions {
	baseUrl: string;
	apiKey: string;
	logger: Logger;
	/** TCP/TLS connect timeout for the owned Agent (default 10 s). Ignored when `dispatcher` is given. */
	connectTimeoutMs?: number;
	/** Time to receive response headers (default 30 s). */
	headersTimeoutMs?: number;
	/** Max idle time between body chunks (default 60 s). */
	bodyTimeoutMs?: number;
	/** Optional, for API requests; default: an Agent owned (and closed) by the client. Downloads always use their own. */
	dispatcher?: Dispatcher;
	now?: () => number;
	sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
	/** Told the latency of every API request. */
	observer?: { request(op: RequestOp, seconds: number): void };
}

/**
 * Stops reading a response body. undici reports a body destroyed without a reason as an 'error' event, which
 * would be an uncaught exception with no listener, so one is attached first.
 */
export function discardBody(body: { on(event: 'error', listener: () => void): unknown; destroy(): unknown }): void {
	body.on('error', () => undefined);
	body.destroy();
}

export function headerValue(h: IncomingHttpHeaders, name: string): string | undefined {
	const v = h[name];
	return Array.isArray(v) ? v[0] : v;
}

export class HiapiTransport {
	/** Without trailing slashes. */
	readonly baseUrl: string;
	readonly now: () => number;
	readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
	private readonly apiKey: string;
	private readonly log: Logger;
	private readonly headersTimeoutMs: number;
	private readonly bodyTimeoutMs: number;
	private readonly dispatcher: Dispatcher;
	private readonly ownedAgent: Agent | undefined;
	private readonly observer: TransportOptions['observer'];
	private pauseUntil = 0;
	private closed = false;

	constructor(opts: TransportOptions) {
		this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
		this.apiKey = opts.apiKey;
		this.log = opts.logger;
		this.observer = opts.observer;
		this.headersTimeoutMs = opts.headersTimeoutMs ?? DEFAULT_TIMEOUTS.headersMs;
		this.bodyTimeoutMs = opts.bodyTimeoutMs ?? DEFAULT_TIMEOUTS.bodyMs;
		const connectTimeout = opts.connectTimeoutMs ?? DEFAULT_TIMEOUTS.connectMs;
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

	/** Epoch ms until which every API request is held back (429/503 Retry-After). 0 / past = not paused. */
	pausedUntil(): number {
		return this.pauseUntil;
	}

	/** One HTTP request with timeouts; reads the (bounded) body as text. 429/503 set the shared pause. */
	async send(
		method: 'GET' | 'POST',
		url: string,
		signal: AbortSignal | undefined,
		init: { body?: string; headers: Record<string, string> },
		sharedPause = true,
	): Promise<HttpResponse> {
		const started = this.now();
		const op: RequestOp = method === 'POST' ? 'submit' : url.startsWith(`${this.baseUrl}/v1/tasks/`) ? 'poll' : 'pricing';
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
	): Promise<HttpResponse> {
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
			discardBody(res.body);
			throw new HiapiError('bad_response', `response body of ${declared} bytes is too large (${method} ${url})`, { status: res.statusCode, method, url });
		}
		const chunks: Buffer[] = [];
		let total = 0;
		for await (const chunk of res.body) {
			const buf = chunk as Buffer;
			total += buf.length;
			if (total > MAX_API_BODY_BYTES) {
				discardBody(res.body);
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
	parseEnvelope(res: HttpResponse, method: string, url: string): unknown {
		return parseEnvelope(res, method, url, this.apiKey, this.now);
	}

	/** Turns anything thrown by a request into a HiapiError (or rethrows the caller's abort). */
	normalise(e: unknown, method: string, url: string, callerSignal?: AbortSignal, scope?: DeadlineScope): HiapiError {
		if (callerSignal?.aborted) throw callerSignal.reason ?? e;
		if (scope?.expired() && !(e instanceof HiapiError && e.kind !== 'timeout')) {
			return new HiapiError('timeout', `hiapi request hit the deadline (${method} ${url})`, { method, url, cause: e });
		}
		if (e instanceof HiapiError) return e;
		const code = errCode(e);
		if (isTimeoutCode(code)) {
			return new HiapiError('timeout', `hiapi request timed out: ${code} (${method} ${url})`, { method, url, code, cause: e });
		}
		return new HiapiError('unavailable', `hiapi request failed: ${redact(errMessage(e), this.apiKey)} (${method} ${url})`, { method, url, code, cause: e });
	}

	private pause(ms: number, status: number): void {
		const until = this.now() + ms;
		if (until > this.pauseUntil) {
			this.pauseUntil = until;
			this.log.warn({ status, retryAfterMs: ms, pausedUntil: until }, 'hiapi backoff: pausing all requests');
		}
	}

	/** Holds a request back while the client is paused by a 429/503 (shared across every job). */
	async waitForPause(signal?: AbortSignal, deadline?: number): Promise<void> {
		for (;;) {
			const wait = this.pauseUntil - this.now();
			if (wait <= 0) return;
			if (deadline !== undefined && this.now() + wait >= deadline) {
				throw new HiapiError('rate_limited', `hiapi is rate limiting us until after the deadline`, { retryAfterMs: wait });
			}
			await this.sleep(wait, signal);
		}
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
}
