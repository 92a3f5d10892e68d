// Resident memory of the real bot in 1, 1,000 and 5,000 realistic servers (40 channels, 30 roles, 20 emojis,
// 1,200 members each, as GUILD_CREATE carries them), on the shards Discord recommends, after start-up settles.
import { setTimeout as sleep } from 'node:timers/promises';
import { createWorld } from '../e2e/harness.js';
import { readMem, type Build } from './util.js';

export const SERVER_COUNTS = [1, 1000, 5000];
/** Time after "connected to Discord" before RSS is read (start-up garbage collected, timers settled). */
const SETTLE_MS = 4000;

export interface MemoryFigure {
	servers: number;
	rssKb?: number | undefined;
	loginMs?: number;
	shards?: number;
	/** Why there is no figure (the bot could not log in). */
	failed?: string;
}

export async function memoryFigure(build: Build, servers: number): Promise<MemoryFigure> {
	// max_concurrency 16 lets several shards identify at once (Discord gives it to large bots; with 1 a 5-shard
	// login takes ~25 s, which changes nothing here but the wait).
	const world = await createWorld({ LOG_LEVEL: 'info' }, { discord: { scale: { guilds: servers }, maxConcurrency: 16 } });
	try {
		const t0 = Date.now();
		const bot = await world.start({}, build.script, build.nodeFlags).catch((error: unknown) => error as Error);
		if (bot instanceof Error) {
			const closed = /"code":(\d{4})/.exec(bot.message)?.[1];
			return { servers, failed: closed ? `cannot log in (gateway close ${closed})` : 'cannot log in' };
		}
		const loginMs = Date.now() - t0;
		await sleep(SETTLE_MS);
		return { servers, rssKb: readMem(bot.child.pid)?.rssKb, loginMs, shards: world.discord.sessions().length };
	} finally {
		await world.close();
	}
}
