// hiapi callbacks end to end: the real bot submits with a callback URL on its own HTTP port, the hiapi emulator
// POSTs the signed final task there, the callback wakes the job, which asks hiapi for the task once and delivers
// through the same download, edit and commit; duplicate and concurrent callbacks deliver once; a forged one is
// refused and changes nothing; a signed one that points elsewhere changes nothing either (hiapi's answer decides).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signHiapiCallback } from '../emulators/hiapi.js';
import { makePng } from '../emulators/png.js';
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
	it('submits with a top-level callback and delivers on the callback, with the one poll it triggers', async () => {
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
		const callbacks = world.hiapi.callbacks.filter((c) => c.taskId === task?.taskId);
		expect(callbacks.map((c) => c.status)).toEqual([204]);
		// The callback only woke the job: it asked hiapi once, right then (the safety poll would come after 30 s).
		const polls = pollsOf(task?.taskId ?? '');
		expect(polls).toHaveLength(1);
		expect(polls[0]?.at).toBeGreaterThanOrEqual(callbacks[0]?.sentAt ?? Infinity);
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

	it("a correctly signed callback pointing at an internal address: the bot downloads and delivers hiapi's image, not that", async () => {
		// An internal page that would pass for an image (it starts with a PNG signature).
		let internalHits = 0;
		const internal: Server = createServer((_req, res) => {
			internalHits++;
			res.writeHead(200, { 'content-type': 'image/png' });
			res.end(Buffer.concat([makePng(8, 8, 1).subarray(0, 8), Buffer.from('internal admin page')]));
		});
		await new Promise<void>((resolve) => internal.listen(0, '127.0.0.1', resolve));
		try {
			world.hiapi.script('internal address', { durationMs: 300, callback: { drop: true } });
			const userId = newUserId();
			const sent = imagine(world, { prompt: 'a callback to an internal address', userId });
			const task = await until(() => taskOf(sent.id));
			await new Promise((r) => setTimeout(r, 500)); // hiapi has finished it
			const body = JSON.stringify({
				taskId: task.taskId,
				status: 'success',
				output: [{ url: `http://127.0.0.1:${(internal.address() as AddressInfo).port}/admin.png`, type: 'image' }],
			});
			const ts = String(Math.floor(Date.now() / 1000));
			const res = await fetch(callbackUrl, {
				method: 'POST',
				headers: { 'content-type': 'application/json', 'x-hiapi-timestamp': ts, 'x-hiapi-signature': signHiapiCallback(world.hiapi.signingKey, ts, body) },
				body,
			});
			expect(res.status).toBe(204);
			expect((await outcome(world, bot, sent.id)).kind).toBe('delivered');
			expect(imageEdits(sent.id)[0]?.files[0]?.data.equals(world.hiapi.cdnBytes(task.taskId))).toBe(true);
			expect(internalHits).toBe(0);
			expect(pollsOf(task.taskId)).toHaveLength(1);
			expect(await usage(world, userId)).toMatchObject({ Spent: '$0.05', 'Images this period': '1' });
		} finally {
			await new Promise<void>((resolve) => internal.close(() => resolve()));
		}
	});
});
