// How long a finished task took (submit → success, ms), from what the wait saw. Pure: no clock, no I/O.
//
// The polls bound it: the task ended after the last poll that saw it running and before the poll that saw it
// done. Inside those bounds the best point is, in order: a callback's arrival (hiapi posts it the moment the task
// ends), hiapi's own `completed − created`, or, with neither, the middle of the poll gap (within half a gap: ±2.5 s
// under 5 s fixed polling, which is why it is the last resort). hiapi's times are whole seconds, each rounded down,
// so `completed − created` = D says the duration lies within D ± 1 s, most likely near D (a triangle); within the
// poll bounds, the mean of that triangle is taken: D itself when the polls are coarse, their middle when fine.

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
		const capped = hiapi ? Math.min(hiapi.ms + hiapi.slackMs, Math.max(hiapi.ms - hiapi.slackMs, arrived)) : arrived;
		return { ms: within(capped), source: 'callback' };
	}
	if (hiapi) return { ms: hiapi.slackMs > 0 ? triangleMean(hiapi.ms, hiapi.slackMs, lo, hi) : within(hiapi.ms), source: 'hiapi' };
	if (o.lastPending === undefined || hi - lo > 1.5 * o.maxGapMs) return undefined;
	return { ms: (lo + hi) / 2, source: 'poll' };
}

/** `completed − created` in ms, and how far off it can be: whole seconds are each rounded down, so ±1 s. */
function hiapiDuration(created: number | undefined, completed: number | undefined): { ms: number; slackMs: number } | undefined {
	if (created === undefined || completed === undefined || completed < created) return undefined;
	return { ms: (completed - created) * 1000, slackMs: Number.isInteger(created) && Number.isInteger(completed) ? 1000 : 0 };
}

/**
 * The mean of the triangle peaked at `d` (half-width `w`) over [lo, hi]; the nearest bound to `d` when the two do
 * not overlap (a clock offset between submit and hiapi's `created`).
 */
function triangleMean(d: number, w: number, lo: number, hi: number): number {
	const a = Math.max(lo, d - w) - d;
	const b = Math.min(hi, d + w) - d;
	if (!(b > a)) return Math.min(hi, Math.max(lo, d));
	// Over [p, q] (offsets from d) the density is 1 + s·u/w: s = 1 left of the peak, -1 right of it.
	const moments = (p: number, q: number, s: number) =>
		q > p ? [q - p + (s * (q * q - p * p)) / (2 * w), (q * q - p * p) / 2 + (s * (q ** 3 - p ** 3)) / (3 * w)] : [0, 0];
	const [m0l = 0, m1l = 0] = moments(a, Math.min(b, 0), 1);
	const [m0r = 0, m1r = 0] = moments(Math.max(a, 0), b, -1);
	return d + (m1l + m1r) / (m0l + m0r);
}
