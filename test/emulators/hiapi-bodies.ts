// The hiapi emulator's fixed bodies: error envelopes as hiapi sends them, the public price list, the aspect ratios.

export const ASPECT_RATIOS = ['1:1', '16:9', '9:16', '4:3', '3:4', '21:9', '9:21', '3:2', '2:3'] as const;

const DEFAULT_PRICING_VERSION = '2026-11-01';

export function defaultPricingBody(priceUsd = 0.05, version = DEFAULT_PRICING_VERSION, model = 'flux-1.1-pro'): unknown {
	return {
		success: true,
		pricing_version: version,
		data: [
			{ model_name: model, base_usd_value: priceUsd, unit: 'image' },
			{ model_name: 'other', base_usd_value: 1 },
		],
	};
}

const ERROR_CODES: Record<number, [string, string]> = {
	400: ['INVALID_REQUEST', 'invalid request'],
	401: ['UNAUTHORIZED', 'invalid api key'],
	402: ['INSUFFICIENT_BALANCE', 'insufficient balance'],
	403: ['FORBIDDEN', 'forbidden'],
	404: ['NOT_FOUND', 'not found'],
	409: ['IDEMPOTENCY_KEY_PROCESSING', 'a request with this idempotency key is still processing'],
	422: ['INVALID_REQUEST', 'unprocessable'],
	429: ['RATE_LIMITED', 'too many requests'],
	500: ['INTERNAL_ERROR', 'internal server error'],
	502: ['BAD_GATEWAY', 'bad gateway'],
	503: ['SERVICE_UNAVAILABLE', 'service unavailable'],
};

export function hiapiErrorBody(status: number, message?: string, errorCode?: string): unknown {
	const [code, msg] = ERROR_CODES[status] ?? ['ERROR', `error ${status}`];
	return { code: status, message: message ?? msg, data: null, error_code: errorCode ?? code };
}
