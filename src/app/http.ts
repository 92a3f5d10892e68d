// The bot's HTTP server on HEALTH_PORT: /healthz (every shard + store), /metrics (Prometheus), and, with
// HIAPI_CALLBACK_URL set, POST at that URL's path for hiapi's callbacks (behind the operator's HTTPS proxy).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { CALLBACK_MAX_BYTES, verifyCallback, type TaskSnapshot } from '../hiapi/index.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';

export interface HealthChecks {
	/** ok when every shard this process runs is ready. */
	gateway(): { ok: boolean; shards: Record<string, boolean> };
	store(): Promise<boolean>;
	/** On Redis the store check is also the fleet's shared queue and wallet, so /healthz names it. */
	storeKind: 'sqlite' | 'redis';
	jobs(): { running: number; queued: number; accepting: boolean };
}

export interface CallbackRoute {
	/** The path of HIAPI_CALLBACK_URL. */
	path: string;
	secret: string;
	/** A verified task report; returns what became of it (for logs and metrics). */
	onTask(task: TaskSnapshot, receivedAt: number): string;
	now?: () => number;
}

export interface HttpOptions {
	port: number;
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
		server.listen(o.port, () => resolve());
	});
	o.logger.info({ port: o.port, callbackPath: o.callback?.path }, 'HTTP server listening');
	return server;
}

function json(res: ServerResponse, status: number, body: unknown): void {
	res.writeHead(status, { 'content-type': 'application/json' });
	res.end(JSON.stringify(body));
}

/**
 * Reads the raw body (capped), verifies it, answers at once, and only then hands the task on: hiapi gets its 2xx
 * fast, and a refused callback changes nothing.
 */
function handleCallback(req: IncomingMessage, res: ServerResponse, route: CallbackRoute, o: HttpOptions): void {
	const receivedAt = (route.now ?? Date.now)();
	const refuse = (status: number, result: string, fields: Record<string, unknown> = {}) => {
		o.metrics.callbacks.inc({ result });
		o.logger.warn({ status, result, ...fields }, 'hiapi callback refused');
		res.setHeader('connection', 'close');
		json(res, status, { error: result });
	};
	if (req.method !== 'POST') {
		res.setHeader('allow', 'POST');
		json(res, 405, { error: 'method not allowed' });
		return;
	}
	const declared = Number(req.headers['content-length']);
	if (Number.isFinite(declared) && declared > CALLBACK_MAX_BYTES) {
		refuse(413, 'too_large', { bytes: declared });
		req.destroy();
		return;
	}
	const chunks: Buffer[] = [];
	let total = 0;
	let done = false;
	req.on('data', (chunk: Buffer) => {
		if (done) return;
		total += chunk.length;
		if (total > CALLBACK_MAX_BYTES) {
			done = true;
			refuse(413, 'too_large', { bytes: total });
			req.destroy();
			return;
		}
		chunks.push(chunk);
	});
	req.on('error', () => undefined);
	req.on('end', () => {
		if (done) return;
		done = true;
		const header = (name: string) => {
			const v = req.headers[name];
			return Array.isArray(v) ? v[0] : v;
		};
		const verdict = verifyCallback({
			rawBody: Buffer.concat(chunks, total),
			timestamp: header('x-hiapi-timestamp'),
			signature: header('x-hiapi-signature'),
			secret: route.secret,
			now: (route.now ?? Date.now)(),
		});
		if (!verdict.ok) {
			refuse(verdict.status, verdict.reason === 'stale_timestamp' ? 'refused_stale' : verdict.reason === 'bad_body' ? 'bad_body' : 'refused_signature', {
				reason: verdict.reason,
			});
			return;
		}
		res.writeHead(204);
		res.end();
		let result: string;
		try {
			result = route.onTask(verdict.task, receivedAt);
		} catch (error) {
			o.logger.error({ err: error, taskId: verdict.task.taskId }, 'hiapi callback handling failed');
			result = 'error';
		}
		o.metrics.callbacks.inc({ result });
		o.logger.debug({ taskId: verdict.task.taskId, status: verdict.task.status, result, ms: (route.now ?? Date.now)() - receivedAt }, 'hiapi callback');
	});
}
