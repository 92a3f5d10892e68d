// hiapi's callbacks on the bot's HTTP server: POST at HIAPI_CALLBACK_URL's path. A verified task report wakes the
// job waiting for it (or is relayed across the fleet); anything refused changes nothing.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CALLBACK_MAX_BYTES, verifyCallback, type TaskSnapshot } from '../hiapi/index.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { json } from '../util/json-response.js';

export interface CallbackRoute {
	/** The path of HIAPI_CALLBACK_URL. */
	path: string;
	secret: string;
	/** A verified task report; returns what became of it (for logs and metrics). */
	onTask(task: TaskSnapshot, receivedAt: number): string;
	now?: () => number;
}

/**
 * Reads the raw body (capped), verifies it, answers at once, and only then hands the task on: hiapi gets its 2xx
 * fast, and a refused callback changes nothing.
 */
export function handleCallback(req: IncomingMessage, res: ServerResponse, route: CallbackRoute, o: { logger: Logger; metrics: Metrics }): void {
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
