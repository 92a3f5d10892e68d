// The hiapi emulator's CDN: serves a task's image, or misbehaves as scripted (status, delay, truncated, chunked).
import type { ServerResponse } from 'node:http';

export interface CdnObject {
	bytes: Buffer;
	contentType: string;
	behaviour: { cdn?: { status?: number; truncate?: boolean; delayMs?: number; chunked?: boolean; chunkDelayMs?: number } };
}

export async function serveCdn(res: ServerResponse, t: CdnObject | undefined, sleep: (ms: number) => Promise<void>): Promise<void> {
	const cdn = t?.behaviour.cdn ?? {};
	if (cdn.delayMs) await sleep(cdn.delayMs);
	if (res.destroyed) return;
	if (!t) {
		res.writeHead(404, { 'content-type': 'text/plain' });
		return void res.end('Not Found');
	}
	if (cdn.status !== undefined && (cdn.status < 200 || cdn.status >= 300)) {
		res.writeHead(cdn.status, { 'content-type': 'application/xml' });
		return void res.end(`<Error><Code>${cdn.status === 403 ? 'AccessDenied' : 'NoSuchKey'}</Code></Error>`);
	}
	if (cdn.truncate) {
		res.writeHead(200, { 'content-type': t.contentType, 'content-length': t.bytes.length });
		res.write(t.bytes.subarray(0, Math.max(1, Math.floor(t.bytes.length / 2))));
		await sleep(20);
		res.socket?.destroy();
		return;
	}
	if (cdn.chunked) {
		res.writeHead(cdn.status ?? 200, { 'content-type': t.contentType }); // no Content-Length → chunked encoding
		const size = 64 * 1024;
		for (let o = 0; o < t.bytes.length; o += size) {
			if (res.destroyed) return;
			res.write(t.bytes.subarray(o, o + size));
			await sleep(cdn.chunkDelayMs ?? 0);
		}
		if (!res.destroyed) res.end();
		return;
	}
	res.writeHead(cdn.status ?? 200, { 'content-type': t.contentType, 'content-length': t.bytes.length, 'cache-control': 'private, max-age=3600' });
	res.end(t.bytes);
}
