// Optional operator endpoints on HEALTH_PORT: /healthz (gateway + store) and /metrics (Prometheus).
import { createServer, type Server } from 'node:http';
import type { Logger } from './log.js';
import type { Metrics } from './metrics.js';

export interface HealthChecks {
	gateway(): boolean;
	store(): Promise<boolean>;
	jobs(): { running: number; queued: number; accepting: boolean };
}

export async function startHealthServer(port: number, checks: HealthChecks, metrics: Metrics, logger: Logger): Promise<Server> {
	const server = createServer((req, res) => {
		void (async () => {
			const path = (req.url ?? '/').split('?')[0];
			if (req.method === 'GET' && path === '/healthz') {
				const gateway = checks.gateway();
				const store = await checks.store();
				const ok = gateway && store;
				res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ status: ok ? 'ok' : 'unavailable', gateway, store, ...checks.jobs() }));
				return;
			}
			if (req.method === 'GET' && path === '/metrics') {
				res.writeHead(200, { 'content-type': metrics.registry.contentType });
				res.end(await metrics.registry.metrics());
				return;
			}
			res.writeHead(404, { 'content-type': 'application/json' });
			res.end('{"error":"not found"}');
		})().catch((error: unknown) => {
			logger.error({ err: error }, 'health endpoint failed');
			if (!res.headersSent) res.writeHead(500);
			res.end();
		});
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, () => resolve());
	});
	logger.info({ port }, 'health server listening');
	return server;
}
