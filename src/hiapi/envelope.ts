// hiapi's JSON envelope ({code, message, data, error_code}): status and envelope checks, with the API key
// redacted from anything hiapi echoes back so it never reaches a log or an error.
import { z } from 'zod';
import type { IncomingHttpHeaders } from 'node:http';
import { classifyHttpError, HiapiError, parseRetryAfter } from './errors.js';
import { truncate } from '../util/text.js';
import { envelopeSchema } from './schemas.js';

export interface HttpResponse {
	status: number;
	headers: IncomingHttpHeaders;
	text: string;
}

export function redact(s: string, apiKey: string): string {
	return apiKey ? s.split(apiKey).join('[redacted]') : s;
}

function fail(err: HiapiError, apiKey: string): never {
	if (err.upstreamMessage && err.upstreamMessage.includes(apiKey)) {
		throw new HiapiError(err.kind, redact(err.message, apiKey), {
			status: err.status,
			method: err.method,
			url: err.url,
			code: err.code,
			upstreamMessage: redact(err.upstreamMessage, apiKey),
			retryAfterMs: err.retryAfterMs,
		});
	}
	throw err;
}

/** Checks the HTTP status and hiapi envelope, returning `data` or throwing a classified error. */
export function parseEnvelope(res: HttpResponse, method: string, url: string, apiKey: string, now: () => number): unknown {
	let json: unknown;
	let parsedOk = true;
	try {
		json = JSON.parse(res.text);
	} catch {
		parsedOk = false;
	}
	const retryAfterMs = parseRetryAfter(res.headers['retry-after'], now());
	const ctx: { method: string; url: string; retryAfterMs?: number } = { method, url };
	if (retryAfterMs !== undefined) ctx.retryAfterMs = retryAfterMs;
	if (res.status < 200 || res.status >= 300) {
		return fail(classifyHttpError(res.status, parsedOk ? json : res.text, ctx), apiKey);
	}
	if (!parsedOk) {
		throw new HiapiError('bad_response', `hiapi answered HTTP ${res.status} with a body that is not JSON (${method} ${url})`, {
			status: res.status,
			method,
			url,
			upstreamMessage: redact(truncate(res.text, 200), apiKey),
		});
	}
	const env = envelopeSchema.safeParse(json);
	if (!env.success) {
		throw new HiapiError('bad_response', `hiapi answered HTTP ${res.status} with an unexpected envelope (${method} ${url}): ${z.prettifyError(env.error)}`, {
			status: res.status,
			method,
			url,
		});
	}
	const code = env.data.code;
	if (code !== undefined && code !== 0 && code !== 200) {
		// HTTP 2xx but the envelope carries an error code: classify by that code.
		return fail(classifyHttpError(code >= 100 && code < 600 ? code : 500, json, ctx), apiKey);
	}
	if (env.data.data == null) {
		throw new HiapiError('bad_response', `hiapi answered HTTP ${res.status} without data (${method} ${url})`, { status: res.status, method, url });
	}
	return env.data.data;
}
