/**
 * hiapi client: async task API (submit → poll → download from CDN) plus public pricing.
 *
 * Every response is validated with zod (tolerant of extra fields). Errors surface as {@link HiapiError} with a
 * small set of kinds the rest of the bot can act on. The API key is never logged and never put in an error.
 */
import { z } from 'zod';
import type { Logger } from 'pino';
import { backoffMs, deadlineScope } from './deadline.js';
import { downloadImage, type DownloadedImage } from './download.js';
import { errMessage, HiapiError, isTransient, truncate, type HiapiErrorKind } from './errors.js';
import { fetchPricing } from './pricing.js';
import { submitDataSchema, taskDataSchema } from './schemas.js';
import { statusPhase, toSnapshot, type TaskPhase, type TaskSnapshot } from './status.js';
import { HiapiTransport, type TransportOptions } from './transport.js';

export interface HiapiClientOptions extends TransportOptions {
	model: string;
	/** Told about every API request (latency) and every error that is retried (the caller sees the final one). */
	observer?: HiapiObserver;
}

export interface HiapiObserver {
	request(op: 'submit' | 'poll' | 'pricing', seconds: number): void;
	retried(kind: HiapiErrorKind): void;
}

export class HiapiClient {
	private readonly apiKey: string;
	private readonly model: string;
	private readonly log: Logger;
	private readonly http: HiapiTransport;
	private readonly now: () => number;
	private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
	private readonly observer: HiapiObserver | undefined;
	private readonly warnedUnknownStatus = new Set<string>();

	constructor(opts: HiapiClientOptions) {
		if (!opts.baseUrl) throw new TypeError('HiapiClient: baseUrl is required');
		if (!opts.apiKey) throw new TypeError('HiapiClient: apiKey is required');
		if (!opts.model) throw new TypeError('HiapiClient: model is required');
		this.apiKey = opts.apiKey;
		this.model = opts.model;
		this.log = opts.logger;
		this.observer = opts.observer;
		this.http = new HiapiTransport(opts);
		this.now = this.http.now;
		this.sleep = this.http.sleep;
	}

	/** Epoch ms until which every API request of this client is held back (429/503 Retry-After). 0 / past = not paused. */
	pausedUntil(): number {
		return this.http.pausedUntil();
	}

	// ----- submit -----

	async submit(
		input: { prompt: string; aspectRatio: string },
		opts: { idempotencyKey: string; deadline: number; signal?: AbortSignal },
	): Promise<{ taskId: string }> {
		if (!opts.idempotencyKey) throw new TypeError('HiapiClient.submit: idempotencyKey is required');
		const url = `${this.http.baseUrl}/v1/tasks`;
		const body = JSON.stringify({ model: this.model, input: { prompt: input.prompt, aspect_ratio: input.aspectRatio } });
		const scope = deadlineScope(opts.signal, opts.deadline, this.now);
		let attempt = 0;
		try {
			for (;;) {
				attempt++;
				const started = this.now();
				try {
					await this.http.waitForPause(scope.signal, opts.deadline);
					const res = await this.http.send('POST', url, scope.signal, {
						body,
						headers: {
							authorization: `Bearer ${this.apiKey}`,
							'content-type': 'application/json',
							accept: 'application/json',
							'idempotency-key': opts.idempotencyKey,
						},
					});
					const data = this.http.parseEnvelope(res, 'POST', url);
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
					const err = this.http.normalise(e, 'POST', url, opts.signal, scope);
					// Safe to retry everything transient: the Idempotency-Key makes hiapi collapse retries into one task.
					// bad_response is retried too: a garbled 2xx may hide a created task, and the retry recovers its id.
					if (!isTransient(err) || scope.expired()) throw err;
					const waitMs = Math.max(err.retryAfterMs ?? backoffMs(attempt), this.http.pausedUntil() - this.now());
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
		const url = `${this.http.baseUrl}/v1/tasks/${encodeURIComponent(taskId)}`;
		const started = this.now();
		try {
			await this.http.waitForPause(signal);
			const res = await this.http.send('GET', url, signal, {
				headers: { authorization: `Bearer ${this.apiKey}`, accept: 'application/json' },
			});
			const data = this.http.parseEnvelope(res, 'GET', url);
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
			const snap = toSnapshot(d, taskId, phase);
			this.log.debug({ taskId, status: d.status, ms: this.now() - started }, 'hiapi poll');
			return snap;
		} catch (e) {
			throw this.http.normalise(e, 'GET', url, signal);
		}
	}

	async waitForTask(
		taskId: string,
		opts: { intervalMs: number; deadline: number; signal?: AbortSignal; onProgress?: (s: TaskSnapshot) => void },
	): Promise<TaskSnapshot> {
		const scope = deadlineScope(opts.signal, opts.deadline, this.now);
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
					const err = e instanceof HiapiError ? e : this.http.normalise(e, 'GET', `${this.http.baseUrl}/v1/tasks/${taskId}`, opts.signal);
					if (!isTransient(err)) throw err;
					lastError = err;
					failures++;
					waitMs = Math.max(opts.intervalMs, err.retryAfterMs ?? backoffMs(failures), this.http.pausedUntil() - this.now());
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

	download(url: string, opts: { maxBytes: number; signal?: AbortSignal }): Promise<DownloadedImage> {
		return downloadImage(this.http, this.log, url, opts);
	}

	// ----- pricing -----

	fetchPricing(url: string, model: string = this.model): Promise<{ priceMicros: number; version?: string }> {
		return fetchPricing(this.http, this.log, url, model);
	}

	close(): Promise<void> {
		return this.http.close();
	}

	private warnUnknownStatus(taskId: string, status: string): void {
		if (this.warnedUnknownStatus.has(taskId)) return;
		if (this.warnedUnknownStatus.size >= 1000) this.warnedUnknownStatus.clear();
		this.warnedUnknownStatus.add(taskId);
		this.log.warn({ taskId, status }, 'hiapi: unknown task status, treating as running');
	}
}
