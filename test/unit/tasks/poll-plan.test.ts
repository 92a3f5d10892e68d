// The poll plan, with an injected clock: what it learns from durations, the limits it keeps, and how a job's
// wait follows it against a real HTTP server whose tasks finish on the same virtual clock.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { HiapiClient } from '../../../src/hiapi/index.js';
import { createMetrics } from '../../../src/metrics.js';
import { fixedPlan, learnPlan, type PollPlan } from '../../../src/tasks/poll-plan.js';
import { Store } from '../../../src/storage/store.js';
import { DurationHistory } from '../../../src/tasks/durations.js';
import { TaskWaiters } from '../../../src/tasks/waiters.js';
import { SAFETY_POLL_MS, TaskWatch } from '../../../src/tasks/watch.js';

const logger = pino({ level: 'silent' });

/** Deterministic durations: uniform in [from, to). */
function uniform(n: number, from: number, to: number, seed = 7): number[] {
	let s = seed;
	return Array.from({ length: n }, () => {
		s = (s * 1103515245 + 12345) % 2 ** 31;
		return from + (s / 2 ** 31) * (to - from);
	});
}

/** Walks a plan for a task of `duration`: the poll times until one sees it done. */
function polls(plan: PollPlan, duration: number): number[] {
	const times: number[] = [];
	let last: number | undefined;
	for (let t = 0; times.length < 1000;) {
		t = plan.next(t, last);
		times.push(t);
		if (t >= duration) return times;
		last = t;
	}
	throw new Error('plan never reached the task');
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('poll plan', () => {
	it('is fixed polling (at once, then every interval) until 20 durations are known', () => {
		const plan = learnPlan(uniform(19, 14_000, 19_000), { maxGapMs: 5000 });
		expect(plan.kind).toBe('fixed');
		expect(polls(plan, 16_000)).toEqual([0, 5000, 10_000, 15_000, 20_000]);
		expect(polls(fixedPlan(5000), 16_000)).toEqual([0, 5000, 10_000, 15_000, 20_000]);
	});

	it('learns: sparse early, dense where tasks finish; fewer polls and less delay than fixed polling on fresh tasks', () => {
		const plan = learnPlan(uniform(200, 14_000, 19_000), { maxGapMs: 5000 });
		expect(plan.kind).toBe('learned');
		const fresh = uniform(2000, 14_000, 19_000, 99);
		const adaptive = fresh.map((d) => polls(plan, d));
		const fixed = fresh.map((d) => polls(fixedPlan(5000), d));
		const delay = (runs: number[][]) => mean(runs.map((r, i) => (r.at(-1) ?? 0) - (fresh[i] ?? 0)));
		expect(mean(adaptive.map((r) => r.length))).toBeLessThanOrEqual(mean(fixed.map((r) => r.length)));
		expect(delay(adaptive)).toBeLessThan(delay(fixed) / 2);
		// Gaps before 14 s are long; inside the window they are short.
		const gaps = plan.points.map((p, i) => p - (plan.points[i - 1] ?? 0));
		const early = gaps.filter((_, i) => (plan.points[i] ?? 0) < 14_000);
		const dense = gaps.filter((_, i) => (plan.points[i] ?? 0) > 15_500 && (plan.points[i] ?? 0) <= 19_000);
		expect(Math.min(...early)).toBeGreaterThanOrEqual(4000);
		expect(Math.max(...dense)).toBeLessThanOrEqual(2000);
	});

	it('keeps every gap within [500 ms, POLL_INTERVAL_MS], counting from submit, and backs off for a task that runs long', () => {
		const plan = learnPlan(uniform(200, 14_000, 19_000), { maxGapMs: 5000 });
		const times = polls(plan, 120_000);
		const gaps = times.map((t, i) => t - (times[i - 1] ?? 0));
		expect(Math.max(...gaps)).toBeLessThanOrEqual(5000);
		expect(Math.min(...gaps)).toBeGreaterThanOrEqual(500);
		// Past the learned region, each gap is at least the one before, up to the longest.
		const tail = gaps.slice(times.findIndex((t) => t > 25_000));
		expect(tail.length).toBeGreaterThan(10);
		for (let i = 1; i < tail.length; i++) expect(tail[i]).toBeGreaterThanOrEqual(tail[i - 1] ?? 0);
		expect(tail.at(-1)).toBe(5000);
		// A short POLL_INTERVAL_MS lowers the floor with it.
		const quick = polls(learnPlan(uniform(200, 1000, 2000), { maxGapMs: 200 }), 1500);
		expect(Math.max(...quick.map((t, i) => t - (quick[i - 1] ?? 0)))).toBeLessThanOrEqual(200);
	});

	it('polls at once when a job resumes past the first planned poll', () => {
		const plan = learnPlan(uniform(200, 14_000, 19_000), { maxGapMs: 5000 });
		expect(plan.next(60_000, undefined)).toBe(60_000);
		expect(plan.next(0, undefined)).toBe(plan.points[0]);
	});
});

describe('duration history', () => {
	it('keeps the last 200 durations in the store, across a restart', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'durations-'));
		try {
			const url = `sqlite://${join(dir, 'd.sqlite')}`;
			const first = await Store.open(url, logger);
			const history = new DurationHistory(first, logger);
			await history.load();
			for (let i = 1; i <= 250; i++) history.add(i * 100);
			history.add(-5); // nonsense is not recorded
			await history.flush();
			await first.close();

			const second = await Store.open(url, logger);
			const reloaded = new DurationHistory(second, logger);
			await reloaded.load();
			expect(reloaded.durations).toHaveLength(200);
			expect(reloaded.durations[0]).toBe(5100);
			expect(reloaded.durations.at(-1)).toBe(25_000);
			await second.close();
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});
});

// ---------------------------------------------------------------------------------------------------------
// A job's wait, on a virtual clock: sleep() advances time instead of waiting.

class VirtualClock {
	t = 1_000_000;
	now = () => this.t;
	sleep = (ms: number) => {
		this.t += Math.max(0, ms);
		return Promise.resolve();
	};
}

interface FakeHiapi {
	url: string;
	polls: number[];
	/** The next polls answer 429 with this Retry-After (seconds). */
	rateLimitNext(times: number, retryAfterS: number): void;
	close(): Promise<void>;
}

/**
 * A hiapi task API whose single task finishes at `doneAt` on the virtual clock; with `createdAt`, its answers carry
 * hiapi's `created` and `completed` (whole Unix seconds, completed 0 until the end), as the real task object does.
 */
async function fakeHiapi(clock: VirtualClock, doneAt: () => number, createdAt?: number): Promise<FakeHiapi> {
	const polls: number[] = [];
	let limited = 0;
	let retryAfter = 0;
	const server: Server = createServer((req, res) => {
		polls.push(clock.t);
		if (limited > 0) {
			limited--;
			res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(retryAfter) });
			res.end(JSON.stringify({ code: 429, message: 'slow down', data: null }));
			return;
		}
		const done = clock.t >= doneAt();
		const times = createdAt === undefined ? {} : { created: Math.floor(createdAt / 1000), completed: done ? Math.floor(doneAt() / 1000) : 0 };
		const data = done
			? { taskId: 'tk-1', status: 'success', output: [{ url: 'http://127.0.0.1:1/cdn/tk-1.png' }], ...times }
			: { taskId: 'tk-1', status: 'handling', output: null, ...times };
		res.writeHead(200, { 'content-type': 'application/json' });
		res.end(JSON.stringify({ code: 200, message: 'success', data }));
		void req;
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		polls,
		rateLimitNext(times, seconds) {
			limited = times;
			retryAfter = seconds;
		},
		close: () => new Promise((resolve) => server.close(() => resolve())),
	};
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
	for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(o: { durations: number[]; callbacks?: boolean; doneAfter: number; hiapiTimes?: boolean }) {
	const clock = new VirtualClock();
	const submittedAt = clock.t;
	const api = await fakeHiapi(clock, () => submittedAt + o.doneAfter, o.hiapiTimes ? submittedAt : undefined);
	const hiapi = new HiapiClient({ baseUrl: api.url, apiKey: 'test-key-123', model: 'm', logger, now: clock.now, sleep: (ms) => clock.sleep(ms) });
	const store = await Store.open('sqlite://:memory:', logger);
	cleanups.push(
		() => api.close(),
		() => hiapi.close(),
		() => store.close(),
	);
	const history = new DurationHistory(store, logger);
	for (const d of o.durations) history.add(d);
	const waiters = new TaskWaiters(clock.now);
	const warnings: string[] = [];
	const log = pino({ level: 'warn' }, { write: (line: string) => void warnings.push((JSON.parse(line) as { msg: string }).msg) });
	const watch = new TaskWatch({
		hiapi,
		history,
		waiters,
		logger: log,
		metrics: createMetrics(),
		maxGapMs: 5000,
		callbacks: o.callbacks ?? false,
		now: clock.now,
	});
	return { clock, api, history, waiters, watch, submittedAt, warnings };
}

describe('waiting for a task on the plan (virtual clock, real HTTP)', () => {
	it('polls at the learned times, sees the task done, and records how long it took', async () => {
		const durations = uniform(100, 14_000, 19_000);
		const { clock, api, history, watch, submittedAt } = await setup({ durations, doneAfter: 16_200 });
		const plan = watch.currentPlan();
		expect(plan.kind).toBe('learned');
		const snap = await watch.wait('tk-1', { submittedAt, deadline: submittedAt + 240_000 });
		expect(snap.phase).toBe('success');
		const expected = polls(plan, 16_200).map((t) => submittedAt + t);
		expect(api.polls).toEqual(expected);
		expect(clock.t - submittedAt).toBeLessThan(16_200 + 1500);
		// Learned: the midpoint between the last poll that saw it running and the one that saw it done.
		expect(history.durations).toHaveLength(101);
		const learned = history.durations.at(-1) ?? 0;
		expect(learned).toBeGreaterThan((api.polls.at(-2) ?? 0) - submittedAt);
		expect(learned).toBeLessThanOrEqual((api.polls.at(-1) ?? 0) - submittedAt);
	});

	it("learns a task's duration from hiapi's created/completed, not from the middle of the poll gap", async () => {
		// Fewer than 20 durations: fixed 5 s polling. The task takes 16 s: polls at 15 s (running) and 20 s (done).
		const { api, history, watch, submittedAt } = await setup({ durations: [], doneAfter: 16_000, hiapiTimes: true });
		await watch.wait('tk-1', { submittedAt, deadline: submittedAt + 240_000 });
		expect(api.polls.map((t) => t - submittedAt)).toEqual([0, 5000, 10_000, 15_000, 20_000]);
		expect(history.durations).toEqual([16_000]); // the gap's middle would say 17.5 s
	});

	it('lets a 429 Retry-After win over the plan', async () => {
		const { api, watch, submittedAt } = await setup({ durations: uniform(100, 14_000, 19_000), doneAfter: 16_000 });
		api.rateLimitNext(1, 9);
		await watch.wait('tk-1', { submittedAt, deadline: submittedAt + 240_000 });
		const [first, second] = api.polls;
		expect((second ?? 0) - (first ?? 0)).toBeGreaterThanOrEqual(9000);
	});

	it('with callbacks on and none arriving, polls only every 30 s as a safety net, still delivers, and warns', async () => {
		const { api, watch, submittedAt, warnings } = await setup({ durations: [], callbacks: true, doneAfter: 70_000 });
		const snap = await watch.wait('tk-1', { submittedAt, deadline: submittedAt + 240_000 });
		expect(snap.phase).toBe('success');
		expect(api.polls.map((t) => t - submittedAt)).toEqual([SAFETY_POLL_MS, 2 * SAFETY_POLL_MS, 3 * SAFETY_POLL_MS]);
		expect(warnings).toContain('hiapi task found by the safety poll, not by a callback: check that hiapi can reach HIAPI_CALLBACK_URL');
	});

	it("a callback makes the wait poll at once, before the safety poll, and hiapi's answer ends it; a late duplicate wakes nobody", async () => {
		const { clock, api, waiters, history, watch, submittedAt } = await setup({ durations: [], callbacks: true, doneAfter: 15_000 });
		const done = { taskId: 'tk-1', status: 'success', phase: 'success' as const, output: [{ url: 'http://127.0.0.1:1/cdn/tk-1.png' }] };
		// The callback arrives 15 s into the wait's sleep towards its first safety poll.
		const sleeping = clock.sleep;
		const slept: number[] = [];
		clock.sleep = (ms) => {
			clock.sleep = sleeping;
			slept.push(ms);
			clock.t += 15_000;
			setImmediate(() => expect(waiters.deliver(done, clock.t)).toBe('woke'));
			return new Promise(() => undefined); // the 30 s sleep would end only at the safety poll
		};
		expect((await watch.wait('tk-1', { submittedAt, deadline: submittedAt + 240_000 })).phase).toBe('success');
		expect(slept).toEqual([SAFETY_POLL_MS]);
		// The callback only woke the wait: the one poll it sent went out the moment it arrived.
		expect(api.polls).toEqual([submittedAt + 15_000]);
		expect(history.durations).toEqual([15_000]);
		expect(waiters.deliver(done, clock.t)).toBe('duplicate');
	});
});
