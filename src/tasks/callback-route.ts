// hiapi callbacks on the bot's HTTP server: POST at HIAPI_CALLBACK_URL's path. A verified task report wakes the
// job waiting for it (or is relayed across the fleet); anything refused changes nothing and holds nothing open.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CALLBACK_MAX_BYTES, checkCallbackHeaders, verifyCallback, type CallbackRefusal, type SignedCallback, type TaskSnapshot } from '../hiapi/index.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { json } from '../util/json-response.js';
import { LogThrottle } from '../util/log-throttle.js';

/** A signed callback's body must have arrived this long after its headers (a task object is a few hundred bytes). */
export const CALLBACK_BODY_DEADLINE_MS = 5000;
/** At most one "refused" warn line per result in this window; the metrics count every refusal. */
const REFUSAL_LOG_WINDOW_MS = 10_000;

export interface CallbackRoute {
	/** The path of HIAPI_CALLBACK_URL. */
	path: string;
	secret: string;
	/** A verified task report, and the signed bytes it came in; returns what became of it (for logs and metrics). */
	onTask(task: TaskSnapshot, receivedAt: number, signed: SignedCallback): string;
	now?: () => number;
	/** Default CALLBACK_BODY_DEADLINE_MS. */
	bodyDeadlineMs?: number;
}

export type CallbackHandler = (req: IncomingMessage, res: ServerResponse) => void;

const refusalResult = (reason: CallbackRefusal) => (reason === 'stale_timestamp' ? 'refused_stale' : reason === 'bad_body' ? 'bad_body' : 'refused_signature');

/**
 * Judges the signature headers before reading a byte of body (401 and close when they are missing, malformed or
 * out of the time window), then reads the body under a cap and a deadline, verifies it, answers at once, and only
 * then hands the task on: hiapi gets its 2xx fast, and a refused callback changes nothing.
 */
export function callbackHandler(route: CallbackRoute, o: { logger: Logger; metrics: Metrics }): CallbackHandler {
	const now = route.now ?? Date.now;
	const throttle = new LogThrottle(REFUSAL_LOG_WINDOW_MS, now);
	const refuse = (res: ServerResponse, status: number, result: string, fields: Record<string, unknown> = {}) => {
		o.metrics.callbacks.inc({ result });
		const line = throttle.take(result);
		if (line.log) o.logger.warn({ status, result, ...fields, ...(line.suppressed ? { suppressed: line.suppressed } : {}) }, 'hiapi callback refused');
		if (res.headersSent) return;
		// The body is left unread: Connection: close makes Node end the socket once the answer is out.
		res.setHeader('connection', 'close');
		json(res, status, { error: result });
	};
	return (req, res) => {
		const receivedAt = now();
		if (req.method !== 'POST') {
			res.setHeader('allow', 'POST');
			res.setHeader('connection', 'close');
			json(res, 405, { error: 'method not allowed' });
			return;
		}
		const header = (name: string) => {
			const v = req.headers[name];
			return Array.isArray(v) ? v[0] : v;
		};
		const headers = checkCallbackHeaders(header('x-hiapi-timestamp'), header('x-hiapi-signature'), receivedAt);
		if (!headers.ok) return refuse(res, 401, refusalResult(headers.reason), { reason: headers.reason });
		const declared = Number(req.headers['content-length']);
		if (Number.isFinite(declared) && declared > CALLBACK_MAX_BYTES) return refuse(res, 413, 'too_large', { bytes: declared });

		const chunks: Buffer[] = [];
		let total = 0;
		let done = false;
		const stop = (status: number, result: string, fields: Record<string, unknown>) => {
			done = true;
			clearTimeout(deadline);
			chunks.length = 0;
			refuse(res, status, result, fields);
			req.removeAllListeners('data');
			req.pause();
		};
		const deadline = setTimeout(() => stop(408, 'body_timeout', { bytes: total }), route.bodyDeadlineMs ?? CALLBACK_BODY_DEADLINE_MS);
		deadline.unref();
		req.on('data', (chunk: Buffer) => {
			if (done) return;
			total += chunk.length;
			if (total > CALLBACK_MAX_BYTES) return stop(413, 'too_large', { bytes: total });
			chunks.push(chunk);
		});
		req.on('error', () => undefined);
		req.on('close', () => clearTimeout(deadline));
		req.on('end', () => {
			if (done) return;
			done = true;
			clearTimeout(deadline);
			const signed: SignedCallback = { rawBody: Buffer.concat(chunks, total), timestamp: headers.timestamp, signature: headers.signature };
			const verdict = verifyCallback({ ...signed, secret: route.secret, now: now() });
			if (!verdict.ok) return refuse(res, verdict.status, refusalResult(verdict.reason), { reason: verdict.reason });
			res.writeHead(204);
			res.end();
			let result: string;
			try {
				result = route.onTask(verdict.task, receivedAt, signed);
			} catch (error) {
				o.logger.error({ err: error, taskId: verdict.task.taskId }, 'hiapi callback handling failed');
				result = 'error';
			}
			o.metrics.callbacks.inc({ result });
			o.logger.debug({ taskId: verdict.task.taskId, status: verdict.task.status, result, ms: now() - receivedAt }, 'hiapi callback');
		});
	};
}
