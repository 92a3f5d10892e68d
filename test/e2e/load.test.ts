// Load: a burst of 200 /imagine from 50 users within a second, against ~2 s tasks.
// Correctness only (timing figures live in `npm run bench`): every interaction answered inside Discord's
// 3 s window (the emulator refuses later acknowledgements), no overspend, every job ends exactly once.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SentInteraction } from '../emulators/discord/index.js';
import { createWorld, imagine, newUserId, outcome, replyContent, usage, type World } from './harness.js';

let world: World;

beforeAll(async () => {
	world = await createWorld();
}, 40_000);

afterAll(async () => {
	await world?.close();
});

function vmHwmMiB(pid: number): number {
	const line =
		readFileSync(`/proc/${pid}/status`, 'utf8')
			.split('\n')
			.find((l) => l.startsWith('VmHWM:')) ?? '';
	return Number(/(\d+)/.exec(line)?.[1]) / 1024;
}

describe('load', () => {
	it('200 interactions from 50 users in one second: all acknowledged, limits held, every job ends once', async () => {
		world.hiapi.setDefault({ durationMs: 2000 });
		const bot = await world.start({
			IMAGE_PRICE_USD: '0.05',
			DEFAULT_USER_BUDGET_USD: '0.15',
			MAX_JOBS_PER_USER: '2',
			MAX_CONCURRENT_JOBS: '8',
			POLL_INTERVAL_MS: '250',
			TASK_TIMEOUT_MS: '60000',
		});
		try {
			const users = Array.from({ length: 50 }, () => newUserId());
			const sent = [];
			for (let i = 0; i < 200; i++) {
				sent.push(imagine(world, { prompt: `load ${i}`, userId: users[i % 50] as string }));
				if (i % 40 === 39) await new Promise((r) => setTimeout(r, 150)); // spread over ~0.6 s
			}
			const callbacks = await Promise.all(sent.map((s) => world.discord.waitFor((r) => r.interactionId === s.id && r.path.endsWith('/callback'), 10_000)));
			expect(callbacks.every((c) => c.status === 204 || c.status === 200)).toBe(true);
			for (const s of sent) expect(world.discord.callbacks(s.id)).toHaveLength(1);
			const deferred = sent.filter((_, i) => (callbacks[i]?.json as { type: number }).type === 5);
			const refused = sent.filter((_, i) => (callbacks[i]?.json as { type: number }).type === 4);
			expect(deferred).toHaveLength(100); // MAX_JOBS_PER_USER = 2 for each of 50 users
			for (const r of refused) expect((await replyContent(world, r.id)).content).toMatch(/already have 2 images in progress/);

			// Queued jobs show their place in line.
			const waiting = await world.discord.waitFor(
				(r) => r.method === 'PATCH' && /you are #\d+ in line/.test(String((r.json as { content?: string }).content)),
				10_000,
			);
			expect(waiting.status).toBe(200);

			const outcomes = await Promise.all(deferred.map((s) => outcome(world, bot, s.id, 90_000)));
			expect(outcomes.every((o) => o.kind === 'delivered')).toBe(true);
			expect(world.hiapi.tasks().filter((t) => t.prompt.startsWith('load '))).toHaveLength(100);
			for (const user of users.slice(0, 10)) expect(await usage(world, user)).toMatchObject({ Spent: '$0.10' });
			const peak = vmHwmMiB(bot.child.pid as number);
			expect(peak).toBeLessThan(400);
			// A second round: the third image fits the $0.15 budget, the fourth does not.
			const u = users[0] as string;
			expect((await outcome(world, bot, imagine(world, { prompt: 'third', userId: u }).id)).kind).toBe('delivered');
			expect((await replyContent(world, imagine(world, { prompt: 'fourth', userId: u }).id)).content).toMatch(/enough budget/);
		} finally {
			await Promise.all(world.bots.map((b) => b.kill()));
			world.hiapi.setDefault({});
		}
	}, 120_000);

	it('with one slot, later jobs wait in line, see their position move, and all finish', async () => {
		// Tasks long enough that the last job's move from #2 to #1 outlives the 5 s between two progress edits
		// (with 2.5 s tasks that window was a fraction of a second, and the edit could miss it).
		world.hiapi.setDefault({ durationMs: 4000 });
		const bot = await world.start({ MAX_CONCURRENT_JOBS: '1', POLL_INTERVAL_MS: '200' });
		try {
			// A moment apart: jobs queue in the order their acknowledgements complete, which a burst does not fix.
			const sent: SentInteraction[] = [];
			for (const i of [0, 1, 2]) {
				sent.push(imagine(world, { prompt: `line ${i}`, userId: newUserId() }));
				await world.discord.waitFor((r) => r.interactionId === sent[i]?.id && r.path.endsWith('/callback'), 5000);
			}
			const last = sent[2]?.id as string;
			await world.discord.waitFor(
				(r) => r.interactionId === last && r.method === 'PATCH' && String((r.json as { content?: string }).content).includes('#2 in line'),
				10_000,
			);
			await world.discord.waitFor(
				(r) => r.interactionId === last && r.method === 'PATCH' && String((r.json as { content?: string }).content).includes('#1 in line'),
				15_000,
			);
			const outcomes = await Promise.all(sent.map((s) => outcome(world, bot, s.id, 30_000)));
			expect(outcomes.map((o) => o.kind)).toEqual(['delivered', 'delivered', 'delivered']);
			// Never more than one task at hiapi at a time.
			const tasks = world.hiapi
				.tasks()
				.filter((t) => t.prompt.startsWith('line '))
				.sort((a, b) => a.createdAt - b.createdAt);
			for (let i = 1; i < tasks.length; i++) expect((tasks[i]?.createdAt ?? 0) - (tasks[i - 1]?.createdAt ?? 0)).toBeGreaterThanOrEqual(3900);
			// Progress edits on the first job: at most one per 5 s.
			const edits = world.discord.edits(sent[0]?.id as string).filter((e) => !e.files.length);
			for (let i = 1; i < edits.length; i++) expect((edits[i]?.at ?? 0) - (edits[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(4900);
		} finally {
			await Promise.all(world.bots.map((b) => b.kill()));
			world.hiapi.setDefault({});
		}
	}, 60_000);
});
