// The real bot downloads images only from hiapi's hosts and HIAPI_DOWNLOAD_HOSTS. Here nobody listed 127.0.0.1, so
// the emulator's output link (plain http on this machine, an internal page as far as the bot can tell) is refused
// before any byte is fetched: the member is refunded, nothing is attached, and the link never reaches the logs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertNoSecrets, createWorld, imagine, newUserId, outcome, usage, type BotProcess, type World } from './harness.js';

let world: World;
let bot: BotProcess;

beforeAll(async () => {
	world = await createWorld({ TASK_TIMEOUT_MS: '5000', IMAGE_PRICE_USD: '0.05' });
	// Empty = not set: only hiapi's own hosts, over https, on public addresses.
	bot = await world.start({ HIAPI_DOWNLOAD_HOSTS: '' });
}, 40_000);

afterAll(async () => {
	await world?.close();
});

describe('a task whose output points at this machine', () => {
	it('is refused, refunded and never fetched', async () => {
		world.hiapi.script('internal link', { durationMs: 100 });
		const userId = newUserId();
		const sent = imagine(world, { prompt: 'internal link please', userId });
		const done = await outcome(world, bot, sent.id);

		expect(done.kind).toBe('refunded');
		expect(done.log).toMatchObject({ kind: 'download_failed' });
		expect(String((done.finalEdit?.json as { content?: string }).content)).toMatch(/couldn't fetch it/);
		expect(done.finalEdit?.files).toHaveLength(0);
		expect(world.discord.requests.filter((r) => r.interactionId === sent.id).flatMap((r) => r.files)).toHaveLength(0);
		const f = await usage(world, userId);
		expect(f.Spent).toBe('$0.00');
		expect(f['In progress']).toBeUndefined();

		const task = world.hiapi.tasks().find((t) => t.prompt === 'internal link please');
		expect(task).toBeDefined();
		expect(world.hiapi.requests.some((r) => r.path.startsWith('/cdn/'))).toBe(false);

		// One operator line naming the host and the setting that would allow it.
		const refused = bot.logs.find((l) => l.msg.startsWith('image download refused'));
		expect(refused).toMatchObject({ host: '127.0.0.1', reason: 'plain-http' });
		expect(refused?.msg).toMatch(/HIAPI_DOWNLOAD_HOSTS/);
		// The output link (a bearer link on a real CDN) is in no log line, not even in the error.
		expect(bot.stdout + bot.stderr).not.toContain(`/cdn/${task?.taskId}`);
		assertNoSecrets(world, bot);
	});
});
