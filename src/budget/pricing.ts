// The price the bot charges per image: IMAGE_PRICE_USD when set, else hiapi's published price
// (refreshed hourly), else the last price we knew (persisted), else $0.05.
import { z } from 'zod';
import type { HiapiClient } from '../hiapi/index.js';
import type { Logger } from '../log.js';
import { formatUsd } from '../util/money.js';
import type { Metrics } from '../metrics.js';
import { type Store } from '../storage/store.js';
import { CORRUPT } from '../records/read.js';

export const FALLBACK_PRICE_MICROS = 50_000;
const KEY = 'pricing:last';
const lastSchema = z.object({ v: z.literal(1), priceMicros: z.number().int().positive(), version: z.string().optional(), fetchedAt: z.number() });

export type PriceSource = 'config' | 'live' | 'last-known' | 'fallback';

export interface PricingOptions {
	fixedMicros: number | undefined;
	url: string;
	model: string;
	hiapi: HiapiClient;
	store: Store;
	logger: Logger;
	metrics: Metrics;
	refreshEveryMs?: number;
}

export class Pricing {
	private price = FALLBACK_PRICE_MICROS;
	private version: string | undefined;
	private source: PriceSource = 'fallback';
	private timer: NodeJS.Timeout | undefined;

	constructor(private readonly o: PricingOptions) {}

	current(): number {
		return this.price;
	}

	describe(): { priceMicros: number; version: string | undefined; source: PriceSource } {
		return { priceMicros: this.price, version: this.version, source: this.source };
	}

	async start(): Promise<void> {
		if (this.o.fixedMicros !== undefined) {
			this.use(this.o.fixedMicros, undefined, 'config');
			return;
		}
		const last = await this.o.store.get(KEY, lastSchema);
		if (last && last !== CORRUPT) this.use(last.priceMicros, last.version, 'last-known');
		else this.use(FALLBACK_PRICE_MICROS, undefined, 'fallback');
		// Never hold up start-up for long: a slow pricing page leaves the last known price in use.
		await Promise.race([this.refresh(), new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
		this.timer = setInterval(() => void this.refresh(), this.o.refreshEveryMs ?? 3_600_000);
		this.timer.unref();
	}

	/** One fetch of the live price; on failure the price in use stays. */
	async refresh(): Promise<void> {
		try {
			const { priceMicros, version } = await this.o.hiapi.fetchPricing(this.o.url, this.o.model);
			this.use(priceMicros, version, 'live');
			await this.o.store.write((tx) => tx.set(KEY, { v: 1, priceMicros, version, fetchedAt: Date.now() }));
		} catch (error) {
			this.o.logger.warn({ err: error, keeping: formatUsd(this.price), source: this.source }, 'could not read hiapi pricing; keeping the price in use');
		}
	}

	private use(priceMicros: number, version: string | undefined, source: PriceSource): void {
		const changed = priceMicros !== this.price || version !== this.version || source !== this.source;
		this.price = priceMicros;
		this.version = version;
		this.source = source;
		this.o.metrics.price.set(priceMicros / 1_000_000);
		if (changed) this.o.logger.info({ priceMicros, price: formatUsd(priceMicros), version, source, model: this.o.model }, 'price in use');
	}

	stop(): void {
		if (this.timer) clearInterval(this.timer);
	}
}
