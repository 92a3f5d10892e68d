// `npm run migrate-store -- --from sqlite://data/imagine-bot.sqlite --to redis://host:6379`: moves a bot from
// its SQLite file to Redis (to run several processes). Refuses while a bot is using the source (the same lock
// that keeps two bots off one file) and when the target already holds a bot's data; reports what it copied.
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { z } from 'zod';
import { migrate } from './migrations/migrate.js';
import { copyStore } from './migrations/store-copy.js';
import { Store } from './storage/store.js';
import { RedisVault } from './vault/redis.js';

const argsSchema = z.object({
	from: z
		.string({ error: 'is required, e.g. --from sqlite://data/imagine-bot.sqlite' })
		.regex(/^sqlite:\/\/./, 'must be a sqlite:// URL (the store to move from)'),
	to: z.string({ error: 'is required, e.g. --to redis://127.0.0.1:6379' }).regex(/^rediss?:\/\/./, 'must be a redis:// URL (the store to move to)'),
});

const say = (line: string) => process.stdout.write(`${line}\n`);

async function run(): Promise<void> {
	const { values } = parseArgs({ options: { from: { type: 'string' }, to: { type: 'string' } }, strict: true });
	const parsed = argsSchema.safeParse(values);
	if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `--${i.path.join('.')} ${i.message}`).join('; '));
	const logger = pino({ level: 'warn' });
	const source = await Store.open(parsed.data.from, logger);
	try {
		await migrate(source, logger);
		const target = await Store.open(parsed.data.to, logger);
		try {
			if (!target.redis) throw new Error('the target is not a Redis store');
			const vault = new RedisVault(target.redis);
			let targetHasRecords = false;
			for await (const _ of target.scan('', z.unknown())) {
				targetHasRecords = true;
				break;
			}
			if (targetHasRecords || !(await vault.isEmpty()))
				throw new Error(`${parsed.data.to} already holds imagine-bot data; migrate into an empty Redis database`);
			const t0 = Date.now();
			const counts = await copyStore(source, target, vault);
			say(`Copied ${parsed.data.from} to ${parsed.data.to.replace(/\/\/[^@/]*@/, '//…@')} in ${Date.now() - t0} ms:`);
			say(`  settings, overrides, audit history, blocklists and other records: ${counts.records}`);
			say(
				`  accounts: ${counts.accounts}, pools: ${counts.pools}, reservations: ${counts.reservations}, day totals: ${counts.days}, cap notes: ${counts.capNotes}`,
			);
			say(`  jobs: ${counts.openJobs} open (the fleet picks them up when it starts), ${counts.finishedJobs} finished`);
			if (counts.unreadable > 0) say(`  unreadable records skipped: ${counts.unreadable} (see the bot's log for which)`);
			say('Now set STORE_URL to the Redis URL and start the bots. Keep the SQLite file as a backup.');
		} finally {
			await target.close();
		}
	} finally {
		await source.close();
	}
}

try {
	await run();
} catch (error) {
	process.stderr.write(`imagine-bot: migrate-store failed: ${(error as Error).message}\n`);
	process.exit(1);
}
