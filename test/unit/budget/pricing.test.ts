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
