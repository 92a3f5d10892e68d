// hiapi's public surface: the client and the types and helpers the rest of the bot uses.
export { HiapiClient, type HiapiClientOptions, type HiapiObserver } from './client.js';
export type { DownloadedImage } from './download.js';
export { classifyHttpError, HiapiError, parseRetryAfter, type HiapiErrorDetails, type HiapiErrorKind } from './errors.js';
export { INVALID_PRICE } from './pricing.js';
export { expiresAtMs, statusPhase, type TaskPhase, type TaskSnapshot } from './status.js';
export {
	CALLBACK_MAX_BYTES,
	callbackSignature,
	checkCallbackHeaders,
	verifyCallback,
	type CallbackRefusal,
	type CallbackVerdict,
	type SignedCallback,
} from './callback.js';
