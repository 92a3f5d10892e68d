// Waiting for a hiapi task: poll on a schedule until it succeeds or fails. A wake (a verified hiapi callback) makes
// the next poll go out at once, but only a poll's answer ends the wait: what a callback says is never used, so a
// forged or replayed one costs at most a poll. Transient errors are retried; 429/503 Retry-After and the
// client-wide pause always win over the schedule.
import type { Logger } from 'pino';
import { backoffMs, deadlineScope } from './deadline.js';
import { errMessage, HiapiError, isTransient, type HiapiErrorKind, MAX_UPSTREAM_MESSAGE } from './errors.js';
import { truncate } from '../util/text.js';
import type { TaskPhase, TaskSnapshot } from './status.js';

/** Wakes closer together than this are answered by one poll (a replayed callback cannot make polls spin). */
export const WAKE_GAP_MS = 1000;

export interface WaitOptions {
	/** Fixed gap between polls when there is no `nextPollAt` (the first poll then goes out at once). */
	intervalMs: number;
	deadline: number;
	signal?: AbortSignal;
	/** Told when the task's phase changes. */
	onProgress?: (s: TaskSnapshot) => void;
	/** When to poll next (epoch ms), asked before the first poll and after each one. */
	nextPollAt?: (now: number) => number;
	/**
	 * Told about every poll that answered, with the time it was sent and, when a wake sent it, when that wake
	 * arrived (epoch ms).
	 */
	onPoll?: (s: TaskSnapshot, sentAt: number, wokenAt: number | undefined) => void;
	/**
	 * Subscribes to wakes: `ring(at)` means hiapi reported the task finished at `at`, so poll now. Returns the
	 * unsubscribe.
	 */
	wakes?: (ring: (at: number) => void) => () => void;
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

export async function waitForTask(ctx: WaitContext, taskId: string, opts: WaitOptions): Promise<TaskSnapshot> {
	const scope = deadlineScope(opts.signal, opts.deadline, ctx.now);
	const started = ctx.now();
	let lastPhase: TaskPhase | undefined;
	let failures = 0;
	let lastError: HiapiError | undefined;
	let polls = 0;
	// A wake waiting for its poll (the arrival of the first one since the last poll went out), and the nap it cuts short.
	let wokenAt: number | undefined;
	let lastWakePoll = Number.NEGATIVE_INFINITY;
	let napping: (() => void) | undefined;
	const unsubscribe = opts.wakes?.((at) => {
		wokenAt ??= at;
		napping?.();
	});
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
		let dueAt = ctx.now() + (lateStart || !opts.nextPollAt ? 0 : scheduled());
		for (;;) {
			// Sleep until the poll is due; a wake brings it forward (never closer than WAKE_GAP_MS to the last woken poll).
			for (;;) {
				const now = ctx.now();
				const due = wokenAt === undefined ? dueAt : Math.min(dueAt, lastWakePoll + WAKE_GAP_MS);
				if (due <= now) break;
				const remaining = opts.deadline - now;
				if (remaining <= 0) throw timeout();
				const nap = new AbortController();
				const rung = new Promise<'rung'>((resolve) => (napping = () => resolve('rung')));
				const sleeping = ctx.sleep(Math.min(due - now, remaining), AbortSignal.any([scope.signal, nap.signal]));
				sleeping.catch(() => undefined); // abandoned when a wake cuts the nap short
				try {
					// A nap that ran its course ends the wait for this poll (the injected sleep is the clock's word);
					// one cut short by a wake goes round again, to the wake's (throttled) time.
					if ((await Promise.race([sleeping, rung])) !== 'rung') break;
				} catch (sleepErr) {
					if (opts.signal?.aborted) throw opts.signal.reason ?? sleepErr;
					throw timeout();
				} finally {
					napping = undefined;
					nap.abort();
				}
			}
			if (opts.signal?.aborted) throw opts.signal.reason;
			const lastChance = lateStart && polls === 0;
			if (!lastChance && (ctx.now() >= opts.deadline || scope.expired())) throw timeout();
			try {
				polls++;
				const sentAt = ctx.now();
				const woken = wokenAt;
				wokenAt = undefined;
				if (woken !== undefined) lastWakePoll = sentAt;
				const snap = await ctx.getTask(taskId, lastChance ? opts.signal : scope.signal);
				opts.onPoll?.(snap, sentAt, woken);
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
					ctx.log.debug({ taskId, polls, woken: woken !== undefined, ms: ctx.now() - started }, 'hiapi task done');
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
				dueAt = ctx.now() + scheduled();
			} catch (e) {
				if (e instanceof HiapiError && (e.kind === 'task_failed' || e.code === 'EMPTY_OUTPUT')) throw e;
				if (opts.signal?.aborted) throw opts.signal.reason ?? e;
				if (scope.expired() && !lastChance) throw timeout();
				const err = e instanceof HiapiError ? e : ctx.normalise(e, `${ctx.baseUrl}/v1/tasks/${taskId}`, opts.signal);
				if (!isTransient(err)) throw err;
				lastError = err;
				failures++;
				const waitMs = Math.max(scheduled(), err.retryAfterMs ?? backoffMs(failures), ctx.pausedUntil() - ctx.now());
				dueAt = ctx.now() + waitMs;
				ctx.log.warn({ taskId, kind: err.kind, status: err.status, code: err.code, attempt: failures, delayMs: waitMs }, 'hiapi poll retry');
				ctx.retried(err.kind);
			}
		}
	} finally {
		unsubscribe?.();
		scope.dispose();
	}
}
