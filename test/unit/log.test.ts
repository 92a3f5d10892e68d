// The log scrubber: secrets and interaction tokens go, and so do CDN links (bearer links): a URL with a query,
// a fragment, userinfo or a token-like path is cut to scheme, host and a short hash. Other text is left alone.
import { Writable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLogger, scrubber } from '../../src/log.js';
import { shortUrl } from '../../src/util/url.js';

const scrub = scrubber(['super-secret-token-value']);

describe('CDN links in log lines', () => {
	it('drops the query and hashes the path of a signed link, keeping scheme and host', () => {
		const url = 'https://cdn.hiapi.ai/outputs/2026/a.png?X-Amz-Signature=0123456789abcdef&X-Amz-Expires=3600';
		const out = scrub(`download failed (GET ${url})`);
		expect(out).toMatch(/^download failed \(GET https:\/\/cdn\.hiapi\.ai\/\[[0-9a-f]{8}\]\)$/);
		expect(out).toBe(`download failed (GET ${shortUrl(url)})`);
	});

	it('hashes token-like paths, userinfo and fragments; keeps short plain paths', () => {
		expect(scrub('GET https://files.hiapi.ai/3f9a2c7e-1b4d-4e8a-9c2f-7d6e5b4a3c21.png')).toMatch(/^GET https:\/\/files\.hiapi\.ai\/\[[0-9a-f]{8}\]$/);
		expect(scrub('https://user:pw@cdn.hiapi.ai/a.png')).toMatch(/^https:\/\/cdn\.hiapi\.ai\/\[[0-9a-f]{8}\]$/);
		expect(scrub('https://cdn.hiapi.ai/a.png#k=secret')).toMatch(/^https:\/\/cdn\.hiapi\.ai\/\[[0-9a-f]{8}\]$/);
		expect(scrub('HTTP://[::1]:8080/x.png?sig=1')).toMatch(/^HTTP:\/\/\[::1\]:8080\/\[[0-9a-f]{8}\]$/);
		for (const plain of [
			'pricing from https://www.hiapi.ai/api/pricing failed',
			'callback route https://bot.example.com/hiapi/callback',
			'see https://discord.com/developers/applications',
			'PATCH https://discord.com/api/v10/webhooks/1100000000000000001/[token]/messages/%40original',
			'base http://127.0.0.1:43117',
		]) {
			expect(scrub(plain)).toBe(plain);
		}
	});

	it('still scrubs secrets and interaction tokens', () => {
		expect(scrub('key super-secret-token-value here')).toBe('key [REDACTED] here');
		expect(scrub('POST https://discord.com/api/v10/interactions/123/aW50ZXJhY3Rpb246MTIzNDU2Nzg5/callback')).toBe(
			'POST https://discord.com/api/v10/interactions/123/[token]/callback',
		);
	});

	it('is stable: a scrubbed line scrubs to itself', () => {
		const once = scrub('x https://cdn.hiapi.ai/a.png?sig=abc y');
		expect(scrub(once)).toBe(once);
	});

	it('property: no https URL with a query survives, nor its query, and a scrubbed line stays as it is', () => {
		const url = fc.webUrl({ validSchemes: ['https'], withQueryParameters: true, withFragments: true }).filter((u) => new URL(u).search.length > 1);
		const text = fc.string().filter((s) => !s.includes('?') && !s.includes('://'));
		fc.assert(
			fc.property(text, url, text, (before, u, after) => {
				const out = scrub(`${before} ${u} ${after}`);
				expect(out).not.toContain(u);
				expect(out).not.toContain(new URL(u).search);
				expect(scrub(out)).toBe(out);
			}),
		);
	});

	it('property: text without a URL is unchanged', () => {
		fc.assert(
			fc.property(
				fc.string({ unit: 'grapheme' }).filter((s) => !s.includes('://')),
				(s) => {
					expect(scrub(s)).toBe(s);
				},
			),
		);
	});

	it('applies to whole log lines, error messages and their fields included', () => {
		const lines: string[] = [];
		const destination = new Writable({
			write(chunk: Buffer, _enc, done) {
				lines.push(chunk.toString());
				done();
			},
		});
		const log = createLogger({ level: 'info', secrets: [], destination });
		const signed = 'https://cdn.hiapi.ai/o/a.png?X-Amz-Signature=feedfacefeedface';
		log.warn({ err: Object.assign(new Error(`fetch of ${signed} failed`), { url: signed }), link: signed }, `oops ${signed}`);
		expect(lines.join('')).not.toContain('feedfacefeedface');
		expect(lines.join('')).toContain(shortUrl(signed));
	});
});
