// Waiting for a hiapi task: poll on a schedule until it succeeds or fails, unless a pushed report (a hiapi callback)
// says so first. Transient errors are retried; 429/503 Retry-After and the client-wide pause always win over the
// schedule. A pushed report ends the wait exactly as a poll returning it would.
import type { Logger } from 'pino';
import { backoffMs, deadlineScope } from './deadline.js';
import { errMessage, HiapiError, isTransient, type HiapiErrorKind, MAX_UPSTREAM_MESSAGE } from './errors.js';
import { truncate } from '../util/text.js';
import type { TaskPhase, TaskSnapshot } from './status.js';

export interface WaitOptions {
	/** Fixed gap between polls when there is no `nextPollAt` (the first poll then goes out at once). */
	intervalMs: number;
	deadline: number;
	signal?: AbortSignal;
	/** Told when the task's phase changes. */
	onProgress?: (s: TaskSnapshot) => void;
	/** When to poll next (epoch ms), asked before the first poll and after each one. */
	nextPollAt?: (now: number) => number;
	/** Told about every poll that answered, with the time it was sent. */
	onPoll?: (s: TaskSnapshot, sentAt: number) => void;
	/** Resolves with a final snapshot reported by other means (a callback); never rejects. */
	pushed?: Promise<TaskSnapshot>;
}

export interface WaitContext {
	baseUrl: string;
	now: () => number;
	sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
	log: Logger;
	getTask(taskId: string, signal?: AbortSignal): Promise<TaskSnapshot>;
	pausedUntil(): number;
	normalise(e: unknown, url: string, callerSignal?: AbortSignal): HiapiError;
	retried(kind: HiapiErrorKind): void;
}

/** A pushed report, readable synchronously once it has arrived. */
interface Push {
	value: TaskSnapshot | undefined;
	arrived: Promise<void>;
}

export async function waitForTask(ctx: WaitContext, taskId: string, opts: WaitOptions): Promise<TaskSnapshot> {
	const scope = deadlineScope(opts.signal, opts.deadline, ctx.now);
	const started = ctx.now();
	let lastPhase: TaskPhase | undefined;
	let failures = 0;
	let lastError: HiapiError | undefined;
	let polls = 0;
	let push: Push | undefined;
	if (opts.pushed) {
		const p: Push = { value: undefined, arrived: Promise.resolve() };
		// Only a final report ends the wait; anything else is ignored (polling carries on).
		p.arrived = opts.pushed.then((s) => {
			if (s.phase !== 'success' && s.phase !== 'failed') return new Promise<void>(() => undefined);
			p.value = s;
		});
		push = p;
	}
	const scheduled = () => (opts.nextPollAt ? Math.max(0, opts.nextPollAt(ctx.now()) - ctx.now()) : opts.intervalMs);
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
		const lateStart = ctx.now() >= opts.deadline;
		let waitMs = lateStart || !opts.nextPollAt ? 0 : scheduled();
		for (;;) {
			if (waitMs > 0 && !push?.value) {
				const remaining = opts.deadline - ctx.now();
				if (remaining <= 0) throw timeout();
				try {
					await nap(ctx, Math.min(waitMs, remaining), scope.signal, push);
				} catch (sleepErr) {
					if (opts.signal?.aborted) throw opts.signal.reason ?? sleepErr;
					throw timeout();
				}
			}
			if (opts.signal?.aborted) throw opts.signal.reason;
			const lastChance = lateStart && polls === 0;
			if (!push?.value && !lastChance && (ctx.now() >= opts.deadline || scope.expired())) throw timeout();
			try {
				let snap = push?.value;
				if (!snap) {
					polls++;
					const sentAt = ctx.now();
					snap = (await pollOrPush(ctx, taskId, lastChance ? opts.signal : scope.signal, push)) ?? push?.value;
					if (!snap) continue; // unreachable: pollOrPush returns undefined only once a push arrived
					if (snap !== push?.value) opts.onPoll?.(snap, sentAt);
				}
				failures = 0;
				if (snap.phase !== lastPhase) {
					lastPhase = snap.phase;
					if (opts.onProgress) {
						try {
							opts.onProgress(snap);
						} catch (cbErr) {
							ctx.log.warn({ taskId, err: errMessage(cbErr) }, 'hiapi onProgress callback threw');
						}
					}
				}
				if (snap.phase === 'success') {
					if (snap.output.length === 0) {
						throw new HiapiError('bad_response', `hiapi task ${taskId} succeeded without any output`, { code: 'EMPTY_OUTPUT' });
					}
					ctx.log.debug({ taskId, polls, pushed: snap === push?.value, ms: ctx.now() - started }, 'hiapi task done');
					return snap;
				}
				if (snap.phase === 'failed') {
					const code = snap.error?.code;
					const message = snap.error?.message;
					throw new HiapiError('task_failed', `hiapi task ${taskId} ${snap.status}${code ? ` [${code}]` : ''}`, {
						code: code ?? snap.status,
						upstreamMessage: message === undefined ? undefined : truncate(message, MAX_UPSTREAM_MESSAGE),
					});
				}
				waitMs = scheduled();
			} catch (e) {
				if (e instanceof HiapiError && (e.kind === 'task_failed' || e.code === 'EMPTY_OUTPUT')) throw e;
				if (opts.signal?.aborted) throw opts.signal.reason ?? e;
				if (scope.expired() && !lastChance) throw timeout();
				const err = e instanceof HiapiError ? e : ctx.normalise(e, `${ctx.baseUrl}/v1/tasks/${taskId}`, opts.signal);
				if (!isTransient(err)) throw err;
				lastError = err;
				failures++;
				waitMs = Math.max(scheduled(), err.retryAfterMs ?? backoffMs(failures), ctx.pausedUntil() - ctx.now());
				ctx.log.warn({ taskId, kind: err.kind, status: err.status, code: err.code, attempt: failures, delayMs: waitMs }, 'hiapi poll retry');
				ctx.retried(err.kind);
			}
		}
	} finally {
		scope.dispose();
	}
}

/** Sleeps `ms`, or less when a pushed report arrives. */
async function nap(ctx: WaitContext, ms: number, signal: AbortSignal, push: Push | undefined): Promise<void> {
	if (!push) return ctx.sleep(ms, signal);
	const woken = new AbortController();
	const sleeping = ctx.sleep(ms, AbortSignal.any([signal, woken.signal]));
	sleeping.catch(() => undefined); // abandoned once the push wins; its rejection is expected then
	try {
		await Promise.race([sleeping, push.arrived]);
	} finally {
		woken.abort();
	}
}

/** One poll, abandoned (undefined) when a pushed report arrives first. */
async function pollOrPush(ctx: WaitContext, taskId: string, signal: AbortSignal | undefined, push: Push | undefined): Promise<TaskSnapshot | undefined> {
	if (!push) return ctx.getTask(taskId, signal);
	const woken = new AbortController();
	const polling = ctx.getTask(taskId, signal ? AbortSignal.any([signal, woken.signal]) : woken.signal);
	polling.catch(() => undefined); // abandoned once the push wins
	try {
		return await Promise.race([polling, push.arrived.then(() => undefined)]);
	} finally {
		woken.abort();
	}
}
