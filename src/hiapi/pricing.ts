// hiapi's public pricing: the per-image USD price of one model, tolerant of the shapes the endpoint has used.
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { HttpResponse } from './envelope.js';
import { errCode, errMessage, HiapiError, MAX_UPSTREAM_MESSAGE } from './errors.js';
import { truncate } from '../util/text.js';
import { pricingEntrySchema } from './schemas.js';
import type { HiapiTransport } from './transport.js';

/** The error code of a pricing entry whose price is missing, not a number, or below one micro-dollar (the raw value is its upstreamMessage). */
export const INVALID_PRICE = 'invalid_price';

export async function fetchPricing(http: HiapiTransport, log: Logger, url: string, model: string): Promise<{ priceMicros: number; version?: string }> {
	let res: HttpResponse;
	try {
		res = await http.send('GET', url, undefined, { headers: { accept: 'application/json' } }, false);
	} catch (e) {
		if (e instanceof HiapiError && e.kind === 'bad_response') throw e;
		throw new HiapiError('unavailable', `pricing fetch failed: ${errMessage(e)} (GET ${url})`, {
			method: 'GET',
			url,
			code: errCode(e),
			cause: e,
		});
	}
	if (res.status < 200 || res.status >= 300) {
		throw new HiapiError('unavailable', `pricing fetch failed: HTTP ${res.status} (GET ${url})`, {
			status: res.status,
			method: 'GET',
			url,
			upstreamMessage: truncate(res.text, MAX_UPSTREAM_MESSAGE),
		});
	}
	let json: unknown;
	try {
		json = JSON.parse(res.text);
	} catch {
		throw new HiapiError('bad_response', `pricing response is not valid JSON (GET ${url})`, { status: res.status, method: 'GET', url });
	}
	const root = json as Record<string, unknown> | unknown[] | null;
	let list: unknown = Array.isArray(root) ? root : root && typeof root === 'object' ? root['data'] : undefined;
	if (list && !Array.isArray(list) && typeof list === 'object') list = (list as Record<string, unknown>)['data'] ?? (list as Record<string, unknown>)['models'];
	if (!Array.isArray(list)) {
		throw new HiapiError('bad_response', `pricing response has no data array (GET ${url})`, { status: res.status, method: 'GET', url });
	}
	const entries = list.flatMap((e) => {
		const p = pricingEntrySchema.safeParse(e);
		return p.success ? [p.data] : [];
	});
	const nameOf = (e: z.infer<typeof pricingEntrySchema>) => e.model_name ?? e.model ?? e.name;
	const entry = entries.find((e) => nameOf(e) === model) ?? entries.find((e) => nameOf(e)?.toLowerCase() === model.toLowerCase());
	if (!entry) {
		throw new HiapiError('bad_response', `pricing has no entry for model ${model} (GET ${url})`, { status: res.status, method: 'GET', url });
	}
	const raw = entry.base_usd_value ?? entry.usd ?? entry.price;
	const usd = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
	// A price is a whole number of micro-dollars, at least one: 0 (or 0.0000004, which rounds to 0) would make every image free.
	const priceMicros = typeof usd === 'number' && Number.isFinite(usd) ? Math.round(usd * 1e6) : Number.NaN;
	if (!Number.isSafeInteger(priceMicros) || priceMicros < 1) {
		throw new HiapiError('bad_response', `pricing entry for ${model} has no usable USD price (GET ${url})`, {
			status: res.status,
			method: 'GET',
			url,
			code: INVALID_PRICE,
			upstreamMessage: truncate(String(raw), 40),
		});
	}
	const out: { priceMicros: number; version?: string } = { priceMicros };
	const obj = !Array.isArray(root) && root && typeof root === 'object' ? root : undefined;
	const version = obj?.['pricing_version'] ?? obj?.['version'];
	if (typeof version === 'string' || typeof version === 'number') out.version = String(version);
	log.debug({ model, priceMicros: out.priceMicros, version: out.version }, 'hiapi pricing');
	return out;
}
