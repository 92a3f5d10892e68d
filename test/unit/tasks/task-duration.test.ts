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
		// Fixed 5 s polling from submit, started at any phase; gaps of 5 s, 4 s, 1.5 s, 0.5 s: each brackets 15 s.
		for (const [pending, detected] of [
			[10_000, 15_000],
			[14_000, 19_000],
			[12_500, 17_500],
			[11_000, 15_000],
			[14_900, 16_400],
			[14_600, 15_100],
		] as const) {
			const learned = taskDuration(base({ lastPending: SUBMIT + pending, detectedBy: SUBMIT + detected, created: CREATED, completed: CREATED + 15 }));
			expect(learned, `gap ${pending}–${detected}`).toEqual({ ms: 15_000, source: 'hiapi' });
		}
		// Property: any bracket of polls that contains 15 s, from 0.5 s to 7.5 s wide.
		fc.assert(
			fc.property(fc.integer({ min: 500, max: 7500 }), fc.double({ min: 0, max: 1, noNaN: true }), (gap, phase) => {
				const pending = Math.round(15_000 - gap * phase);
				const learned = taskDuration(base({ lastPending: SUBMIT + pending, detectedBy: SUBMIT + pending + gap, created: CREATED, completed: CREATED + 15 }));
				return learned?.ms === 15_000;
			}),
		);
	});

	it('without hiapi times, falls back to the middle of the poll gap (within 1.5 intervals), as before', () => {
		expect(taskDuration(base({ lastPending: SUBMIT + 10_000, detectedBy: SUBMIT + 15_000 }))).toEqual({ ms: 12_500, source: 'poll' });
		expect(taskDuration(base({ lastPending: SUBMIT + 5000, detectedBy: SUBMIT + 15_000 }))).toBeUndefined(); // 10 s gap: too coarse
		expect(taskDuration(base({ detectedBy: SUBMIT + 15_000 }))).toBeUndefined(); // found on the first poll
		// completed 0 (hiapi's "not ended") and a completed before created are no times at all.
		expect(taskDuration(base({ lastPending: SUBMIT + 10_000, detectedBy: SUBMIT + 15_000, created: CREATED, completed: CREATED - 1 }))?.source).toBe('poll');
	});

	it("hiapi's whole seconds never move the figure outside what the polls saw", () => {
		// hiapi says 16 s (its seconds are rounded down), but a poll at 15.2 s already saw it done.
		expect(taskDuration(base({ lastPending: SUBMIT + 14_700, detectedBy: SUBMIT + 15_200, created: CREATED, completed: CREATED + 16 }))).toEqual({
			ms: 15_200,
			source: 'hiapi',
		});
		// Found on the very first poll: hiapi's figure stands, capped by that poll.
		expect(taskDuration(base({ detectedBy: SUBMIT + 20_000, created: CREATED, completed: CREATED + 15 }))).toEqual({ ms: 15_000, source: 'hiapi' });
		// Sub-second times, should hiapi send them, are taken as they are.
		expect(taskDuration(base({ lastPending: SUBMIT + 10_000, detectedBy: SUBMIT + 20_000, created: 100.25, completed: 115.5 }))?.ms).toBe(15_250);
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
