// Time budgets for hiapi calls: a deadline-bound abort signal, and the backoff between retries.
import { HiapiError } from './errors.js';

export interface DeadlineScope {
	signal: AbortSignal;
	/** True when the scope's own deadline timer fired (as opposed to the caller's signal). */
	expired(): boolean;
	dispose(): void;
}

/** A signal that aborts at `deadline` (wall clock via `now`) or when the caller's signal aborts. */
export function deadlineScope(signal: AbortSignal | undefined, deadline: number, now: () => number): DeadlineScope {
	const ctl = new AbortController();
	let expired = false;
	const remaining = deadline - now();
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

/** Backoff without Retry-After: 0.5 s, 1 s, 2 s … capped at 10 s, with jitter in [50 %, 100 %]. */
export function backoffMs(attempt: number): number {
	const base = Math.min(10_000, 500 * 2 ** Math.max(0, attempt - 1));
	return Math.round(base * (0.5 + Math.random() * 0.5));
}
