// The bot's HTTP server on HEALTH_PORT: /healthz (every shard + store), /metrics (Prometheus), and, with
// HIAPI_CALLBACK_URL set, POST at that URL's path for hiapi's callbacks (behind the operator's HTTPS proxy).
import { createServer, type Server } from 'node:http';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { callbackHandler, type CallbackRoute } from '../tasks/callback-route.js';
import { json } from '../util/json-response.js';
import { LogThrottle } from '../util/log-throttle.js';

/**
 * The port may face the internet (the callback route): no client holds it for long. Headers must arrive within
 * 10 s and a whole request within 15 s (Node's defaults are 60 s and 300 s), an idle keep-alive connection closes
 * after 5 s, and past MAX_CONNECTIONS open connections new ones are closed at once.
 */
export const HTTP_LIMITS = { headersTimeoutMs: 10_000, requestTimeoutMs: 15_000, keepAliveTimeoutMs: 5_000, maxConnections: 256 } as const;

export interface HealthChecks {
	/** ok when every shard this process runs is ready. */
	gateway(): { ok: boolean; shards: Record<string, boolean> };
	store(): Promise<boolean>;
	/** On Redis the store check is also the fleet's shared queue and wallet, so /healthz names it. */
	storeKind: 'sqlite' | 'redis';
	jobs(): { running: number; queued: number; accepting: boolean };
}

export interface HttpOptions {
	port: number;
	/** The address to listen on (HTTP_HOST); loopback by default. */
	host?: string;
	checks: HealthChecks;
	metrics: Metrics;
	logger: Logger;
	callback?: CallbackRoute;
	/** Default HTTP_LIMITS.maxConnections. */
	maxConnections?: number;
}

export async function startHttpServer(o: HttpOptions): Promise<Server> {
	const callback = o.callback && callbackHandler(o.callback, o);
	const options = {
		headersTimeout: HTTP_LIMITS.headersTimeoutMs,
		requestTimeout: HTTP_LIMITS.requestTimeoutMs,
		keepAliveTimeout: HTTP_LIMITS.keepAliveTimeoutMs,
		// Node checks those two timeouts on this interval (30 s by default, which would triple them).
		connectionsCheckingInterval: 1000,
	};
	const server = createServer(options, (req, res) => {
		const path = (req.url ?? '/').split('?')[0];
		if (callback && path === o.callback?.path) {
			callback(req, res);
			return;
		}
		void (async () => {
			if (req.method === 'GET' && path === '/healthz') {
				const gateway = o.checks.gateway();
				const store = await o.checks.store();
				const ok = gateway.ok && store;
				const redis = o.checks.storeKind === 'redis' ? { redis: store } : {};
				json(res, ok ? 200 : 503, { status: ok ? 'ok' : 'unavailable', gateway: gateway.ok, shards: gateway.shards, store, ...redis, ...o.checks.jobs() });
				return;
			}
			if (req.method === 'GET' && path === '/metrics') {
				res.writeHead(200, { 'content-type': o.metrics.registry.contentType });
				res.end(await o.metrics.registry.metrics());
				return;
			}
			json(res, 404, { error: 'not found' });
		})().catch((error: unknown) => {
			o.logger.error({ err: error }, 'HTTP endpoint failed');
			if (!res.headersSent) res.writeHead(500);
			res.end();
		});
	});
	server.maxConnections = o.maxConnections ?? HTTP_LIMITS.maxConnections;
	const dropped = new LogThrottle(10_000);
	server.on('drop', () => {
		const line = dropped.take('drop');
		if (line.log) o.logger.warn({ maxConnections: server.maxConnections, suppressed: line.suppressed }, 'HTTP connection refused: too many open connections');
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(o.port, o.host ?? '127.0.0.1', () => resolve());
	});
	o.logger.info({ port: o.port, host: o.host ?? '127.0.0.1', callbackPath: o.callback?.path }, 'HTTP server listening');
	return server;
}
