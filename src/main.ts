// Composition root: config → logger → store → services → Discord; signals stop it cleanly.
import { Events } from 'discord.js';
import { Audit } from './budget/audit.js';
import { Blocklist } from './moderation/blocklist.js';
import { attachRouter, createChannelPoster, createClient, createDelivery } from './app/router.js';
import { ConfigError, loadConfig, readEnvironment } from './config.js';
import { isExpectedWarning } from './app/discord-scale.js';
import { startHttpServer } from './app/http.js';
import { HiapiClient } from './hiapi/index.js';
import { JobExecutor } from './images/executor.js';
import { JobRunner } from './images/jobs.js';
import type { JobQueue } from './images/queue/queue.js';
import { LocalQueue } from './images/queue/local.js';
import { Ledger } from './budget/index.js';
import { createLogger } from './log.js';
import { createMetrics } from './metrics.js';
import { migrate } from './migrations/migrate.js';
import { createVault } from './vault/index.js';
import { ModLog } from './moderation/mod-log.js';
import { Pricing } from './budget/pricing.js';
import { ShardHealth } from './app/shards.js';
import { Store, StoreError } from './storage/store.js';
import { DurationHistory } from './tasks/durations.js';
import { TaskWaiters } from './tasks/waiters.js';
import { CallbackRelay } from './tasks/relay.js';
import { TaskWatch } from './tasks/watch.js';

/** Close codes after which a shard never reconnects, and what the operator should do about each. */
const FATAL_CLOSE: Record<number, string> = {
	4004: 'Discord rejected the token (check DISCORD_TOKEN)',
	4010: 'Discord refused the shard (check SHARD_COUNT and SHARD_IDS)',
	4011: 'Discord requires more shards for this many servers (unset SHARD_COUNT to use its recommendation, or raise it)',
	4013: 'Discord refused the gateway intents',
	4014: 'Discord refused the gateway intents',
};

async function main(): Promise<void> {
	let config;
	try {
		config = loadConfig(readEnvironment());
	} catch (error) {
		if (!(error instanceof ConfigError)) throw error;
		for (const problem of error.problems) process.stderr.write(`imagine-bot: configuration error: ${problem}\n`);
		process.stderr.write('imagine-bot: see .env.example for every setting.\n');
		process.exit(78); // EX_CONFIG
	}

	const logger = createLogger({ level: config.logLevel, secrets: [config.discordToken, config.hiapiApiKey, config.hiapiWebhookSecret ?? ''] });
	let store: Store;
	try {
		store = await Store.open(config.storeUrl, logger);
		await migrate(store, logger);
	} catch (error) {
		logger.fatal({ err: error }, error instanceof StoreError ? error.message : `cannot open the store: ${(error as Error).message}`);
		logger.flush();
		process.exit(1);
	}

	const metrics = createMetrics();
	const hiapi = new HiapiClient({
		baseUrl: config.hiapiBaseUrl,
		apiKey: config.hiapiApiKey,
		model: config.hiapiModel,
		...(config.hiapiCallbackUrl ? { callbackUrl: config.hiapiCallbackUrl } : {}),
		logger: logger.child({ component: 'hiapi' }),
		observer: { request: (op, seconds) => metrics.hiapiLatency.observe({ op }, seconds), retried: (kind) => metrics.hiapiErrors.inc({ kind }) },
	});
	const audit = new Audit(store, logger);
	// Process warnings go to the log as JSON, like everything else (Node would print them to stderr).
	process.removeAllListeners('warning');
	process.on('warning', (warning) =>
		isExpectedWarning(warning)
			? logger.debug({ warning: warning.name }, 'discord.js guild cache off by design')
			: logger.warn({ warning: warning.name, message: warning.message }, 'process warning'),
	);
	const client = createClient(config);
	// The log channel reads the server's settings through the ledger, which tells it about cap notes.
	const modLog = new ModLog((guildId) => ledger.settings(guildId), createChannelPoster(client), logger.child({ component: 'mod-log' }));
	const vault = createVault(store);
	const ledger = new Ledger(store, vault, {
		period: config.budgetPeriod,
		defaultLimit: config.defaultUserBudgetMicros,
		globalLimit: config.globalBudgetMicros,
		logger,
		audit,
		onCapNote: (note) => modLog.capReached(note),
		// On Redis the per-member job limit holds across every process, inside the vault's atomic step.
		...(vault.kind === 'redis' ? { maxActivePerUser: config.maxJobsPerUser } : {}),
	});
	const blocklist = new Blocklist(store, audit);
	const pricing = new Pricing({ fixedMicros: config.imagePriceMicros, url: config.hiapiPricingUrl, model: config.hiapiModel, hiapi, store, logger, metrics });
	const history = new DurationHistory(store, logger);
	await history.load();
	const waiters = new TaskWaiters();
	// A fleet shares callbacks: the process that receives one tells the others over Redis.
	const relay = store.redis && config.hiapiCallbackUrl !== undefined ? new CallbackRelay(store.redis, waiters, logger) : undefined;
	await relay?.start();
	const tasks = new TaskWatch({
		hiapi,
		history,
		waiters,
		logger,
		metrics,
		maxGapMs: config.pollIntervalMs,
		callbacks: config.hiapiCallbackUrl !== undefined,
	});
	const executor = new JobExecutor({ ledger, hiapi, delivery: createDelivery(client), logger, metrics, tasks, taskTimeoutMs: config.taskTimeoutMs });
	// One process: the in-process line. Redis: the fleet's shared BullMQ queue (loaded only then).
	const queue: JobQueue = store.redis
		? new (await import('./images/queue/fleet.js')).FleetQueue(executor, {
				client: store.redis,
				maxConcurrent: config.maxConcurrentJobs,
				lockMs: config.jobLockMs,
				logger,
				metrics,
			})
		: new LocalQueue(executor, { maxConcurrent: config.maxConcurrentJobs, maxPerUser: config.maxJobsPerUser, logger, metrics });
	const jobs = new JobRunner(executor, queue, logger);
	audit.subscribe((entry) => modLog.changed(entry));
	attachRouter(client, { config, logger, ledger, blocklist, modLog, jobs, pricing, metrics });

	// Finished jobs older than the retention go in the background, a batch at a time; buttons then say "too old".
	const retentionMs = config.jobRetentionDays * 86_400_000;
	const prune = () => void jobs.prune(retentionMs).catch((error: unknown) => logger.error({ err: error }, 'pruning old jobs failed'));
	const pruneTimer = setInterval(prune, 3_600_000).unref();

	const shards = new ShardHealth(client, logger, metrics);
	const callbackPath = config.hiapiCallbackUrl === undefined ? undefined : new URL(config.hiapiCallbackUrl).pathname;
	const http =
		config.healthPort === undefined
			? undefined
			: await startHttpServer({
					port: config.healthPort,
					checks: {
						gateway: () => shards.status(),
						store: () => store.ping(),
						storeKind: store.kind,
						jobs: () => ({ running: jobs.runningCount, queued: jobs.queueLength, accepting: jobs.isAccepting }),
					},
					metrics,
					logger,
					...(callbackPath && config.hiapiWebhookSecret
						? {
								callback: {
									path: callbackPath,
									secret: config.hiapiWebhookSecret,
									onTask: (task, at) => (relay ? relay.deliver(task, at) : waiters.deliver(task, at)),
								},
							}
						: {}),
				});

	let stopping = false;
	const shutdown = async (signal: string, code = 0) => {
		if (stopping) return;
		stopping = true;
		const t0 = Date.now();
		logger.info({ signal, graceMs: config.shutdownGraceMs }, 'shutting down');
		const { finished, leftOpen } = await jobs.stop(config.shutdownGraceMs);
		pricing.stop();
		clearInterval(pruneTimer);
		await client.destroy();
		http?.close();
		await history.flush();
		await hiapi.close();
		await relay?.stop();
		await store.close();
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
	client.once(Events.ClientReady, (c) => {
		logger.info(
			{ user: c.user.tag, applicationId: c.application.id, shards: [...c.ws.shards.keys()], shardCount: c.options.shardCount },
			'connected to Discord',
		);
		void jobs
			.resume()
			.then((n) => n && logger.info({ resumed: n }, 'resumed open jobs'))
			.then(prune);
	});

	await pricing.start();
	try {
		await client.login(config.discordToken);
	} catch (error) {
		logger.fatal({ err: error }, 'could not log in to Discord (check DISCORD_TOKEN and DISCORD_API_URL)');
		await shutdown('login-failed', 1);
	}
}

await main();
