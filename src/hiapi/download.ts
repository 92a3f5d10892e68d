// Image download from hiapi's CDN: only from allowed hosts (every redirect hop and every resolved address vetted),
// streamed with a size cap and an overall deadline, typed by magic bytes. The link is a bearer URL: logged short.
import type { LookupFunction } from 'node:net';
import type { Logger } from 'pino';
import { Agent, request, type Dispatcher } from 'undici';
import { redactUrls, shortUrl } from '../util/url.js';
import { DownloadHosts, DownloadRefused } from './download-hosts.js';
import { errCode, errMessage, HiapiError, isTimeoutCode, type HiapiErrorKind } from './errors.js';
import { CONTENT_TYPE_EXT, sniffImage, type ImageExtension } from './sniff.js';
import { discardBody, headerValue } from './transport.js';

export interface DownloadedImage {
	bytes: Buffer;
	contentType: string;
	extension: ImageExtension;
}

export interface DownloaderOptions {
	/** HIAPI_BASE_URL: its host is one of hiapi's. */
	baseUrl: string;
	/** HIAPI_DOWNLOAD_HOSTS: the operator's extra hosts, the only ones allowed plain http or a private address. */
	hosts?: readonly string[] | undefined;
	logger: Logger;
	connectTimeoutMs: number;
	/** Time to the response headers, and the longest pause between body chunks. */
	headersTimeoutMs: number;
	bodyTimeoutMs: number;
	/** The whole download, redirects included (default 30 s): a trickling CDN cannot hold a job slot for longer. */
	deadlineMs?: number | undefined;
	/** Name resolution (tests); every answer is still vetted. Default: the system resolver. */
	lookup?: LookupFunction | undefined;
	now: () => number;
}

const MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const ACCEPT = 'image/png,image/jpeg,image/webp,image/gif,image/*;q=0.8';

export class Downloader {
	private readonly hosts: DownloadHosts;
	private readonly agent: Agent;
	private readonly log: Logger;
	private readonly deadlineMs: number;

	constructor(private readonly o: DownloaderOptions) {
		this.hosts = new DownloadHosts(o.baseUrl, o.hosts ?? []);
		this.log = o.logger;
		this.deadlineMs = o.deadlineMs ?? 30_000;
		// Its own connections, apart from the API's: each one resolves through the vetting lookup.
		this.agent = new Agent({
			connectTimeout: o.connectTimeoutMs,
			headersTimeout: o.headersTimeoutMs,
			bodyTimeout: o.bodyTimeoutMs,
			connect: { lookup: this.hosts.lookup(o.lookup) },
		});
	}

	async download(url: string, opts: { maxBytes: number; signal?: AbortSignal | undefined }): Promise<DownloadedImage> {
		const deadline = new AbortController();
		const timer = setTimeout(() => deadline.abort(), this.deadlineMs);
		const signal = opts.signal ? AbortSignal.any([opts.signal, deadline.signal]) : deadline.signal;
		const started = this.o.now();
		let current = url;
		let hop = 0;
		try {
			for (; ; hop++) {
				// No Authorization header: the CDN link is a bearer URL and must never see our API key.
				const res = await request(this.hosts.check(current), {
					method: 'GET',
					dispatcher: this.agent,
					headers: { accept: ACCEPT },
					headersTimeout: this.o.headersTimeoutMs,
					bodyTimeout: this.o.bodyTimeoutMs,
					signal,
				});
				const status = res.statusCode;
				const location = headerValue(res.headers, 'location');
				if (location !== undefined && REDIRECTS.has(status)) {
					res.body.dump().catch(() => {});
					if (hop >= MAX_REDIRECTS) throw this.error('download_failed', `too many redirects`, current, status);
					if (!URL.canParse(location, current)) throw this.error('download_failed', `redirect to an unparsable location`, current, status);
					current = new URL(location, current).toString();
					continue;
				}
				if (status < 200 || status >= 300) {
					res.body.dump().catch(() => {});
					const kind: HiapiErrorKind = status === 429 || status >= 500 ? 'unavailable' : 'download_failed';
					const why = status === 403 || status === 404 || status === 410 ? ' (link expired or gone)' : '';
					throw this.error(kind, `image download failed: HTTP ${status}${why}`, current, status);
				}
				const image = await this.read(res, opts.maxBytes, current);
				this.log.debug({ bytes: image.bytes.length, contentType: image.contentType, redirects: hop, ms: this.o.now() - started }, 'hiapi download');
				return image;
			}
		} catch (e) {
			throw this.failure(e, current, hop, opts.signal, deadline.signal);
		} finally {
			clearTimeout(timer);
		}
	}

	async close(): Promise<void> {
		// Jobs have stopped (or been aborted) before the client closes; nothing worth waiting for remains.
		if (!this.agent.destroyed) await this.agent.destroy();
	}

	private async read(res: Dispatcher.ResponseData, maxBytes: number, url: string): Promise<DownloadedImage> {
		const status = res.statusCode;
		const declared = headerValue(res.headers, 'content-length');
		const declaredLen = declared !== undefined && /^\d+$/.test(declared) ? Number(declared) : undefined;
		if (declaredLen !== undefined && declaredLen > maxBytes) {
			discardBody(res.body);
			throw this.error('too_large', `image is ${declaredLen} bytes, over the ${maxBytes}-byte limit`, url, status);
		}
		const chunks: Buffer[] = [];
		let total = 0;
		for await (const chunk of res.body) {
			const buf = chunk as Buffer;
			total += buf.length;
			if (total > maxBytes) {
				discardBody(res.body);
				throw this.error('too_large', `image exceeded the ${maxBytes}-byte limit while downloading`, url, status);
			}
			chunks.push(buf);
		}
		const bytes = Buffer.concat(chunks, total);
		if (declaredLen !== undefined && declaredLen !== total) {
			throw this.error('download_failed', `image download truncated: got ${total} of ${declaredLen} bytes`, url, status);
		}
		if (total === 0) throw this.error('download_failed', 'image download was empty', url, status);
		const sniffed = sniffImage(bytes);
		if (sniffed) return { bytes, ...sniffed };
		const headerType = ((headerValue(res.headers, 'content-type') ?? '').split(';')[0] ?? '').trim().toLowerCase();
		const ext = CONTENT_TYPE_EXT[headerType];
		if (!ext) throw this.error('download_failed', `downloaded file is not an image (content-type ${headerType || 'none'})`, url, status);
		this.log.warn({ url: shortUrl(url), contentType: headerType, bytes: total }, 'hiapi download: unrecognised magic bytes, trusting content-type');
		return { bytes, contentType: headerType === 'image/jpg' ? 'image/jpeg' : headerType, extension: ext };
	}

	/** A classified error whose message and `url` name the link only in short (scheme, host, hash). */
	private error(kind: HiapiErrorKind, what: string, url: string, status?: number, more: { code?: string; cause?: unknown } = {}): HiapiError {
		const short = shortUrl(url);
		return new HiapiError(kind, `${what} (GET ${short})`, { status, method: 'GET', url: short, ...more });
	}

	/** Turns whatever a download threw into a HiapiError (or rethrows the caller's abort). */
	private failure(e: unknown, url: string, hop: number, callerSignal: AbortSignal | undefined, deadline: AbortSignal): unknown {
		const refused = refusalIn(e);
		if (refused) {
			this.log.warn(
				{ host: refused.host, reason: refused.reason, address: refused.address, redirects: hop, url: shortUrl(url) },
				'image download refused: not an allowed image host (HIAPI_DOWNLOAD_HOSTS can allow it)',
			);
			return this.error('download_failed', refused.message, url, undefined, { code: refused.code });
		}
		if (e instanceof HiapiError) return e;
		if (callerSignal?.aborted) return callerSignal.reason ?? e;
		const code = errCode(e);
		if (deadline.aborted)
			return this.error('timeout', `image download passed its ${this.deadlineMs} ms deadline`, url, undefined, { code: 'DOWNLOAD_DEADLINE', cause: e });
		if (isTimeoutCode(code)) return this.error('timeout', 'image download timed out', url, undefined, { ...(code ? { code } : {}), cause: e });
		// Truncated body (content-length mismatch, socket closed mid-body) or a failed connection to the CDN.
		return this.error('download_failed', `image download failed: ${redactUrls(errMessage(e))}`, url, undefined, { ...(code ? { code } : {}), cause: e });
	}
}

/** The policy's refusal, thrown by the URL check or (from the connect-time lookup) somewhere in a cause chain. */
function refusalIn(e: unknown): DownloadRefused | undefined {
	for (let cur = e, depth = 0; cur instanceof Error && depth < 5; cur = cur.cause, depth++) {
		if (cur instanceof DownloadRefused) return cur;
	}
	return undefined;
}
