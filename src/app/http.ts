// The bot's HTTP server on HEALTH_PORT: /healthz (every shard + store), /metrics (Prometheus), and, with
// HIAPI_CALLBACK_URL set, POST at that URL's path for hiapi's callbacks (behind the operator's HTTPS proxy).
import { createServer, type Server } from 'node:http';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { handleCallback, type CallbackRoute } from '../tasks/callback-route.js';
import { json } from '../util/json-response.js';

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
}

export async function startHttpServer(o: HttpOptions): Promise<Server> {
	const server = createServer((req, res) => {
		const path = (req.url ?? '/').split('?')[0];
		if (o.callback && path === o.callback.path) {
			handleCallback(req, res, o.callback, o);
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
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(o.port, o.host ?? '127.0.0.1', () => resolve());
	});
	o.logger.info({ port: o.port, host: o.host ?? '127.0.0.1', callbackPath: o.callback?.path }, 'HTTP server listening');
	return server;
}
