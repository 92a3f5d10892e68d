// Composition root: config → logger → store → services → Discord. Wiring only; the process's life (start-up
// failures, signals, fatal gateway closes, shutdown) is app/lifecycle.ts.
import { Events } from 'discord.js';
import { commands } from '../commands/index.js';
import { createChannelPoster, createDelivery } from './app/discord-rest.js';
import { createClient } from './app/discord-scale.js';
import { startHttpServer } from './app/http.js';
import { configOrExit, logProcessWarnings, manageLifecycle, storeOrExit } from './app/lifecycle.js';
import { attachRouter } from './app/router.js';
import { ShardHealth } from './app/shards.js';
import { Audit } from './budget/audit.js';
import { Ledger } from './budget/ledger.js';
import { Pricing } from './budget/pricing.js';
import { HiapiClient } from './hiapi/index.js';
import { JobExecutor } from './images/executor.js';
import { LocalQueue } from './images/queue/local.js';
import type { JobQueue } from './images/queue/queue.js';
import { Retention } from './images/retention.js';
import { historyFiler } from './members/history.js';
import { createMembers } from './members/members.js';
import { createLogger } from './log.js';
import { createMetrics } from './metrics.js';
import { Blocklist } from './moderation/blocklist.js';
import { ModLog } from './moderation/mod-log.js';
import { ServerStyles } from './styles/server-styles.js';
import { DurationHistory } from './tasks/durations.js';
import { CallbackRelay } from './tasks/relay.js';
import { TaskWaiters } from './tasks/waiters.js';
import { TaskWatch } from './tasks/watch.js';
import { createVault } from './vault/create.js';

const config = configOrExit();
const logger = createLogger({ level: config.logLevel, secrets: [config.discordToken, config.hiapiApiKey, config.hiapiWebhookSecret ?? ''] });
logProcessWarnings(logger);
const store = await storeOrExit(config.storeUrl, logger);

const metrics = createMetrics();
const hiapi = new HiapiClient({
	baseUrl: config.hiapiBaseUrl,
	apiKey: config.hiapiApiKey,
	model: config.hiapiModel,
	...(config.hiapiCallbackUrl ? { callbackUrl: config.hiapiCallbackUrl } : {}),
	downloadHosts: config.hiapiDownloadHosts,
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
const styles = new ServerStyles(store, audit);
const pricing = new Pricing({ fixedMicros: config.imagePriceMicros, url: config.hiapiPricingUrl, model: config.hiapiModel, hiapi, store, logger, metrics });
const members = createMembers(store, vault, logger);
const history = new DurationHistory(store, logger);
await history.load();
const waiters = new TaskWaiters();
// A fleet shares callbacks: the process that receives one tells the others over Redis.
const relay =
	store.redis && config.hiapiCallbackUrl !== undefined && config.hiapiWebhookSecret !== undefined
		? new CallbackRelay(store.redis, waiters, { secret: config.hiapiWebhookSecret, logger, metrics })
		: undefined;
await relay?.start();
const tasks = new TaskWatch({ hiapi, history, waiters, logger, metrics, maxGapMs: config.pollIntervalMs, callbacks: config.hiapiCallbackUrl !== undefined });
const executor = new JobExecutor({
	ledger,
	hiapi,
	delivery: createDelivery(client, historyFiler(members.history)),
	logger,
	metrics,
	tasks,
	taskTimeoutMs: config.taskTimeoutMs,
});
// One process: the in-process line. Redis: the fleet's shared BullMQ queue (loaded only then).
const queue: JobQueue = store.redis
	? new (await import('./images/queue/fleet.js')).FleetQueue(executor, {
			client: store.redis,
			vault,
			maxConcurrent: config.maxConcurrentJobs,
			lockMs: config.jobLockMs,
			logger,
			metrics,
		})
	: new LocalQueue(executor, { vault, maxConcurrent: config.maxConcurrentJobs, maxPerUser: config.maxJobsPerUser, logger, metrics });
audit.subscribe((entry) => modLog.changed(entry));
attachRouter(client, commands, { config, logger, ledger, blocklist, styles, modLog, queue, pricing, metrics, members });
const retention = new Retention(vault, config.jobRetentionDays, logger);

const shards = new ShardHealth(client, logger, metrics);
const callbackPath = config.hiapiCallbackUrl === undefined ? undefined : new URL(config.hiapiCallbackUrl).pathname;
const http =
	config.healthPort === undefined
		? undefined
		: await startHttpServer({
				port: config.healthPort,
				host: config.httpHost,
				checks: {
					gateway: () => shards.status(),
					store: () => store.ping(),
					storeKind: store.kind,
					jobs: () => ({ ...queue.stats(), accepting: queue.accepting }),
				},
				metrics,
				logger,
				...(callbackPath && config.hiapiWebhookSecret
					? {
							callback: {
								path: callbackPath,
								secret: config.hiapiWebhookSecret,
								onTask: (task, at, signed) => (relay ? relay.deliver(task, at, signed) : waiters.deliver(task, at)),
							},
						}
					: {}),
			});

const { shutdown } = manageLifecycle({
	client,
	logger,
	queue,
	graceMs: config.shutdownGraceMs,
	closers: [
		() => pricing.stop(),
		() => retention.stop(),
		() => client.destroy(),
		() => http?.close(),
		() => history.flush(),
		() => hiapi.close(),
		() => relay?.stop(),
		() => store.close(),
	],
});

client.once(Events.ClientReady, (c) => {
	logger.info({ user: c.user.tag, applicationId: c.application.id, shards: [...c.ws.shards.keys()], shardCount: c.options.shardCount }, 'connected to Discord');
	void queue
		.resume()
		.then((n) => n && logger.info({ resumed: n }, 'resumed open jobs'))
		.then(() => retention.start());
});

await pricing.start();
try {
	await client.login(config.discordToken);
} catch (error) {
	logger.fatal({ err: error }, 'could not log in to Discord (check DISCORD_TOKEN and DISCORD_API_URL)');
	await shutdown('login-failed', 1);
}
