// How long a finished task took (submit → success, ms), from what the wait saw. Pure: no clock, no I/O.
//
// The polls bound it: the task ended after the last poll that saw it running and before the poll that saw it
// done. Inside those bounds the best point is, in order: a callback's arrival (hiapi posts it the moment the task
// ends), hiapi's own `completed − created` (whole seconds, so within a second), or, with neither, the middle of
// the poll gap (within half a gap: ±2.5 s under 5 s fixed polling, which is why it is the last resort).

export interface TaskObservation {
	/** When the task was submitted (epoch ms, the bot's clock). */
	submittedAt: number;
	/** When the last poll that saw the task queued or running was sent. */
	lastPending: number | undefined;
	/** When the poll that saw it succeed was sent. */
	detectedBy: number;
	/** When the callback that sent that poll arrived (undefined: the poll was on schedule). */
	wokenAt: number | undefined;
	/** hiapi's `created` and `completed` (Unix seconds on hiapi's clock), when it sent them. */
	created: number | undefined;
	completed: number | undefined;
	/** POLL_INTERVAL_MS: a poll gap wider than 1.5× this is too coarse to learn from on its own. */
	maxGapMs: number;
}

export type DurationSource = 'callback' | 'hiapi' | 'poll';

export function taskDuration(o: TaskObservation): { ms: number; source: DurationSource } | undefined {
	const lo = o.lastPending === undefined ? 0 : o.lastPending - o.submittedAt;
	const hi = o.detectedBy - o.submittedAt;
	if (!(hi > 0) || lo > hi) return undefined;
	const within = (ms: number) => Math.min(hi, Math.max(lo, ms));
	const hiapi = hiapiDuration(o.created, o.completed);
	if (o.wokenAt !== undefined) {
		const arrived = o.wokenAt - o.submittedAt;
		// A callback hiapi had to retry arrives late: hiapi's own times cap what it can teach.
		const capped = hiapi ? Math.min(hiapi.maxMs, Math.max(hiapi.minMs, arrived)) : arrived;
		return { ms: within(capped), source: 'callback' };
	}
	if (hiapi) return { ms: within(hiapi.ms), source: 'hiapi' };
	if (o.lastPending === undefined || hi - lo > 1.5 * o.maxGapMs) return undefined;
	return { ms: (lo + hi) / 2, source: 'poll' };
}

/** `completed − created` in ms, and how far off it can be: whole seconds are each rounded down, so ±1 s. */
function hiapiDuration(created: number | undefined, completed: number | undefined): { ms: number; minMs: number; maxMs: number } | undefined {
	if (created === undefined || completed === undefined || completed < created) return undefined;
	const ms = (completed - created) * 1000;
	const slack = Number.isInteger(created) && Number.isInteger(completed) ? 1000 : 0;
	return { ms, minMs: ms - slack, maxMs: ms + slack };
}
