// Which hosts and addresses an image may come from: exact names, wildcards, case, trailing dots, IDN, userinfo,
// ports, IP literals (IPv4-mapped included), and the connect-time vetting of what a name resolves to.
import type { LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isInternalAddress } from '../../../src/hiapi/address.js';
import { DownloadHosts, DownloadRefused, normalizeHost, type RefusalReason } from '../../../src/hiapi/download-hosts.js';

const HIAPI = 'https://api.hiapi.ai';

/** The refusal reason for `url`, or 'ok'. */
function verdict(hosts: DownloadHosts, url: string): RefusalReason | 'ok' {
	try {
		hosts.check(url);
		return 'ok';
	} catch (e) {
		if (e instanceof DownloadRefused) return e.reason;
		throw e;
	}
}

const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/);
const notHiapi = fc.domain().filter((d) => d !== 'hiapi.ai' && !d.endsWith('.hiapi.ai'));

describe('host matching', () => {
	it("hiapi's hosts: hiapi.ai, any name below it and the API's host, over https only", () => {
		const h = new DownloadHosts('https://gateway.example.net/v1', []);
		expect(verdict(h, 'https://hiapi.ai/a.png')).toBe('ok');
		expect(verdict(h, 'https://cdn.hiapi.ai/a.png?sig=1')).toBe('ok');
		expect(verdict(h, 'https://a.b.cdn.hiapi.ai/a.png')).toBe('ok');
		expect(verdict(h, 'https://gateway.example.net/files/a.png')).toBe('ok');
		expect(verdict(h, 'http://cdn.hiapi.ai/a.png')).toBe('plain-http');
		expect(verdict(h, 'https://evilhiapi.ai/a.png')).toBe('not-hiapi');
		expect(verdict(h, 'https://hiapi.ai.evil.example/a.png')).toBe('not-hiapi');
		expect(verdict(h, 'https://example.net/a.png')).toBe('not-hiapi');
		expect(verdict(h, 'ftp://cdn.hiapi.ai/a.png')).toBe('scheme');
		expect(verdict(h, 'not a url')).toBe('scheme');
	});

	it('case, trailing dot and port do not matter', () => {
		const h = new DownloadHosts(HIAPI, ['CDN.Example.COM', '*.Files.Example.Org.']);
		expect(verdict(h, 'https://cdn.example.com./a.png')).toBe('ok');
		expect(verdict(h, 'http://CDN.EXAMPLE.COM:8080/a.png')).toBe('ok');
		expect(verdict(h, 'https://x.files.example.org:8443/a.png')).toBe('ok');
		expect(verdict(h, 'https://CDN.HIAPI.AI./a.png')).toBe('ok');
	});

	it('a wildcard covers the names below it, not the name itself nor look-alikes', () => {
		const h = new DownloadHosts(HIAPI, ['*.example.org']);
		expect(verdict(h, 'https://a.example.org/')).toBe('ok');
		expect(verdict(h, 'https://a.b.example.org/')).toBe('ok');
		expect(verdict(h, 'https://example.org/')).toBe('not-hiapi');
		expect(verdict(h, 'https://badexample.org/')).toBe('not-hiapi');
		expect(verdict(h, 'https://example.org.evil.net/')).toBe('not-hiapi');
	});

	it('international names compare in punycode, however written', () => {
		const h = new DownloadHosts(HIAPI, ['bücher.example', '*.XN--BCHER-KVA.EXAMPLE']);
		expect(normalizeHost('BÜCHER.example.')).toBe('xn--bcher-kva.example');
		expect(verdict(h, 'https://BÜCHER.example/a.png')).toBe('ok');
		expect(verdict(h, 'https://xn--bcher-kva.example/a.png')).toBe('ok');
		expect(verdict(h, 'https://cdn.bücher.example/a.png')).toBe('ok');
		expect(verdict(h, 'https://bucher.example/a.png')).toBe('not-hiapi');
	});

	it('userinfo: the host is what follows the @, and credentials are refused even on an allowed host', () => {
		const h = new DownloadHosts(HIAPI, []);
		expect(verdict(h, 'https://cdn.hiapi.ai@evil.example/a.png')).toBe('not-hiapi');
		expect(verdict(h, 'https://cdn.hiapi.ai:443@evil.example/a.png')).toBe('not-hiapi');
		expect(verdict(h, 'https://user:pass@cdn.hiapi.ai/a.png')).toBe('credentials');
		expect(verdict(h, 'https://user@cdn.hiapi.ai/a.png')).toBe('credentials');
	});

	it('IP literals: internal ones only when listed, however spelled (IPv4-mapped, shorthand, hex)', () => {
		const base = new DownloadHosts('http://127.0.0.1:8080', []);
		expect(verdict(base, 'http://127.0.0.1:8080/a.png')).toBe('plain-http');
		expect(verdict(base, 'https://127.0.0.1/a.png')).toBe('internal-address');
		expect(verdict(base, 'https://127.1/a.png')).toBe('internal-address');
		expect(verdict(base, 'https://0x7f.0.0.1/a.png')).toBe('internal-address');
		const mapped = new DownloadHosts('https://[::ffff:127.0.0.1]', []);
		expect(verdict(mapped, 'https://[::ffff:7f00:1]/a.png')).toBe('internal-address');
		const listed = new DownloadHosts(HIAPI, ['127.0.0.1', '[::1]']);
		expect(verdict(listed, 'http://127.0.0.1:9/a.png')).toBe('ok');
		expect(verdict(listed, 'http://[::1]:9/a.png')).toBe('ok');
		expect(verdict(listed, 'http://[0:0:0:0:0:0:0:1]/a.png')).toBe('ok');
		expect(verdict(listed, 'http://127.0.0.2/a.png')).toBe('not-hiapi');
	});

	it('property: a listed name is allowed over http and https, in any case, with or without a trailing dot and a port', () => {
		fc.assert(
			fc.property(fc.domain(), fc.boolean(), fc.boolean(), fc.option(fc.integer({ min: 1, max: 65535 })), (d, upper, dot, port) => {
				const h = new DownloadHosts(HIAPI, [d]);
				const host = `${upper ? d.toUpperCase() : d}${dot ? '.' : ''}${port === null ? '' : `:${port}`}`;
				expect(verdict(h, `https://${host}/x.png`)).toBe('ok');
				expect(verdict(h, `http://${host}/x.png`)).toBe('ok');
			}),
		);
	});

	it('property: any other name is refused, whatever the userinfo claims', () => {
		fc.assert(
			fc.property(notHiapi, label, (d, l) => {
				const h = new DownloadHosts(HIAPI, [`${l}.${d}`]);
				expect(verdict(h, `https://${d}/x.png`)).toBe('not-hiapi');
				expect(verdict(h, `https://${l}${d}/x.png`)).toBe('not-hiapi');
				expect(verdict(h, `https://${l}.${d}@${d}/x.png`)).toBe('not-hiapi');
			}),
		);
	});

	it('property: every name below hiapi.ai is allowed over https, and nothing that only ends in "hiapi.ai"', () => {
		fc.assert(
			fc.property(fc.array(label, { minLength: 1, maxLength: 4 }), (labels) => {
				const h = new DownloadHosts('https://gateway.example.net', []);
				expect(verdict(h, `https://${labels.join('.')}.hiapi.ai/x.png`)).toBe('ok');
				expect(verdict(h, `https://${labels.join('.')}hiapi.ai/x.png`)).toBe('not-hiapi');
			}),
		);
	});
});

/** Reference: the internal IPv4 ranges by arithmetic. */
function internalV4(a: number, b: number): boolean {
	return (
		a === 0 ||
		a === 10 ||
		a === 127 ||
		a >= 224 ||
		(a === 100 && b >= 64 && b < 128) ||
		(a === 169 && b === 254) ||
		(a === 172 && b >= 16 && b < 32) ||
		(a === 192 && b === 168) ||
		(a === 198 && (b === 18 || b === 19))
	);
}

describe('internal addresses', () => {
	it.each([
		['127.0.0.1', true],
		['10.0.0.1', true],
		['172.31.255.255', true],
		['172.32.0.1', false],
		['192.168.1.1', true],
		['100.64.0.1', true],
		['100.128.0.1', false],
		['169.254.169.254', true],
		['0.0.0.0', true],
		['224.0.0.1', true],
		['255.255.255.255', true],
		['8.8.8.8', false],
		['::', true],
		['::1', true],
		['fd12:3456::1', true],
		['fe80::1', true],
		['fe80::1%eth0', true],
		['ff02::1', true],
		['::ffff:127.0.0.1', true],
		['::ffff:7f00:1', true],
		['::ffff:8.8.8.8', false],
		['64:ff9b::a00:1', true],
		['64:ff9b::808:808', false],
		['2002:c0a8:101::1', true],
		['2606:4700::1111', false],
		['[::1]', true],
		['not an address', true],
	])('%s → %s', (address, internal) => {
		expect(isInternalAddress(address)).toBe(internal);
	});

	it('property: IPv4 agrees with the ranges, and so do its IPv4-mapped, NAT64 and 6to4 forms', () => {
		fc.assert(
			fc.property(fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)), ([a, b, c, d]) => {
				const v4 = `${a}.${b}.${c}.${d}`;
				const want = internalV4(a, b);
				expect(isInternalAddress(v4)).toBe(want);
				expect(isInternalAddress(`::ffff:${v4}`)).toBe(want);
				expect(isInternalAddress(`64:ff9b::${v4}`)).toBe(want);
				const hex = (x: number, y: number) => ((x << 8) | y).toString(16);
				expect(isInternalAddress(`2002:${hex(a, b)}:${hex(c, d)}::1`)).toBe(want);
			}),
		);
	});
});

describe('connect-time lookup', () => {
	function resolver(answers: LookupAddress[]): LookupFunction {
		return (_hostname, options, callback) => (options.all ? callback(null, answers) : callback(null, answers[0]!.address, answers[0]!.family));
	}
	function run(hosts: DownloadHosts, lookup: LookupFunction, name: string, all: boolean) {
		return new Promise<{ err: NodeJS.ErrnoException | null; address: string | LookupAddress[] }>((resolve) =>
			lookup(name, { all }, (err, address) => resolve({ err, address })),
		);
	}

	it('passes public answers through in the shape asked for', async () => {
		const h = new DownloadHosts(HIAPI, []);
		const public2 = [
			{ address: '93.184.215.14', family: 4 },
			{ address: '2606:2800:21f:cb07:6820:80da:af6b:8b2c', family: 6 },
		];
		const lookup = h.lookup(resolver(public2));
		expect(await run(h, lookup, 'cdn.hiapi.ai', true)).toEqual({ err: null, address: public2 });
		expect((await run(h, lookup, 'cdn.hiapi.ai', false)).address).toBe('93.184.215.14');
	});

	it('refuses a name when any answer is internal, unless the name is listed', async () => {
		const h = new DownloadHosts(HIAPI, ['files.internal.example']);
		const answers = [
			{ address: '93.184.215.14', family: 4 },
			{ address: '169.254.169.254', family: 4 },
		];
		const lookup = h.lookup(resolver(answers));
		for (const all of [true, false]) {
			const { err } = await run(h, lookup, 'cdn.hiapi.ai', all);
			expect(err).toBeInstanceOf(DownloadRefused);
			expect(err).toMatchObject({ reason: 'internal-address', host: 'cdn.hiapi.ai', address: '169.254.169.254' });
		}
		expect((await run(h, lookup, 'Files.Internal.Example.', true)).err).toBeNull();
	});

	it('property: no resolver answer containing an internal address gets through for an unlisted name', async () => {
		const h = new DownloadHosts(HIAPI, []);
		const v4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map(([a, b, c, d]) => ({ address: `${a}.${b}.${c}.${d}`, family: 4 }));
		await fc.assert(
			fc.asyncProperty(fc.array(v4, { minLength: 1, maxLength: 4 }), async (answers) => {
				const { err } = await run(h, h.lookup(resolver(answers)), 'cdn.hiapi.ai', true);
				expect(err === null).toBe(!answers.some((a) => isInternalAddress(a.address)));
			}),
		);
	});
});
