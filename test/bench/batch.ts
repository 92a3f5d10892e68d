// The batch phase of `npm run bench`: how long one `/imagine count:4` takes to deliver (interaction sent → the
// message with all 4 images at Discord) against 4 single /imagine sent at once (→ the last of the 4 messages) and
// 4 sent one after another. Figures only; the check is that every image arrived and each was charged once.
import { createWorld, imagine, newUserId, stringOption, usage, type World } from '../e2e/harness.js';
import type { SentInteraction } from '../emulators/discord/index.js';
import { makePng } from '../emulators/png.js';
import { envInt, percentile, sortNum, type Build } from './util.js';

const ROUNDS = envInt('BENCH_BATCH_ROUNDS', 5);
const TASK_MS = envInt('BENCH_TASK_MS', 2000);
const IMAGE_PX = envInt('BENCH_IMAGE_PX', 1024);

export interface BatchFigures {
	batch: number[];
	parallel: number[];
	sequential: number[];
	/** Broken invariants (an image missing, a wrong charge). */
	failures: string[];
}

/** When the interaction's message first carried `files` images (ms since it was sent). */
async function delivered(world: World, sent: SentInteraction, files: number): Promise<number> {
	const edit = await world.discord.waitFor((r) => r.interactionId === sent.id && r.method === 'PATCH' && r.status === 200 && r.files.length === files, 60_000);
	return edit.at - sent.sentAt;
}

export async function batchFigures(build: Build): Promise<BatchFigures> {
	const world = await createWorld({
		LOG_LEVEL: 'info',
		POLL_INTERVAL_MS: '200',
		IMAGE_PRICE_USD: '0.05',
		DEFAULT_USER_BUDGET_USD: '100',
		// Room for the next four while the last job still commits (its message can land before its slot is freed).
		MAX_JOBS_PER_USER: '8',
		MAX_CONCURRENT_JOBS: '8',
		TASK_TIMEOUT_MS: '120000',
	});
	const out: BatchFigures = { batch: [], parallel: [], sequential: [], failures: [] };
	try {
		// 1024 px images: 4 of them (a few MiB) fit Discord's 10 MiB upload limit together.
		world.hiapi.setDefault({ durationMs: TASK_MS, image: { bytes: makePng(IMAGE_PX, IMAGE_PX, 7) } });
		await world.start({}, build.script, build.nodeFlags);
		const userId = newUserId();
		for (let round = 0; round < ROUNDS; round++) {
			const sent = world.discord.sendInteraction({
				commandName: 'imagine',
				options: [stringOption('prompt', `batch ${round}`), { name: 'count', type: 4, value: 4 }],
				user: { id: userId },
			});
			out.batch.push(await delivered(world, sent, 4));

			const four = [0, 1, 2, 3].map((i) => imagine(world, { prompt: `parallel ${round}.${i}`, userId }));
			const times = await Promise.all(four.map((s) => delivered(world, s, 1)));
			out.parallel.push(Math.max(...times.map((t, i) => t + ((four[i] as SentInteraction).sentAt - (four[0] as SentInteraction).sentAt))));

			const start = Date.now();
			for (let i = 0; i < 4; i++) await delivered(world, imagine(world, { prompt: `sequential ${round}.${i}`, userId }), 1);
			out.sequential.push(Date.now() - start);
		}
		const expected = `$${((ROUNDS * 12 * 50_000) / 1_000_000).toFixed(2)}`;
		// The last image's commit lands just after its message (delivery first, then the charge): give it a moment.
		let spent = (await usage(world, userId))['Spent'];
		for (let i = 0; i < 50 && spent !== expected; i++) {
			await new Promise((r) => setTimeout(r, 100));
			spent = (await usage(world, userId))['Spent'];
		}
		if (spent !== expected) out.failures.push(`batch: spent ${spent}, expected ${expected} (every image charged once)`);
	} catch (error) {
		out.failures.push(`batch: ${(error as Error).message}`);
	} finally {
		await world.close();
	}
	return out;
}

/** The phase's table rows: p50 · max per way of asking for 4 images. */
export function batchRows(f: BatchFigures): string[][] {
	const row = (label: string, xs: number[]) => {
		const sorted = sortNum(xs);
		return [label, `${Math.round(percentile(sorted, 50))} ms`, `${Math.round(sorted.at(-1) ?? Number.NaN)} ms`, String(xs.length)];
	};
	return [
		row('/imagine count:4 (one message)', f.batch),
		row('4 × /imagine sent at once (last of 4 messages)', f.parallel),
		row('4 × /imagine one after another', f.sequential),
	];
}
