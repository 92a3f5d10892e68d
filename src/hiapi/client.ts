// hiapi/: the hiapi client: transport, schemas, errors, submit, poll, download, pricing and callback verification.
/**
 * hiapi client: async task API (submit → poll → download from CDN) plus public pricing.
 *
 * Every response is validated with zod (tolerant of extra fields). Errors surface as {@link HiapiError} with a
 * small set of kinds the rest of the bot can act on. The API key is never logged and never put in an error.
 */
import type { LookupFunction } from 'node:net';
import { z } from 'zod';
import type { Logger } from 'pino';
import { backoffMs, deadlineScope } from './deadline.js';
import { Downloader, type DownloadedImage } from './download.js';
import { HiapiError, isTransient, type HiapiErrorKind } from './errors.js';
import { fetchPricing } from './pricing.js';
import { submitDataSchema, taskDataSchema } from './schemas.js';
import { statusPhase, toSnapshot, type TaskSnapshot } from './status.js';
import { DEFAULT_TIMEOUTS, HiapiTransport, type TransportOptions } from './transport.js';
import { waitForTask, type WaitOptions } from './wait.js';

export interface HiapiClientOptions extends TransportOptions {
	model: string;
	/** Where hiapi POSTs each finished task (`callback` on submit, top level of the body). */
	callbackUrl?: string;
	/** Told about every API request (latency) and every error that is retried (the caller sees the final one). */
	observer?: HiapiObserver;
	/** HIAPI_DOWNLOAD_HOSTS: image hosts besides hiapi's own, the only ones allowed plain http or a private address. */
	downloadHosts?: readonly string[];
	/** The whole of one image download, redirects included (default 30 s). */
	downloadDeadlineMs?: number;
	/** Name resolution for downloads (tests); every answer is still vetted. */
	downloadLookup?: LookupFunction;
}

export interface HiapiObserver {
	request(op: 'submit' | 'poll' | 'pricing', seconds: number): void;
	retried(kind: HiapiErrorKind): void;
}

export class HiapiClient {
	private readonly apiKey: string;
	private readonly model: string;
	private readonly callback: { url: string; when: 'final' } | undefined;
	private readonly log: Logger;
	private readonly http: HiapiTransport;
	private readonly downloader: Downloader;
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
		this.callback = opts.callbackUrl ? { url: opts.callbackUrl, when: 'final' } : undefined;
		this.log = opts.logger;
		this.observer = opts.observer;
		this.http = new HiapiTransport(opts);
		this.now = this.http.now;
		this.sleep = this.http.sleep;
		this.downloader = new Downloader({
			baseUrl: opts.baseUrl,
			hosts: opts.downloadHosts,
			logger: opts.logger,
			connectTimeoutMs: opts.connectTimeoutMs ?? DEFAULT_TIMEOUTS.connectMs,
			headersTimeoutMs: opts.headersTimeoutMs ?? DEFAULT_TIMEOUTS.headersMs,
			bodyTimeoutMs: opts.bodyTimeoutMs ?? DEFAULT_TIMEOUTS.bodyMs,
			deadlineMs: opts.downloadDeadlineMs,
			lookup: opts.downloadLookup,
			now: this.now,
		});
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
		const body = JSON.stringify({
			model: this.model,
			input: { prompt: input.prompt, aspect_ratio: input.aspectRatio },
			...(this.callback ? { callback: this.callback } : {}),
		});
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

	/** Polls until the task succeeds or fails (or a pushed report says so first); see {@link waitForTask}. */
	waitForTask(taskId: string, opts: WaitOptions): Promise<TaskSnapshot> {
		return waitForTask(
			{
				baseUrl: this.http.baseUrl,
				now: this.now,
				sleep: this.sleep,
				log: this.log,
				getTask: (id, signal) => this.getTask(id, signal),
				pausedUntil: () => this.http.pausedUntil(),
				normalise: (e, url, signal) => this.http.normalise(e, 'GET', url, signal),
				retried: (kind) => this.observer?.retried(kind),
			},
			taskId,
			opts,
		);
	}

	// ----- download -----

	/** Only from hiapi's hosts and HIAPI_DOWNLOAD_HOSTS; see {@link Downloader}. */
	download(url: string, opts: { maxBytes: number; signal?: AbortSignal }): Promise<DownloadedImage> {
		return this.downloader.download(url, opts);
	}

	// ----- pricing -----

	fetchPricing(url: string, model: string = this.model): Promise<{ priceMicros: number; version?: string }> {
		return fetchPricing(this.http, this.log, url, model);
	}

	async close(): Promise<void> {
		await Promise.all([this.http.close(), this.downloader.close()]);
	}

	private warnUnknownStatus(taskId: string, status: string): void {
		if (this.warnedUnknownStatus.has(taskId)) return;
		if (this.warnedUnknownStatus.size >= 1000) this.warnedUnknownStatus.clear();
		this.warnedUnknownStatus.add(taskId);
		this.log.warn({ taskId, status }, 'hiapi: unknown task status, treating as running');
	}
}
