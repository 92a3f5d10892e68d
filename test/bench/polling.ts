// Fixed 5 s polling vs the adaptive plan on the same task durations, on an injected clock. The adaptive plan is run
// as the bot runs it: tasks one after another (one every 36 s), each task's duration learned from what its wait saw,
// the plan rebuilt from the history at most once a minute. Two learners: before, the middle of the poll gap that saw
// the task finish (±2.5 s under the first 20 tasks' fixed polling); after, hiapi's own created/completed (whole
// seconds), within the polls (src/tasks/task-duration.ts). Figures for the first hour (tasks 21–100, right after the
// plan starts learning, pooled over RUNS runs) and the steady state (the plan learned over 300 tasks, judged on 5,000
// fresh ones); "ideal" learns from the exact durations, as the earlier bench did.
import { fixedPlan, learnPlan, type PollPlan } from '../../src/tasks/poll-plan.js';
import { taskDuration } from '../../src/tasks/task-duration.js';
import { mean, ms, percentile, seeded, sortNum } from './util.js';

export interface PollingRow {
	distribution: string;
	schedule: string;
	meanDelayMs: number;
	p95DelayMs: number;
	pollsPerTask: number;
}

const KEEP = 200; // DurationHistory keeps the last 200
const TASK_EVERY_MS = 36_000; // 100 tasks an hour
const REPLAN_EVERY_MS = 60_000; // TaskWatch rebuilds the plan at most this often
const FIRST_HOUR = { from: 21, to: 100 };
const RUNS = 10;
const STEADY_TASKS = 300;

/** Success → detecting poll, polls made, and the polls around the end, for one task of `duration` under `plan`. */
function simulate(plan: PollPlan, duration: number): { delay: number; polls: number; lastPending: number | undefined; detectedBy: number } {
	let last: number | undefined;
	for (let t = 0, polls = 1; ; polls++) {
		t = plan.next(t, last);
		if (t >= duration) return { delay: t - duration, polls, lastPending: last, detectedBy: t };
		last = t;
	}
}

function gaussian(random: () => number): number {
	return Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());
}

/** The distributions: what the seed saw (14–19 s), and a realistic long tail (busy hours, retries). */
export const DISTRIBUTIONS: Array<{ name: string; sample: (random: () => number) => number }> = [
	{ name: 'uniform 14–19 s', sample: (r) => 14_000 + r() * 5000 },
	{
		name: 'long tail (lognormal ~15.5 s, 8 % slow to 60 s+)',
		sample: (r) => (r() < 0.92 ? 15_500 * Math.exp(0.12 * gaussian(r)) : 20_000 - Math.log(r() || 1e-12) * 15_000),
	},
];

type Learner = (seen: ReturnType<typeof simulate>, duration: number, random: () => number, maxGapMs: number) => number | undefined;

/** Before: the middle of the gap between the last poll that saw the task running and the one that saw it done. */
const fromPollGap: Learner = (seen, _d, _r, maxGapMs) =>
	seen.lastPending === undefined || seen.detectedBy - seen.lastPending > 1.5 * maxGapMs ? undefined : (seen.lastPending + seen.detectedBy) / 2;

/** After: the bot's own rule, given hiapi's created/completed (whole seconds; the task starts at a random sub-second). */
const fromHiapiTimes: Learner = (seen, duration, random, maxGapMs) => {
	const start = random() * 1000;
	return taskDuration({
		submittedAt: 0,
		lastPending: seen.lastPending,
		detectedBy: seen.detectedBy,
		wokenAt: undefined,
		created: Math.floor(start / 1000),
		completed: Math.floor((start + duration) / 1000),
		maxGapMs,
	})?.ms;
};

/** The earlier bench's assumption: each duration known exactly. */
const exact: Learner = (_seen, duration) => duration;

/** Runs `tasks` tasks through the learning loop; returns each task's result and the final history. */
function learningLoop(sample: () => number, random: () => number, learner: Learner, tasks: number, maxGapMs: number) {
	const history: number[] = [];
	let plan: PollPlan = fixedPlan(maxGapMs);
	let plannedAt = Number.NEGATIVE_INFINITY;
	let version = 0;
	let planVersion = 0;
	const results: Array<{ delay: number; polls: number }> = [];
	for (let i = 1; i <= tasks; i++) {
		const now = i * TASK_EVERY_MS;
		if (version !== planVersion && now - plannedAt >= REPLAN_EVERY_MS) {
			plan = learnPlan(history, { maxGapMs });
			planVersion = version;
			plannedAt = now;
		}
		const duration = sample();
		const seen = simulate(plan, duration);
		results.push({ delay: seen.delay, polls: seen.polls });
		const learned = learner(seen, duration, random, maxGapMs);
		if (learned !== undefined && learned > 0) {
			history.push(Math.round(learned));
			if (history.length > KEEP) history.shift();
			version += 1;
		}
	}
	return { results, history };
}

function row(distribution: string, schedule: string, runs: Array<{ delay: number; polls: number }>): PollingRow {
	const delays = sortNum(runs.map((r) => r.delay));
	return { distribution, schedule, meanDelayMs: mean(delays), p95DelayMs: percentile(delays, 95), pollsPerTask: mean(runs.map((r) => r.polls)) };
}

export function pollingFigures(maxGapMs = 5000): PollingRow[] {
	const rows: PollingRow[] = [];
	const learners: Array<[string, Learner]> = [
		['before: poll-gap middle', fromPollGap],
		["after: hiapi's created/completed", fromHiapiTimes],
	];
	for (const [i, d] of DISTRIBUTIONS.entries()) {
		const fresh = (() => {
			const random = seeded(1000 + i);
			return Array.from({ length: 5000 }, () => d.sample(random));
		})();
		rows.push(
			row(
				d.name,
				`fixed ${maxGapMs / 1000} s`,
				fresh.map((t) => simulate(fixedPlan(maxGapMs), t)),
			),
		);
		for (const [label, learner] of learners) {
			// Same tasks for both learners: the same seeds.
			const firstHour: Array<{ delay: number; polls: number }> = [];
			for (let run = 0; run < RUNS; run++) {
				const random = seeded(2000 + 100 * i + run);
				const { results } = learningLoop(() => d.sample(random), seeded(9000 + run), learner, FIRST_HOUR.to, maxGapMs);
				firstHour.push(...results.slice(FIRST_HOUR.from - 1, FIRST_HOUR.to));
			}
			rows.push(row(d.name, `adaptive, tasks ${FIRST_HOUR.from}–${FIRST_HOUR.to}, ${label}`, firstHour));
		}
		for (const [label, learner] of [...learners, ['ideal: exact durations', exact] as const]) {
			const random = seeded(3000 + i);
			const { history } = learningLoop(() => d.sample(random), seeded(9999), learner, STEADY_TASKS, maxGapMs);
			const steady = learnPlan(history, { maxGapMs });
			rows.push(
				row(
					d.name,
					`adaptive, steady state, ${label}`,
					fresh.map((t) => simulate(steady, t)),
				),
			);
		}
	}
	return rows;
}

export function pollingTable(rows: PollingRow[]): string[][] {
	return rows.map((r, i) => [
		i === 0 || rows[i - 1]?.distribution !== r.distribution ? r.distribution : '',
		r.schedule,
		ms(r.meanDelayMs),
		ms(r.p95DelayMs),
		r.pollsPerTask.toFixed(2),
	]);
}
