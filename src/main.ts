// Composition root: config → logger → store → services → Discord; signals stop it cleanly.
import { Events, Status } from 'discord.js';
import { Audit } from './audit.js';
import { Blocklist } from './blocklist.js';
import { attachRouter, createChannelPoster, createClient, createDelivery } from './bot.js';
import { ConfigError, loadConfig, readEnvironment } from './config.js';
import { startHealthServer } from './health.js';
import { HiapiClient } from './hiapi/index.js';
import { JobRunner } from './jobs.js';
import { Ledger } from './ledger/index.js';
import { createLogger } from './log.js';
import { createMetrics } from './metrics.js';
import { migrate } from './migrate.js';
import { createVault } from './vault/index.js';
import { ModLog } from './mod-log.js';
import { Pricing } from './pricing.js';
import { Store, StoreError } from './store.js';

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

	const logger = createLogger({ level: config.logLevel, secrets: [config.discordToken, config.hiapiApiKey] });
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
		logger: logger.child({ component: 'hiapi' }),
		observer: { request: (op, seconds) => metrics.hiapiLatency.observe({ op }, seconds), retried: (kind) => metrics.hiapiErrors.inc({ kind }) },
	});
	const audit = new Audit(store, logger);
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
	const jobs = new JobRunner({
		store,
		ledger,
		hiapi,
		delivery: createDelivery(client),
		logger,
		metrics,
		pollIntervalMs: config.pollIntervalMs,
		taskTimeoutMs: config.taskTimeoutMs,
		maxConcurrent: config.maxConcurrentJobs,
		maxPerUser: config.maxJobsPerUser,
	});
	audit.subscribe((entry) => modLog.changed(entry));
	attachRouter(client, { config, logger, ledger, blocklist, modLog, jobs, pricing, metrics });

	// Finished jobs older than the retention go in the background, a batch at a time; buttons then say "too old".
	const retentionMs = config.jobRetentionDays * 86_400_000;
	const prune = () => void jobs.prune(retentionMs).catch((error: unknown) => logger.error({ err: error }, 'pruning old jobs failed'));
	const pruneTimer = setInterval(prune, 3_600_000).unref();

	// Up from READY until a disconnect; up again on RESUMED or a new READY.
	let gatewayUp = false;
	const down = () => {
		gatewayUp = false;
	};
	client.on(Events.ShardReady, () => (gatewayUp = true));
	client.on(Events.ShardResume, () => (gatewayUp = true));
	client.on(Events.ShardDisconnect, down);
	client.on(Events.ShardReconnecting, down);
	client.on(Events.Invalidated, down);

	const health =
		config.healthPort === undefined
			? undefined
			: await startHealthServer(
					config.healthPort,
					{
						gateway: () => gatewayUp && client.ws.status === Status.Ready,
						store: () => store.ping(),
						jobs: () => ({ running: jobs.runningCount, queued: jobs.queueLength, accepting: jobs.isAccepting }),
					},
					metrics,
					logger,
				);

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
		health?.close();
		await hiapi.close();
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
	client.on(Events.ShardDisconnect, (event, shardId) => logger.warn({ code: event.code, shardId }, 'gateway disconnected'));
	client.on(Events.ShardResume, (shardId) => logger.info({ shardId }, 'gateway resumed'));
	client.once(Events.ClientReady, (c) => {
		logger.info({ user: c.user.tag, applicationId: c.application.id, guilds: c.guilds.cache.size }, 'connected to Discord');
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
