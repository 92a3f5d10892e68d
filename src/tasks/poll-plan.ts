// When to poll a hiapi task, learned from how long recent tasks took. Pure: no clock, no I/O.
//
// A plan is a list of poll times (ms after submit). Polls are sparse before tasks usually finish, dense where they
// do, then back off again for a task that runs long. The poll times minimise the mean delay between a task's
// success and the poll that sees it, while spending no more polls per task, on average over the recent durations,
// than fixed polling every POLL_INTERVAL_MS does on them. That trade-off is solved exactly on a 100 ms grid by
// dynamic programming (cost = delay + λ·polls, with λ found by bisection).

export interface PollPlanOptions {
	/** The longest gap between two polls (POLL_INTERVAL_MS). */
	maxGapMs: number;
	/** The shortest gap between two polls of a task (default 500 ms, or maxGapMs when that is smaller). */
	minGapMs?: number;
	/** Below this many recorded durations the plan is fixed polling (default 20). */
	minSamples?: number;
}

export interface PollPlan {
	readonly kind: 'fixed' | 'learned';
	/** Learned poll times (ms after submit); empty for a fixed plan. */
	readonly points: readonly number[];
	/** Mean polls per task this plan and fixed polling spend on the recorded durations (undefined for fixed). */
	readonly expected?: { polls: number; fixedPolls: number; delayMs: number; fixedDelayMs: number };
	/**
	 * When to poll next, as ms after submit. `elapsed`: now, ms after submit; `lastPoll`: the last poll, ms after
	 * submit, or undefined before the first.
	 */
	next(elapsed: number, lastPoll: number | undefined): number;
}

const GRID_MS = 100;
const DEFAULT_MIN_SAMPLES = 20;
/**
 * The plan is fitted to recent tasks; new ones differ a little. Aim this far under fixed polling's poll count so
 * that on fresh tasks it stays at or under it.
 */
const BUDGET_MARGIN = 0.97;
/** Beyond the learned horizon, gaps grow by this factor from the shortest up to the longest. */
const BACKOFF = 1.5;
/** The learned plan covers durations up to this survival; slower tasks get the back-off. */
const TAIL = 0.05;
/** Kernel width reaches the NEIGHBOURS-th nearest recorded duration. */
const NEIGHBOURS = 4;

/** Fixed polling as the landed code does it: once right away, then every maxGapMs. */
export function fixedPlan(maxGapMs: number): PollPlan {
	return {
		kind: 'fixed',
		points: [],
		next: (elapsed, lastPoll) => (lastPoll === undefined ? elapsed : Math.max(elapsed, lastPoll + maxGapMs)),
	};
}

/** The plan for these recent task durations (ms from submit to success). */
export function learnPlan(durations: readonly number[], options: PollPlanOptions): PollPlan {
	const maxGap = options.maxGapMs;
	const minGap = Math.min(options.minGapMs ?? 500, maxGap);
	const samples = durations.filter((d) => Number.isFinite(d) && d > 0);
	if (samples.length < (options.minSamples ?? DEFAULT_MIN_SAMPLES) || maxGap < 2 * GRID_MS) return fixedPlan(maxGap);

	const density = smoothedDensity(samples);
	const solved = solve(density, minGap, maxGap);
	return { kind: 'learned', points: solved.points, expected: solved.expected, next: planner(solved.points, minGap, maxGap) };
}

/** The poll after `lastPoll`: the next learned point, within the gap limits; past the last one, a back-off. */
function planner(points: readonly number[], minGap: number, maxGap: number): PollPlan['next'] {
	const last = points.at(-1) ?? 0;
	return (elapsed, lastPoll) => {
		// Resumed after a restart, past the first point: the task may be done, look now.
		if (lastPoll === undefined && elapsed > (points[0] ?? 0)) return elapsed;
		const earliest = lastPoll === undefined ? elapsed : Math.max(elapsed, lastPoll + minGap);
		const latest = (lastPoll ?? 0) + maxGap;
		let at = points.find((p) => p >= earliest);
		if (at === undefined) {
			// A task this slow is unusual: gaps grow again, from the shortest up to the longest.
			at = last;
			let step = minGap;
			while (at < earliest) {
				at += step;
				step = Math.min(maxGap, step * BACKOFF);
			}
		}
		return Math.max(earliest, Math.min(at, latest));
	};
}

/** Cell k of the grid holds the probability that a task finishes in ((k-1)·GRID, k·GRID]. */
interface Density {
	mass: Float64Array;
	/** Fixed polling's mean polls per task and mean delay on the samples themselves. */
	fixed: (maxGap: number) => { polls: number; delayMs: number };
}

/**
 * The durations as a distribution on the grid, each spread over ±max(250 ms, 4 %): durations learned from polls
 * are known to within a poll gap, and a plan should not fit the exact values of the last 200 tasks.
 */
function smoothedDensity(samples: readonly number[]): Density {
	const sorted = [...samples].sort((a, b) => a - b);
	const halves = sorted.map((s, index) => {
		// Wider where durations are sparse (the long tail), so one slow task does not attract a cluster of polls.
		const below = sorted[index - NEIGHBOURS];
		const above = sorted[index + NEIGHBOURS];
		const neighbour = Math.min(below === undefined ? Infinity : s - below, above === undefined ? Infinity : above - s);
		return Math.max(250, s * 0.04, Number.isFinite(neighbour) ? neighbour : 0);
	});
	const horizon = Math.max(...sorted.map((s, index) => s + (halves[index] ?? 0)));
	const mass = new Float64Array(Math.ceil(horizon / GRID_MS) + 2);
	const w = 1 / samples.length;
	for (const [index, s] of sorted.entries()) {
		const half = halves[index] ?? 250;
		const lo = Math.max(1, s - half);
		const hi = s + half;
		for (let k = Math.max(1, Math.ceil(lo / GRID_MS)); (k - 1) * GRID_MS < hi; k++) {
			const overlap = Math.min(hi, k * GRID_MS) - Math.max(lo, (k - 1) * GRID_MS);
			if (overlap > 0) mass[k] = (mass[k] ?? 0) + (w * overlap) / (hi - lo);
		}
	}
	return {
		mass,
		fixed: (maxGap) => {
			let polls = 0;
			let delay = 0;
			for (const s of samples) {
				const detected = Math.ceil(s / maxGap) * maxGap;
				polls += detected / maxGap + 1; // the first poll comes right after submit
				delay += detected - s;
			}
			return { polls: polls / samples.length, delayMs: delay / samples.length };
		},
	};
}

interface Solved {
	points: number[];
	expected: NonNullable<PollPlan['expected']>;
}

function solve(density: Density, minGap: number, maxGap: number): Solved {
	const { mass } = density;
	const n = mass.length - 1;
	// Prefix sums: probability finished by cell k, and the same weighted by the cell's mid time.
	const cdf = new Float64Array(n + 1);
	const tsum = new Float64Array(n + 1);
	for (let k = 1; k <= n; k++) {
		cdf[k] = (cdf[k - 1] ?? 0) + (mass[k] ?? 0);
		tsum[k] = (tsum[k - 1] ?? 0) + (mass[k] ?? 0) * (k - 0.5) * GRID_MS;
	}
	const total = cdf[n] ?? 1;
	const survival = (k: number) => Math.max(0, total - (cdf[k] ?? 0));
	// Expected delay of the tasks finishing in cells (i, j] when the poll after i is at j.
	const delay = (i: number, j: number) => j * GRID_MS * ((cdf[j] ?? 0) - (cdf[i] ?? 0)) - ((tsum[j] ?? 0) - (tsum[i] ?? 0));
	const minStep = Math.max(1, Math.ceil(minGap / GRID_MS));
	const maxStep = Math.max(minStep, Math.floor(maxGap / GRID_MS));
	const value = new Float64Array(n + 1);
	const choice = new Int32Array(n + 1);
	// Past the learned region the plan is the back-off; its cost from each possible last point, computed once.
	const tailDelay = new Float64Array(n + 1);
	const tailPolls = new Float64Array(n + 1);
	for (let i = n; i >= 0 && survival(i) <= TAIL * total; i--) {
		let at = i * GRID_MS;
		let step = minGap;
		let count = 0;
		for (let k = i + 1; k <= n; k++) {
			const finish = (k - 0.5) * GRID_MS;
			while (at < finish) {
				at += step;
				step = Math.min(maxGap, step * BACKOFF);
				count++;
			}
			tailDelay[i] = (tailDelay[i] ?? 0) + (mass[k] ?? 0) * (at - finish);
			tailPolls[i] = (tailPolls[i] ?? 0) + (mass[k] ?? 0) * count;
		}
	}

	const plan = (lambda: number): { points: number[]; polls: number; delayMs: number } => {
		// value[i]: least future cost after a poll at cell i that found the task still running.
		for (let i = n; i >= 0; i--) {
			if (survival(i) <= TAIL * total) {
				value[i] = (tailDelay[i] ?? 0) + lambda * (tailPolls[i] ?? 0);
				choice[i] = -1;
				continue;
			}
			let best = Number.POSITIVE_INFINITY;
			let arg = -1;
			// Submit counts as the start: no task goes unobserved for longer than the longest gap, so an early
			// failure is still noticed within POLL_INTERVAL_MS and a change in hiapi's speed is learned quickly.
			const from = i === 0 ? 1 : i + minStep;
			const to = Math.min(n, i + maxStep);
			for (let j = from; j <= to; j++) {
				const cost = lambda * survival(i) + delay(i, j) + (value[j] ?? 0);
				if (cost < best) {
					best = cost;
					arg = j;
				}
			}
			if (arg < 0) {
				// Only reachable near the horizon when the minimum gap overshoots it: poll once more at the end.
				arg = n;
				best = lambda * survival(i) + delay(i, n);
			}
			value[i] = best;
			choice[i] = arg;
		}
		const points: number[] = [];
		for (let i = 0; (choice[i] ?? -1) > i; i = choice[i] ?? n) points.push((choice[i] ?? n) * GRID_MS);
		return { points, ...evaluate(points) };
	};

	// Mean polls and delay of the whole plan (learned points, then the back-off) over the distribution.
	const evaluate = (points: number[]): { polls: number; delayMs: number } => {
		const next = planner(points, minGap, maxGap);
		let polls = 0;
		let delayMs = 0;
		let last: number | undefined;
		let at = 0;
		let count = 0;
		for (let k = 1; k <= n; k++) {
			const finish = (k - 0.5) * GRID_MS;
			while (at < finish) {
				at = next(at, last);
				last = at;
				count++;
			}
			polls += ((mass[k] ?? 0) * count) / total;
			delayMs += ((mass[k] ?? 0) * (at - finish)) / total;
		}
		return { polls, delayMs };
	};
	const fixed = density.fixed(maxGap);
	const budget = fixed.polls * BUDGET_MARGIN;
	// Bisection on λ (the price of one poll in ms of delay): the least delay that fits fixed polling's budget.
	let lo = 0;
	let hi = 1;
	while (plan(hi).polls > budget && hi < 1e9) hi *= 4;
	let best = plan(hi);
	for (let step = 0; step < 30; step++) {
		const mid = (lo + hi) / 2;
		const candidate = plan(mid);
		if (candidate.polls <= budget) {
			best = candidate;
			hi = mid;
		} else {
			lo = mid;
		}
	}
	return {
		points: best.points,
		expected: { polls: best.polls, fixedPolls: fixed.polls, delayMs: best.delayMs, fixedDelayMs: fixed.delayMs },
	};
}
