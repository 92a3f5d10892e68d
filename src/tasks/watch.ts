// tasks/: waiting for hiapi tasks: adaptive polling, durations, callbacks (route, waiters, fleet relay).
// Waiting for one hiapi task: adaptive polling, and with callbacks on, a slow safety poll while a verified callback
// wakes the job for an immediate poll. Either way the result is hiapi's answer to a poll (a callback's own content is
// never used), and the job goes on to the same download, delivery and commit.
import type { HiapiClient, TaskSnapshot } from '../hiapi/index.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { fixedPlan, learnPlan, type PollPlan } from './poll-plan.js';
import type { DurationHistory } from './durations.js';
import { taskDuration } from './task-duration.js';
import type { TaskWaiters } from './waiters.js';

/** With callbacks on, polling is only a safety net: at most one poll per task this often. */
export const SAFETY_POLL_MS = 30_000;
/** A learned plan is rebuilt at most this often (it takes a few ms of CPU). */
const REPLAN_EVERY_MS = 60_000;

export interface TaskWatchOptions {
	hiapi: HiapiClient;
	history: DurationHistory;
	waiters: TaskWaiters;
	logger: Logger;
	metrics: Metrics;
	/** POLL_INTERVAL_MS: the longest gap between two polls. */
	maxGapMs: number;
	/** HIAPI_CALLBACK_URL is set: hiapi reports finished tasks to the callback route. */
	callbacks: boolean;
	now?: () => number;
}

export interface WaitFor {
	/** When the task was submitted (epoch ms): the schedule counts from here. */
	submittedAt: number;
	deadline: number;
	signal?: AbortSignal;
	onProgress?: (s: TaskSnapshot) => void;
}

export class TaskWatch {
	private readonly now: () => number;
	private plan: PollPlan;
	private planVersion = -1;
	private plannedAt = Number.NEGATIVE_INFINITY;

	constructor(private readonly o: TaskWatchOptions) {
		this.now = o.now ?? Date.now;
		this.plan = fixedPlan(o.maxGapMs);
	}

	/** The plan new waits use (rebuilt from the history when it has changed, at most once a minute). */
	currentPlan(): PollPlan {
		if (this.o.callbacks) return fixedPlan(Math.max(SAFETY_POLL_MS, this.o.maxGapMs));
		const version = this.o.history.version;
		if (version !== this.planVersion && this.now() - this.plannedAt >= REPLAN_EVERY_MS) {
			this.plan = learnPlan(this.o.history.durations, { maxGapMs: this.o.maxGapMs });
			this.planVersion = version;
			this.plannedAt = this.now();
			if (this.plan.kind === 'learned') {
				this.o.logger.debug({ points: this.plan.points, expected: this.plan.expected, samples: this.o.history.durations.length }, 'poll plan');
			}
		}
		return this.plan;
	}

	async wait(taskId: string, w: WaitFor): Promise<TaskSnapshot> {
		const plan = this.currentPlan();
		// Safety polling waits a full interval before its first poll: the callback is expected first.
		const first = this.o.callbacks ? Math.max(SAFETY_POLL_MS, this.o.maxGapMs) : 0;
		const waiter = this.o.waiters.register(taskId);
		let lastPoll: number | undefined;
		let lastPending: number | undefined;
		let detected: { at: number; wokenAt: number | undefined } | undefined;
		try {
			const snap = await this.o.hiapi.waitForTask(taskId, {
				intervalMs: this.o.maxGapMs,
				deadline: w.deadline,
				...(w.signal ? { signal: w.signal } : {}),
				...(w.onProgress ? { onProgress: w.onProgress } : {}),
				nextPollAt: (now) => {
					const elapsed = now - w.submittedAt;
					if (lastPoll === undefined && elapsed < first) return w.submittedAt + first;
					return w.submittedAt + plan.next(elapsed, lastPoll === undefined ? undefined : lastPoll - w.submittedAt);
				},
				onPoll: (s, sentAt, wokenAt) => {
					lastPoll = sentAt;
					if (s.phase === 'queued' || s.phase === 'running') lastPending = sentAt;
					else detected = { at: sentAt, wokenAt };
				},
				wakes: waiter.wakes,
			});
			if (detected) this.learn(taskId, w, snap, { lastPending, ...detected });
			return snap;
		} finally {
			waiter.release();
		}
	}

	/** Records how long the task took (see task-duration.ts), and how it was found. */
	private learn(taskId: string, w: WaitFor, snap: TaskSnapshot, seen: { lastPending: number | undefined; at: number; wokenAt: number | undefined }): void {
		if (snap.phase !== 'success') return;
		const via = seen.wokenAt === undefined ? 'poll' : 'callback';
		this.o.metrics.tasksDetected.inc({ via });
		if (via === 'poll' && this.o.callbacks) {
			this.o.logger.warn({ taskId }, 'hiapi task found by the safety poll, not by a callback: check that hiapi can reach HIAPI_CALLBACK_URL');
		}
		const learned = taskDuration({
			submittedAt: w.submittedAt,
			lastPending: seen.lastPending,
			detectedBy: seen.at,
			wokenAt: seen.wokenAt,
			created: snap.created,
			completed: snap.completed,
			maxGapMs: this.o.maxGapMs,
		});
		if (learned) this.o.history.add(learned.ms);
	}
}
