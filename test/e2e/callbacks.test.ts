// hiapi callbacks end to end: the real bot submits with a callback URL on its own HTTP port, the hiapi emulator
// POSTs the signed final task there, and the job delivers through the same download, edit and commit, without
// polling; duplicate and concurrent callbacks deliver once; a forged one is refused and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, freePort, imagine, newUserId, outcome, usage, type BotProcess, type World } from './harness.js';

let world: World;
let bot: BotProcess;
let callbackUrl: string;

beforeAll(async () => {
	world = await createWorld({ IMAGE_PRICE_USD: '0.05' });
	const port = await freePort();
	callbackUrl = `http://127.0.0.1:${port}/hiapi/callback`;
	bot = await world.start({ HEALTH_PORT: String(port), HIAPI_CALLBACK_URL: callbackUrl, HIAPI_WEBHOOK_SECRET: world.hiapi.signingKey });
}, 40_000);

afterAll(async () => {
	await world?.close();
});

const pollsOf = (taskId: string) => world.hiapi.requests.filter((r) => r.method === 'GET' && r.path === `/v1/tasks/${taskId}`);
const taskOf = (interactionId: string) => world.hiapi.tasks().find((t) => t.idempotencyKey === interactionId);
const imageEdits = (interactionId: string) => world.discord.edits(interactionId).filter((r) => r.files.length > 0 && r.status === 200);
/** Resolves when `value()` returns something, checking every 20 ms. */
async function until<T>(value: () => T | undefined, timeoutMs = 5000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const v = value();
		if (v !== undefined) return v;
		if (Date.now() > deadline) throw new Error('timed out');
		await new Promise((r) => setTimeout(r, 20));
	}
}
const delivered = (interactionId: string) => bot.logs.filter((l) => l.jobId === interactionId && l.msg === 'image delivered');

describe('hiapi callbacks', () => {
	it('submits with a top-level callback and delivers on the callback, without polling', async () => {
		const userId = newUserId();
		const sent = imagine(world, { prompt: 'a fox by callback', userId });
		expect((await outcome(world, bot, sent.id)).kind).toBe('delivered');
		const submit = world.hiapi.submits().find((r) => r.headers['idempotency-key'] === sent.id);
		expect(submit?.json).toEqual({
			model: 'flux-1.1-pro',
			input: { prompt: 'a fox by callback', aspect_ratio: '1:1' },
			callback: { url: callbackUrl, when: 'final' },
		});
		const task = taskOf(sent.id);
		expect(world.hiapi.callbacks.filter((c) => c.taskId === task?.taskId).map((c) => c.status)).toEqual([204]);
		expect(pollsOf(task?.taskId ?? '')).toHaveLength(0);
		expect(imageEdits(sent.id)).toHaveLength(1);
		expect(await usage(world, userId)).toMatchObject({ Spent: '$0.05', 'Images this period': '1' });
	});

	it.each([
		['duplicate', { duplicate: true }],
		['concurrent', { concurrent: true }],
	] as const)('a %s pair of callbacks delivers the image once and charges once', async (name, script) => {
		world.hiapi.script(`${name} pair`, { callback: script });
		const userId = newUserId();
		const sent = imagine(world, { prompt: `a ${name} pair of callbacks`, userId });
		expect((await outcome(world, bot, sent.id)).kind).toBe('delivered');
		const task = taskOf(sent.id);
		await until(() => (world.hiapi.callbacks.filter((c) => c.taskId === task?.taskId && c.status !== 0).length === 2 ? true : undefined));
		await new Promise((r) => setTimeout(r, 300)); // a second delivery would show by now
		expect(world.hiapi.callbacks.filter((c) => c.taskId === task?.taskId).map((c) => c.status)).toEqual([204, 204]);
		expect(delivered(sent.id)).toHaveLength(1);
		expect(imageEdits(sent.id)).toHaveLength(1);
		expect(await usage(world, userId)).toMatchObject({ Spent: '$0.05', 'Images this period': '1' });
	});

	it('refuses a callback with a wrong signature (401): nothing is delivered on it', async () => {
		world.hiapi.script('forged', { callback: { badSignature: true } });
		const sent = imagine(world, { prompt: 'a forged callback' });
		await world.discord.waitFor((r) => r.interactionId === sent.id && r.path.endsWith('/callback'), 5000);
		const task = await until(() => world.hiapi.callbacks.find((c) => c.taskId === taskOf(sent.id)?.taskId && c.status !== 0)?.taskId);
		expect(world.hiapi.callbacks.filter((c) => c.taskId === task).map((c) => c.status)).toEqual([401]);
		await new Promise((r) => setTimeout(r, 500));
		expect(imageEdits(sent.id)).toHaveLength(0);
		expect(bot.logs.some((l) => l.msg === 'hiapi callback refused' && l.reason === 'bad_signature')).toBe(true);
		// The job is still waiting: its safety poll (30 s) would deliver it.
		expect(delivered(sent.id)).toHaveLength(0);
	});
});
