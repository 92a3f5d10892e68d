// Image download from hiapi's CDN: streamed with a size cap, following redirects, typed by magic bytes.
import type { Logger } from 'pino';
import { errCode, errMessage, HiapiError, isTimeoutCode, type HiapiErrorKind } from './errors.js';
import { discardBody, headerValue, type HiapiTransport } from './transport.js';

export interface DownloadedImage {
	bytes: Buffer;
	contentType: string;
	extension: 'png' | 'jpg' | 'webp' | 'gif';
}

function sniffImage(b: Buffer): { contentType: string; extension: DownloadedImage['extension'] } | undefined {
	if (b.length >= 8 && b.readUInt32BE(0) === 0x89504e47 && b.readUInt32BE(4) === 0x0d0a1a0a) {
		return { contentType: 'image/png', extension: 'png' };
	}
	if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return { contentType: 'image/jpeg', extension: 'jpg' };
	if (b.length >= 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') {
		return { contentType: 'image/webp', extension: 'webp' };
	}
	if (b.length >= 6 && (b.toString('latin1', 0, 6) === 'GIF87a' || b.toString('latin1', 0, 6) === 'GIF89a')) {
		return { contentType: 'image/gif', extension: 'gif' };
	}
	return undefined;
}

const CONTENT_TYPE_EXT: Record<string, DownloadedImage['extension']> = {
	'image/png': 'png',
	'image/jpeg': 'jpg',
	'image/jpg': 'jpg',
	'image/webp': 'webp',
	'image/gif': 'gif',
};

export async function downloadImage(
	http: HiapiTransport,
	log: Logger,
	url: string,
	opts: { maxBytes: number; signal?: AbortSignal },
): Promise<DownloadedImage> {
	let current = url;
	const started = http.now();
	try {
		for (let redirects = 0; ; redirects++) {
			// No Authorization header: the CDN link is a bearer URL and must never see our API key.
			const res = await http.rawGet(current, { accept: 'image/png,image/jpeg,image/webp,image/gif,image/*;q=0.8' }, opts.signal);
			const status = res.statusCode;
			const location = headerValue(res.headers, 'location');
			if (status >= 300 && status < 400 && location && [301, 302, 303, 307, 308].includes(status)) {
				res.body.dump().catch(() => {});
				if (redirects >= 5) throw new HiapiError('download_failed', `too many redirects downloading ${url}`, { status, method: 'GET', url });
				current = new URL(location, current).toString();
				continue;
			}
			if (status < 200 || status >= 300) {
				res.body.dump().catch(() => {});
				const kind: HiapiErrorKind = status === 429 || status >= 500 ? 'unavailable' : 'download_failed';
				const why = status === 403 || status === 404 || status === 410 ? ' (link expired or gone)' : '';
				throw new HiapiError(kind, `image download failed: HTTP ${status}${why} (GET ${current})`, { status, method: 'GET', url: current });
			}
			const declared = headerValue(res.headers, 'content-length');
			const declaredLen = declared !== undefined && /^\d+$/.test(declared) ? Number(declared) : undefined;
			if (declaredLen !== undefined && declaredLen > opts.maxBytes) {
				discardBody(res.body);
				throw new HiapiError('too_large', `image is ${declaredLen} bytes, over the ${opts.maxBytes}-byte limit (GET ${current})`, {
					status,
					method: 'GET',
					url: current,
				});
			}
			const chunks: Buffer[] = [];
			let total = 0;
			for await (const chunk of res.body) {
				const buf = chunk as Buffer;
				total += buf.length;
				if (total > opts.maxBytes) {
					discardBody(res.body);
					throw new HiapiError('too_large', `image exceeded the ${opts.maxBytes}-byte limit while downloading (GET ${current})`, {
						status,
						method: 'GET',
						url: current,
					});
				}
				chunks.push(buf);
			}
			const bytes = Buffer.concat(chunks, total);
			if (declaredLen !== undefined && declaredLen !== total) {
				throw new HiapiError('download_failed', `image download truncated: got ${total} of ${declaredLen} bytes (GET ${current})`, {
					status,
					method: 'GET',
					url: current,
				});
			}
			if (total === 0) throw new HiapiError('download_failed', `image download was empty (GET ${current})`, { status, method: 'GET', url: current });
			const headerType = ((headerValue(res.headers, 'content-type') ?? '').split(';')[0] ?? '').trim().toLowerCase();
			const sniffed = sniffImage(bytes);
			let result: DownloadedImage;
			if (sniffed) {
				result = { bytes, ...sniffed };
			} else {
				const ext = CONTENT_TYPE_EXT[headerType];
				if (!ext) {
					throw new HiapiError('download_failed', `downloaded file is not an image (content-type ${headerType || 'none'}) (GET ${current})`, {
						status,
						method: 'GET',
						url: current,
					});
				}
				log.warn({ url: current, contentType: headerType, bytes: total }, 'hiapi download: unrecognised magic bytes, trusting content-type');
				result = { bytes, contentType: headerType === 'image/jpg' ? 'image/jpeg' : headerType, extension: ext };
			}
			log.debug({ bytes: total, contentType: result.contentType, ms: http.now() - started }, 'hiapi download');
			return result;
		}
	} catch (e) {
		if (e instanceof HiapiError) throw e;
		if (opts.signal?.aborted) throw opts.signal.reason ?? e;
		const code = errCode(e);
		if (isTimeoutCode(code)) {
			throw new HiapiError('timeout', `image download timed out (GET ${current})`, { method: 'GET', url: current, code, cause: e });
		}
		// Truncated body (content-length mismatch, socket closed mid-body) or a failed connection to the CDN.
		throw new HiapiError('download_failed', `image download failed: ${errMessage(e)} (GET ${current})`, {
			method: 'GET',
			url: current,
			code,
			cause: e,
		});
	}
}
