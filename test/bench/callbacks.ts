// hiapi callbacks against the real bot: how long from a callback's arrival to the image edit starting at Discord
// (the callback wakes the job, which asks hiapi for the task, downloads and edits), and that a forged signature and a
// stale timestamp are refused.
import { setTimeout as sleep } from 'node:timers/promises';
import { createWorld, freePort, imagine, newUserId, outcome } from '../e2e/harness.js';
import { signHiapiCallback } from '../emulators/hiapi.js';
import { percentile, sortNum, type Build } from './util.js';

const IMAGES = 20;

export interface CallbackFigures {
	delaysMs: number[];
	p50: number;
	p95: number;
	max: number;
	/** Polls of tasks that had a callback: one each, the poll the callback triggers (the safety poll comes after 30 s). */
	polls: number;
	forged: number;
	stale: number;
}

export async function callbackFigures(build: Build): Promise<CallbackFigures> {
	const world = await createWorld({ LOG_LEVEL: 'info', IMAGE_PRICE_USD: '0.05', DEFAULT_USER_BUDGET_USD: '100', POLL_INTERVAL_MS: '5000' });
	try {
		const port = await freePort();
		const url = `http://127.0.0.1:${port}/hiapi/callback`;
		const bot = await world.start(
			{ HEALTH_PORT: String(port), HIAPI_CALLBACK_URL: url, HIAPI_WEBHOOK_SECRET: world.hiapi.signingKey },
			build.script,
			build.nodeFlags,
		);
		world.hiapi.setDefault({ durationMs: 1500 });
		const delaysMs: number[] = [];
		for (let i = 0; i < IMAGES; i++) {
			const sent = imagine(world, { prompt: `callback ${i}`, userId: newUserId() });
			await outcome(world, bot, sent.id, 20_000);
			const taskId = world.hiapi.tasks().find((t) => t.idempotencyKey === sent.id)?.taskId;
			const arrived = world.hiapi.callbacks.find((c) => c.taskId === taskId)?.sentAt;
			const edit = world.discord.edits(sent.id).find((r) => r.files.length > 0);
			if (arrived !== undefined && edit) delaysMs.push(edit.at - arrived);
		}
		const polls = world.hiapi.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/v1/tasks/')).length;
		// Forgeries: a wrong signature, and a correct one over a timestamp six minutes old.
		const body = JSON.stringify({ taskId: 'tk-forged', status: 'success', output: [{ url: 'https://example.invalid/x.png' }] });
		const post = (timestamp: string, signature: string) =>
			fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hiapi-timestamp': timestamp, 'x-hiapi-signature': signature }, body });
		const now = String(Math.floor(Date.now() / 1000));
		const old = String(Math.floor(Date.now() / 1000) - 360);
		const forged = (await post(now, signHiapiCallback('not-the-signing-key-000000', now, body))).status;
		const stale = (await post(old, signHiapiCallback(world.hiapi.signingKey, old, body))).status;
		await sleep(100);
		const sorted = sortNum(delaysMs);
		return { delaysMs, p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted.at(-1) ?? Number.NaN, polls, forged, stale };
	} finally {
		await world.close();
	}
}
