// Progress edits with an injected clock (and vitest's fake setInterval for the 1 s flush timer): none for a fast
// job, at most one per 5 s, a place in line at once, nothing once closed or past the token's life.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TOKEN_LIFETIME_MS } from '../../../src/images/delivery.js';
import { Progress } from '../../../src/images/progress.js';
import { progressText } from '../../../src/messages/texts.js';
import { captureLogger, gate, makeJob, RecordingDelivery } from './harness.js';

const T = 1_800_000_000_000;
let clock: number;
let delivery: RecordingDelivery;
let lines: ReturnType<typeof captureLogger>['lines'];
let progress: Progress;
const job = makeJob({ createdAt: T, updatedAt: T });
const at = (ms: number) => (clock = T + ms);
/** Lets the chained edit reach the delivery. */
const settle = () => new Promise<void>((r) => setImmediate(r));
const shown = () => delivery.contents(job.id);

beforeEach(() => {
	vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
	clock = T;
	delivery = new RecordingDelivery();
	const captured = captureLogger();
	lines = captured.lines;
	progress = new Progress(job, delivery, captured.logger, () => clock);
});
afterEach(async () => {
	await progress.close();
	vi.useRealTimers();
});

describe('Progress', () => {
	it('never edits a job that finishes within 5 s', async () => {
		progress.update('submitting');
		at(1000);
		progress.update('queued');
		at(4999);
		progress.update('running');
		vi.advanceTimersByTime(3000);
		await progress.close();
		expect(delivery.calls).toEqual([]);
	});

	it('edits from 5 s on, at most once every 5 s', async () => {
		at(5000);
		progress.update('queued');
		at(7000);
		progress.update('running');
		await settle();
		expect(shown()).toEqual([progressText('queued', 5000)]);
		at(10_000);
		progress.update('running');
		await settle();
		expect(shown()).toEqual([progressText('queued', 5000), progressText('running', 10_000)]);
	});

	it('shows a place in line at once, and later places within the same limit', async () => {
		progress.update('waiting', 3);
		await settle();
		expect(shown()).toEqual([progressText('waiting', 0, 3)]);
		expect(shown()[0]).toContain('#3 in line');
		at(1000);
		progress.update('waiting', 2);
		await settle();
		expect(shown()).toHaveLength(1);
		// The 1 s timer shows the newest place once 5 s have passed, without another update.
		at(5000);
		vi.advanceTimersByTime(1000);
		await settle();
		expect(shown()).toEqual([progressText('waiting', 0, 3), progressText('waiting', 5000, 2)]);
	});

	it('edits nothing after close(), from updates or from the timer', async () => {
		at(5000);
		progress.update('running');
		await progress.close();
		expect(shown()).toHaveLength(1);
		at(60_000);
		progress.update('running');
		expect(vi.getTimerCount()).toBe(0); // no flush timer left behind either
		vi.advanceTimersByTime(10_000);
		await settle();
		expect(shown()).toHaveLength(1);
	});

	it('close() waits for an edit in flight, so it cannot land after the final answer', async () => {
		const held = gate();
		let editDone = false;
		delivery.onCall = async () => {
			await held.promise;
			editDone = true;
		};
		at(5000);
		progress.update('running');
		let closed = false;
		const closing = progress.close().then(() => (closed = true));
		await settle();
		expect(delivery.calls).toHaveLength(1);
		expect(closed).toBe(false);
		held.open();
		await closing;
		expect(editDone).toBe(true);
	});

	it('shrugs off a failed edit (logged at debug) and edits again later', async () => {
		delivery.fail('edit', Object.assign(new Error('Service Unavailable'), { status: 503 }));
		at(5000);
		progress.update('queued');
		await settle();
		expect(lines.find((l) => l.msg === 'progress edit failed')).toMatchObject({ level: 20, jobId: job.id });
		at(10_000);
		progress.update('running');
		await settle();
		expect(shown()).toEqual([progressText('running', 10_000)]);
	});

	it('stops editing once the interaction token is about to expire', async () => {
		at(TOKEN_LIFETIME_MS + 1);
		progress.update('running');
		vi.advanceTimersByTime(5000);
		await settle();
		expect(delivery.calls).toEqual([]);
	});

	it('a batch says how many of its images are ready', async () => {
		const batch = makeJob({ createdAt: T, updatedAt: T, count: 4 });
		const p = new Progress(batch, delivery, captureLogger().logger, () => clock);
		at(5000);
		p.update('running');
		await settle();
		at(10_000);
		p.setReady(2);
		await settle();
		await p.close();
		expect(delivery.contents(batch.id)).toEqual(['🎨 Generating your 4 images… 0 of 4 ready (5 s)', '🎨 Generating your 4 images… 2 of 4 ready (10 s)']);
	});
});
