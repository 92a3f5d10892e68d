import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HiapiClient } from '../../../src/hiapi/index.js';
import { createLogger } from '../../../src/log.js';
import { createMetrics } from '../../../src/metrics.js';
import { FALLBACK_PRICE_MICROS, Pricing } from '../../../src/budget/pricing.js';
import { Store } from '../../../src/storage/store.js';
import { startHiapiEmulator, type HiapiEmulator } from '../../emulators/hiapi.js';

let emu: HiapiEmulator;
let dir: string;
let store: Store;
let lines: Array<Record<string, unknown>>;
const logger = createLogger({
	level: 'info',
	secrets: [],
	destination: new Writable({
		write(chunk: Buffer, _enc, cb) {
			lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
			cb();
		},
	}),
});

beforeAll(async () => {
	emu = await startHiapiEmulator();
});
afterAll(async () => {
	await emu.close();
});
beforeEach(async () => {
	lines = [];
	emu.reset();
	dir = mkdtempSync(join(tmpdir(), 'pricing-'));
	store = await Store.open(`sqlite://${join(dir, 'p.sqlite')}`, logger);
});
afterEach(async () => {
	await store.close();
	rmSync(dir, { recursive: true, force: true });
});

function pricing(fixedMicros?: number) {
	const hiapi = new HiapiClient({ baseUrl: emu.url, apiKey: emu.apiKey, model: 'flux-1.1-pro', logger });
	return new Pricing({ fixedMicros, url: emu.pricingUrl, model: 'flux-1.1-pro', hiapi, store, logger, metrics: createMetrics(), refreshEveryMs: 3_600_000 });
}

describe('live pricing', () => {
	it('uses the published price for the model, logging the price and version', async () => {
		emu.setPricing({ priceUsd: 0.04, version: 'v-2026-12' });
		const p = pricing();
		await p.start();
		p.stop();
		expect(p.describe()).toEqual({ priceMicros: 40_000, version: 'v-2026-12', source: 'live' });
		expect(lines.find((l) => l.msg === 'price in use' && l.source === 'live')).toMatchObject({ price: '$0.04', version: 'v-2026-12' });
	});

	it('follows price changes on refresh, logging only changes', async () => {
		emu.setPricing({ priceUsd: 0.05 });
		const p = pricing();
		await p.start();
		p.stop();
		for (const usd of [0.05, 0.045, 0.045, 0.06]) {
			emu.setPricing({ priceUsd: usd });
			await p.refresh();
		}
		expect(p.current()).toBe(60_000);
		expect(lines.filter((l) => l.msg === 'price in use').map((l) => l.price)).toEqual(['$0.05', '$0.045', '$0.06']);
	});

	it('keeps the last known price (persisted across restarts) when the pricing page is down, malformed or lacks the model', async () => {
		emu.setPricing({ priceUsd: 0.07 });
		const first = pricing();
		await first.start();
		first.stop();
		for (const broken of [
			{ status: 503, body: 'down' },
			{ status: 200, body: '{not json' },
			{ status: 200, body: { data: [{ model_name: 'other', base_usd_value: 1 }] } },
			{ status: 200, body: { data: 'nope' } },
		]) {
			emu.setPricing(broken);
			const p = pricing();
			await p.start();
			p.stop();
			expect(p.describe()).toMatchObject({ priceMicros: 70_000, source: 'last-known' });
		}
		expect(lines.filter((l) => l.msg === 'could not read hiapi pricing; keeping the price in use')).toHaveLength(4);
	});

	it('falls back to $0.05 with no live or known price', async () => {
		emu.setPricing({ status: 500, body: 'x' });
		const p = pricing();
		await p.start();
		p.stop();
		expect(p.describe()).toMatchObject({ priceMicros: FALLBACK_PRICE_MICROS, source: 'fallback' });
	});

	it('IMAGE_PRICE_USD wins and nothing is fetched', async () => {
		emu.setPricing({ priceUsd: 0.09 });
		const before = emu.requests.length;
		const p = pricing(30_000);
		await p.start();
		expect(p.describe()).toEqual({ priceMicros: 30_000, version: undefined, source: 'config' });
		expect(emu.requests.length).toBe(before);
	});
});

describe('refused live prices', () => {
	const refusals = () => lines.filter((l) => l.msg === 'hiapi price refused; keeping the price in use');
	const publish = (value: unknown) => emu.setPricing({ body: { data: [{ model_name: 'flux-1.1-pro', base_usd_value: value }] } });

	it.each([
		['zero', 0, '0'],
		['zero as text', '0', '0'],
		['a fraction that rounds to zero micro-dollars', 0.0000004, '4e-7'],
		['negative', -0.05, '-0.05'],
		['not finite', 'Infinity', 'Infinity'],
		['not a number', 'NaN', 'NaN'],
	])('%s: ignored with one warning, and the last known price stays (on start-up and on refresh)', async (_name, value, shown) => {
		emu.setPricing({ priceUsd: 0.07 });
		const first = pricing();
		await first.start();
		first.stop();
		publish(value);
		const p = pricing();
		await p.start();
		p.stop();
		expect(p.describe()).toMatchObject({ priceMicros: 70_000, source: 'last-known' });
		await p.refresh();
		expect(p.describe()).toMatchObject({ priceMicros: 70_000, source: 'last-known' });
		await first.refresh();
		expect(first.describe()).toMatchObject({ priceMicros: 70_000, source: 'live' });
		expect(refusals()).toHaveLength(3);
		expect(refusals()[0]).toMatchObject({ level: 40, rejected: shown, keeping: '$0.07', keepingMicros: 70_000 });
	});

	it('with no known price, a non-price leaves the fallback in use', async () => {
		publish(0);
		const p = pricing();
		await p.start();
		p.stop();
		expect(p.describe()).toMatchObject({ priceMicros: FALLBACK_PRICE_MICROS, source: 'fallback' });
		expect(refusals()).toHaveLength(1);
	});

	it('refuses a price over 100× or under 1/100 of the last known one, also on start-up; 100× and 1/100 themselves are taken', async () => {
		emu.setPricing({ priceUsd: 0.05 });
		const first = pricing();
		await first.start();
		first.stop();
		for (const usd of [5.000001, 0.000499]) {
			emu.setPricing({ priceUsd: usd });
			const p = pricing();
			await p.start();
			p.stop();
			expect(p.describe()).toMatchObject({ priceMicros: 50_000, source: 'last-known' });
			await first.refresh();
			expect(first.describe()).toMatchObject({ priceMicros: 50_000, source: 'live' });
		}
		expect(refusals().map((l) => [l.rejected, l.keeping])).toEqual([
			['$5.000001', '$0.05'],
			['$5.000001', '$0.05'],
			['$0.000499', '$0.05'],
			['$0.000499', '$0.05'],
		]);
		emu.setPricing({ priceUsd: 5 });
		await first.refresh();
		expect(first.current()).toBe(5_000_000);
		emu.setPricing({ priceUsd: 0.05 });
		await first.refresh();
		expect(first.current()).toBe(50_000);
		emu.setPricing({ priceUsd: 0.0005 });
		await first.refresh();
		expect(first.current()).toBe(500);
	});

	it('with no known price, any positive price is taken (there is nothing to compare it with)', async () => {
		emu.setPricing({ priceUsd: 40 });
		const p = pricing();
		await p.start();
		p.stop();
		expect(p.describe()).toMatchObject({ priceMicros: 40_000_000, source: 'live' });
		expect(refusals()).toHaveLength(0);
	});
});
