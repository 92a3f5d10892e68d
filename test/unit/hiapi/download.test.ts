// Image downloads against real HTTP servers on 127.0.0.1: only hiapi's hosts and the operator's list, every redirect
// hop and every resolved address vetted, an overall deadline, and the link never logged in full.
import { lookup as dnsLookup } from 'node:dns';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { LookupFunction } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { HiapiClient, HiapiError, type HiapiClientOptions } from '../../../src/hiapi/index.js';
import { makePng, PNG_MAGIC } from '../../emulators/png.js';

const PNG = makePng(8, 8, 1);
// What an internal page would hand out: secret bytes dressed as a PNG.
const SECRET = Buffer.concat([PNG_MAGIC, Buffer.from('internal-admin-page: root password hunter2')]);

let server: Server;
let port: number;
let origin: string;
const seen: string[] = [];
const logs: Array<Record<string, unknown>> = [];
const rawLogs: string[] = [];
const logger = pino(
	{ level: 'debug' },
	{
		write(line: string) {
			rawLogs.push(line);
			logs.push(JSON.parse(line) as Record<string, unknown>);
		},
	},
);
const clients: HiapiClient[] = [];

function client(over: Partial<HiapiClientOptions> = {}): HiapiClient {
	const c = new HiapiClient({ baseUrl: 'https://api.hiapi.ai', apiKey: 'hk-test-key-0000', model: 'm', logger, ...over });
	clients.push(c);
	return c;
}

async function failure(p: Promise<unknown>): Promise<HiapiError> {
	const e = await p.then(
		() => undefined,
		(err: unknown) => err,
	);
	expect(e).toBeInstanceOf(HiapiError);
	return e as HiapiError;
}

function handle(req: IncomingMessage, res: ServerResponse): void {
	const url = new URL(req.url ?? '/', origin);
	seen.push(url.pathname);
	if (url.pathname === '/img.png') {
		res.writeHead(200, { 'content-type': 'image/png', 'content-length': PNG.length });
		return void res.end(PNG);
	}
	if (url.pathname === '/secret') {
		res.writeHead(200, { 'content-type': 'image/png', 'content-length': SECRET.length });
		return void res.end(SECRET);
	}
	if (url.pathname === '/redirect') {
		res.writeHead(302, { location: url.searchParams.get('to') ?? '/img.png' });
		return void res.end();
	}
	if (url.pathname === '/loop') {
		res.writeHead(302, { location: '/loop' });
		return void res.end();
	}
	if (url.pathname === '/gone') {
		res.writeHead(404, { 'content-type': 'text/plain' });
		return void res.end('Not Found');
	}
	if (url.pathname === '/trickle') {
		// A PNG that arrives one byte every 200 ms: each pause is well inside the idle timeout.
		const body = Buffer.concat([PNG_MAGIC, Buffer.alloc(22, 7)]);
		res.writeHead(200, { 'content-type': 'image/png', 'content-length': body.length });
		let i = 0;
		const timer = setInterval(() => {
			if (res.destroyed || i >= body.length) {
				clearInterval(timer);
				if (!res.destroyed) res.end();
				return;
			}
			res.write(body.subarray(i, i + 1));
			i++;
		}, 200);
		res.on('close', () => clearInterval(timer));
		return;
	}
	res.writeHead(404);
	res.end();
}

/** A resolver that answers `answers[name]` for the listed names and asks the system for the rest. */
function fakeDns(answers: Record<string, Array<{ address: string; family: number }>>): LookupFunction {
	return (hostname, options, callback) => {
		const found = answers[hostname];
		if (!found) return (dnsLookup as LookupFunction)(hostname, options, callback);
		if (options.all) callback(null, found);
		else callback(null, found[0]!.address, found[0]!.family);
	};
}

beforeAll(async () => {
	server = createServer(handle);
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	port = (server.address() as { port: number }).port;
	origin = `http://127.0.0.1:${port}`;
});

beforeEach(() => {
	seen.length = 0;
	logs.length = 0;
	rawLogs.length = 0;
});

afterAll(async () => {
	await Promise.all(clients.map((c) => c.close()));
	await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('allowed hosts', () => {
	it('downloads from a listed host over plain http', async () => {
		const img = await client({ downloadHosts: ['127.0.0.1'] }).download(`${origin}/img.png`, { maxBytes: 1e6 });
		expect(img.bytes.equals(PNG)).toBe(true);
		expect(img.extension).toBe('png');
	});

	it('follows a redirect between allowed hosts', async () => {
		const to = encodeURIComponent(`http://localhost:${port}/img.png`);
		const img = await client({ downloadHosts: ['127.0.0.1', 'localhost'] }).download(`${origin}/redirect?to=${to}`, { maxBytes: 1e6 });
		expect(img.bytes.equals(PNG)).toBe(true);
		expect(seen).toEqual(['/redirect', '/img.png']);
	});
});

describe('internal pages are refused', () => {
	it('a signed-looking link to 127.0.0.1 is refused when 127.0.0.1 is not listed, even as the API host', async () => {
		// The API itself is on this machine (as in the tests), but nobody listed 127.0.0.1 for images.
		const c = client({ baseUrl: origin });
		const err = await failure(c.download(`${origin}/secret?X-Signature=abcdef0123456789`, { maxBytes: 1e6 }));
		expect(err.kind).toBe('download_failed');
		expect(err.code).toBe('DOWNLOAD_REFUSED');
		expect(err.message).toMatch(/127\.0\.0\.1.*plain http.*HIAPI_DOWNLOAD_HOSTS/);
		const https = await failure(c.download(`https://127.0.0.1:${port}/secret`, { maxBytes: 1e6 }));
		expect(https.code).toBe('DOWNLOAD_REFUSED');
		expect(https.message).toMatch(/loopback, private or link-local/);
		expect(seen).toEqual([]);
		const line = logs.find((l) => String(l.msg).startsWith('image download refused'));
		expect(line).toMatchObject({ host: '127.0.0.1', reason: 'plain-http' });
		expect(String(line?.msg)).toMatch(/HIAPI_DOWNLOAD_HOSTS/);
	});

	it('a host that is not hiapi is refused without a connection', async () => {
		const err = await failure(client().download('https://images.example.com/a.png', { maxBytes: 1e6 }));
		expect(err.code).toBe('DOWNLOAD_REFUSED');
		expect(err.message).toMatch(/images\.example\.com is not one of hiapi's hosts/);
	});

	it('a redirect from an allowed host to one that is not is refused at that hop', async () => {
		// localhost is listed (allowed, private address and all); 127.0.0.1, the same machine, is not.
		const c = client({ downloadHosts: ['localhost'] });
		const to = encodeURIComponent(`http://127.0.0.1:${port}/secret`);
		const err = await failure(c.download(`http://localhost:${port}/redirect?to=${to}`, { maxBytes: 1e6 }));
		expect(err.kind).toBe('download_failed');
		expect(err.code).toBe('DOWNLOAD_REFUSED');
		expect(seen).toEqual(['/redirect']);
		expect(logs.find((l) => String(l.msg).startsWith('image download refused'))).toMatchObject({ host: '127.0.0.1', redirects: 1 });
		// and hiapi's own host over plain http is refused at the hop too
		const toHttp = encodeURIComponent('http://cdn.hiapi.ai/a.png');
		expect((await failure(c.download(`http://localhost:${port}/redirect?to=${toHttp}`, { maxBytes: 1e6 }))).message).toMatch(/plain http/);
	});

	it("a hiapi name that resolves to a private address is refused at connect time (the resolver's answer is vetted)", async () => {
		const c = client({
			downloadLookup: fakeDns({
				'cdn.hiapi.ai': [{ address: '127.0.0.1', family: 4 }],
				'mixed.hiapi.ai': [
					{ address: '93.184.215.14', family: 4 },
					{ address: '::ffff:10.1.2.3', family: 6 },
				],
			}),
		});
		const err = await failure(c.download(`https://cdn.hiapi.ai:${port}/secret`, { maxBytes: 1e6 }));
		expect(err.kind).toBe('download_failed');
		expect(err.code).toBe('DOWNLOAD_REFUSED');
		expect(err.message).toMatch(/cdn\.hiapi\.ai \(127\.0\.0\.1\)/);
		const mixed = await failure(c.download(`https://mixed.hiapi.ai:${port}/secret`, { maxBytes: 1e6 }));
		expect(mixed.message).toMatch(/::ffff:10\.1\.2\.3/);
		expect(seen).toEqual([]);
	});

	it('the API host (allowed by name) that resolves to loopback is refused: localhost through the system resolver', async () => {
		const c = client({ baseUrl: `https://localhost:${port}` });
		const err = await failure(c.download(`https://localhost:${port}/secret`, { maxBytes: 1e6 }));
		expect(err.code).toBe('DOWNLOAD_REFUSED');
		expect(err.message).toMatch(/loopback, private or link-local/);
		expect(seen).toEqual([]);
	});
});

describe('deadline', () => {
	it('cuts a trickling server at the overall deadline, though each pause is within the idle timeout', async () => {
		const c = client({ downloadHosts: ['127.0.0.1'], downloadDeadlineMs: 600, bodyTimeoutMs: 5000 });
		const err = await failure(c.download(`${origin}/trickle`, { maxBytes: 1e6 }));
		expect(err.kind).toBe('timeout');
		expect(err.code).toBe('DOWNLOAD_DEADLINE');
	});

	it("the caller's abort is still the caller's", async () => {
		const c = client({ downloadHosts: ['127.0.0.1'] });
		const ctl = new AbortController();
		const p = c.download(`${origin}/trickle`, { maxBytes: 1e6, signal: ctl.signal });
		setTimeout(() => ctl.abort(new Error('shutting down')), 100);
		await expect(p).rejects.toThrow('shutting down');
	});
});

describe('the link is never logged or put in an error in full', () => {
	it('errors and log lines carry scheme, host and a short hash only', async () => {
		const c = client({ downloadHosts: ['127.0.0.1'] });
		const errors = [
			await failure(c.download(`${origin}/gone?X-Amz-Signature=deadbeefcafe`, { maxBytes: 1e6 })),
			await failure(c.download(`${origin}/loop?X-Amz-Signature=deadbeefcafe`, { maxBytes: 1e6 })),
			await failure(c.download(`${origin}/img.png?X-Amz-Signature=deadbeefcafe`, { maxBytes: 10 })),
			await failure(client().download(`https://evil.example/x?X-Amz-Signature=deadbeefcafe`, { maxBytes: 10 })),
		];
		expect(errors.map((e) => e.kind)).toEqual(['download_failed', 'download_failed', 'too_large', 'download_failed']);
		for (const e of errors) {
			expect(`${e.message} ${e.url}`).not.toMatch(/X-Amz-Signature|deadbeefcafe|\/gone|\/loop|\/img\.png/);
			expect(e.url).toMatch(/^https?:\/\/[^/]+\/\[[0-9a-f]{8}\]$/);
		}
		expect(rawLogs.join('')).not.toMatch(/X-Amz-Signature|deadbeefcafe/);
	});
});
