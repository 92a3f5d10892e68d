// What a finished task teaches the poll plan: hiapi's own created/completed when it sends them (not the middle of
// the poll gap, ±2.5 s under fixed 5 s polling), a callback's arrival when one woke the poll, the gap's middle last.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { taskDuration, type TaskObservation } from '../../../src/tasks/task-duration.js';

const SUBMIT = 1_777_282_033_400; // ms; hiapi's created is the whole second 1777282033
const CREATED = Math.floor(SUBMIT / 1000);
const base = (o: Partial<TaskObservation>): TaskObservation => ({
	submittedAt: SUBMIT,
	lastPending: undefined,
	detectedBy: SUBMIT + 20_000,
	wokenAt: undefined,
	created: undefined,
	completed: undefined,
	maxGapMs: 5000,
	...o,
});

describe('learning how long a task took', () => {
	it('a task whose created/completed say 15 s is learned as 15 s, whatever the poll gaps around it', () => {
		// Polls that saw it running at some point up to 14 s and done from 16 s on: fixed 5 s polling in any phase,
		// a coarse back-off, a resumed job whose first poll found it done.
		for (const [pending, detected] of [
			[10_000, 16_000],
			[14_000, 19_000],
			[11_000, 16_000],
			[13_500, 18_500],
			[undefined, 20_000],
			[2000, 45_000],
		] as const) {
			const learned = taskDuration(
				base({ lastPending: pending === undefined ? undefined : SUBMIT + pending, detectedBy: SUBMIT + detected, created: CREATED, completed: CREATED + 15 }),
			);
			expect(learned, `gap ${pending}–${detected}`).toEqual({ ms: 15_000, source: 'hiapi' });
		}
		fc.assert(
			fc.property(fc.integer({ min: 2000, max: 30_000 }), fc.double({ min: 0, max: 1, noNaN: true }), (gap, phase) => {
				const pending = Math.round(14_000 - (gap - 2000) * phase);
				const learned = taskDuration(base({ lastPending: SUBMIT + pending, detectedBy: SUBMIT + pending + gap, created: CREATED, completed: CREATED + 15 }));
				return learned?.ms === 15_000;
			}),
		);
	});

	it('whole seconds say 15 ± 1 s: polls that narrow that are used, and the figure never leaves what either says', () => {
		// A poll at 15 s already saw it done: 14–15 s, most likely near 15 (hiapi's figure) → 14⅔ s. The gap's
		// middle, as before, would have said 12.5 s.
		expect(taskDuration(base({ lastPending: SUBMIT + 10_000, detectedBy: SUBMIT + 15_000, created: CREATED, completed: CREATED + 15 }))?.ms).toBeCloseTo(
			14_666.67,
			1,
		);
		// Dense polls (steady state): 15.2–15.7 s, and hiapi says 15 or 16 s: the polls' middle, give or take.
		for (const completed of [CREATED + 15, CREATED + 16]) {
			const ms = taskDuration(base({ lastPending: SUBMIT + 15_200, detectedBy: SUBMIT + 15_700, created: CREATED, completed }))?.ms ?? 0;
			expect(ms).toBeGreaterThan(15_200);
			expect(ms).toBeLessThan(15_700);
		}
		fc.assert(
			fc.property(fc.integer({ min: 0, max: 30_000 }), fc.integer({ min: 1, max: 30_000 }), fc.integer({ min: 0, max: 40 }), (lo, width, d) => {
				const learned = taskDuration(base({ lastPending: SUBMIT + lo, detectedBy: SUBMIT + lo + width, created: CREATED, completed: CREATED + d }));
				if (!learned) return false;
				const inPolls = learned.ms >= lo && learned.ms <= lo + width;
				const overlap = lo < (d + 1) * 1000 && lo + width > (d - 1) * 1000;
				return inPolls && (!overlap || (learned.ms >= (d - 1) * 1000 && learned.ms <= (d + 1) * 1000));
			}),
		);
		// Sub-second times, should hiapi send them, are taken as they are.
		expect(taskDuration(base({ lastPending: SUBMIT + 10_000, detectedBy: SUBMIT + 20_000, created: 100.25, completed: 115.5 }))?.ms).toBe(15_250);
	});

	it('without hiapi times, falls back to the middle of the poll gap (within 1.5 intervals), as before', () => {
		expect(taskDuration(base({ lastPending: SUBMIT + 10_000, detectedBy: SUBMIT + 15_000 }))).toEqual({ ms: 12_500, source: 'poll' });
		expect(taskDuration(base({ lastPending: SUBMIT + 5000, detectedBy: SUBMIT + 15_000 }))).toBeUndefined(); // 10 s gap: too coarse
		expect(taskDuration(base({ detectedBy: SUBMIT + 15_000 }))).toBeUndefined(); // found on the first poll
		// completed 0 (hiapi's "not ended") and a completed before created are no times at all.
		expect(taskDuration(base({ lastPending: SUBMIT + 10_000, detectedBy: SUBMIT + 15_000, created: CREATED, completed: CREATED - 1 }))?.source).toBe('poll');
	});

	it("a callback's arrival is kept (it is exact), but a late one is capped by hiapi's own times", () => {
		expect(taskDuration(base({ detectedBy: SUBMIT + 15_330, wokenAt: SUBMIT + 15_300, created: CREATED, completed: CREATED + 15 }))).toEqual({
			ms: 15_300,
			source: 'callback',
		});
		expect(taskDuration(base({ detectedBy: SUBMIT + 15_330, wokenAt: SUBMIT + 15_300 }))).toEqual({ ms: 15_300, source: 'callback' });
		// hiapi retried the callback for 40 s: its times say 15 s (±1 s), so 16 s is the most it can teach.
		expect(taskDuration(base({ detectedBy: SUBMIT + 55_030, wokenAt: SUBMIT + 55_000, created: CREATED, completed: CREATED + 15 }))).toEqual({
			ms: 16_000,
			source: 'callback',
		});
	});
});
