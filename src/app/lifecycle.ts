// The process's life: start-up failures that stop it with a clear line, signals and fatal gateway closes that
// stop it cleanly (running jobs get a grace period, then stay open for the next start), and process-level
// errors and warnings as structured log lines.
import { Events, type Client } from 'discord.js';
import { ConfigError, loadConfig, readEnvironment, type Config } from '../config.js';
import type { JobQueue } from '../images/queue/queue.js';
import type { Logger } from '../log.js';
import { migrate } from '../migrations/migrate.js';
import { StoreError } from '../storage/store-errors.js';
import { Store } from '../storage/store.js';
import { isExpectedWarning } from './discord-scale.js';

/** Close codes after which a shard never reconnects, and what the operator should do about each. */
const FATAL_CLOSE: Record<number, string> = {
	4004: 'Discord rejected the token (check DISCORD_TOKEN)',
	4010: 'Discord refused the shard (check SHARD_COUNT and SHARD_IDS)',
	4011: 'Discord requires more shards for this many servers (unset SHARD_COUNT to use its recommendation, or raise it)',
	4013: 'Discord refused the gateway intents',
	4014: 'Discord refused the gateway intents',
};

/** The configuration, or exit 78 (EX_CONFIG) with every problem on stderr. */
export function configOrExit(): Config {
	try {
		return loadConfig(readEnvironment());
	} catch (error) {
		if (!(error instanceof ConfigError)) throw error;
		for (const problem of error.problems) process.stderr.write(`imagine-bot: configuration error: ${problem}\n`);
		process.stderr.write('imagine-bot: see .env.example for every setting.\n');
		process.exit(78);
	}
}

/** The store, migrated to this version's layout, or exit 1 with one fatal log line saying why. */
export async function storeOrExit(url: string, logger: Logger): Promise<Store> {
	try {
		const store = await Store.open(url, logger);
		await migrate(store, logger);
		return store;
	} catch (error) {
		logger.fatal({ err: error }, error instanceof StoreError ? error.message : `cannot open the store: ${(error as Error).message}`);
		logger.flush();
		process.exit(1);
	}
}

/** Process warnings go to the log as JSON, like everything else (Node would print them to stderr). Call before the client exists. */
export function logProcessWarnings(logger: Logger): void {
	process.removeAllListeners('warning');
	process.on('warning', (warning) =>
		isExpectedWarning(warning)
			? logger.debug({ warning: warning.name }, 'discord.js guild cache off by design')
			: logger.warn({ warning: warning.name, message: warning.message }, 'process warning'),
	);
}

export interface LifecycleOptions {
	client: Client;
	logger: Logger;
	queue: JobQueue;
	graceMs: number;
	/** Run in order after the queue stopped; one failing does not keep the others from running. */
	closers: ReadonlyArray<() => unknown>;
}

/** Installs the signal, error and gateway handlers; returns the one way to stop. */
export function manageLifecycle(o: LifecycleOptions): { shutdown: (signal: string, code?: number) => Promise<void> } {
	const { client, logger } = o;
	let stopping = false;
	const shutdown = async (signal: string, code = 0) => {
		if (stopping) return;
		stopping = true;
		const t0 = Date.now();
		logger.info({ signal, graceMs: o.graceMs }, 'shutting down');
		const { finished, leftOpen } = await o.queue.stop(o.graceMs);
		for (const close of o.closers) {
			try {
				await close();
			} catch (error) {
				logger.warn({ err: error }, 'a shutdown step failed');
			}
		}
		logger.info({ finished, leftOpen, ms: Date.now() - t0 }, 'stopped');
		logger.flush();
		process.exit(code);
	};

	process.on('SIGTERM', () => void shutdown('SIGTERM'));
	process.on('SIGINT', () => void shutdown('SIGINT'));
	process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));
	process.on('uncaughtException', (error) => {
		// State may be inconsistent: stop cleanly (open jobs are persisted and resume on the next start).
		logger.fatal({ err: error }, 'uncaught exception; shutting down');
		void shutdown('uncaughtException', 1);
	});

	client.on(Events.Warn, (message) => logger.warn({ message }, 'discord.js warning'));
	client.on(Events.Error, (error) => logger.error({ err: error }, 'discord.js error'));
	client.on(Events.ShardDisconnect, (event, shardId) => {
		const why = FATAL_CLOSE[event.code];
		if (!why) return;
		logger.fatal({ code: event.code, shardId }, `gateway closed for good: ${why}`);
		void shutdown(`gateway-${event.code}`, 1);
	});
	return { shutdown };
}
