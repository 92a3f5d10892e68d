// Fixed 5 s polling vs the adaptive plan on the same task durations, on an injected clock: the plan is learned from
// 200 recorded durations (as the bot keeps them) and judged on 5,000 fresh tasks from the same distribution.
import { fixedPlan, learnPlan, type PollPlan } from '../../src/tasks/poll-plan.js';
import { mean, ms, percentile, seeded, sortNum } from './util.js';

export interface PollingRow {
	distribution: string;
	schedule: string;
	meanDelayMs: number;
	p95DelayMs: number;
	pollsPerTask: number;
}

/** Success → detecting poll, and polls made, for one task of `duration` under `plan`. */
function simulate(plan: PollPlan, duration: number): { delay: number; polls: number } {
	let last: number | undefined;
	for (let t = 0, polls = 1; ; polls++) {
		t = plan.next(t, last);
		if (t >= duration) return { delay: t - duration, polls };
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

export function pollingFigures(maxGapMs = 5000): PollingRow[] {
	const rows: PollingRow[] = [];
	for (const [i, d] of DISTRIBUTIONS.entries()) {
		const random = seeded(1000 + i);
		const history = Array.from({ length: 200 }, () => d.sample(random));
		const fresh = Array.from({ length: 5000 }, () => d.sample(random));
		for (const [schedule, plan] of [
			[`fixed ${maxGapMs / 1000} s`, fixedPlan(maxGapMs)],
			['adaptive', learnPlan(history, { maxGapMs })],
		] as const) {
			const runs = fresh.map((t) => simulate(plan, t));
			const delays = sortNum(runs.map((r) => r.delay));
			rows.push({
				distribution: d.name,
				schedule,
				meanDelayMs: mean(delays),
				p95DelayMs: percentile(delays, 95),
				pollsPerTask: mean(runs.map((r) => r.polls)),
			});
		}
	}
	return rows;
}

export function pollingTable(rows: PollingRow[]): string[][] {
	return rows.map((r, i) => [i % 2 === 0 ? r.distribution : '', r.schedule, ms(r.meanDelayMs), ms(r.p95DelayMs), r.pollsPerTask.toFixed(2)]);
}
