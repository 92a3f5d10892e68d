// The price the bot charges per image: IMAGE_PRICE_USD when set, else hiapi's published price
// (refreshed hourly), else the last price we knew (persisted), else $0.05. A published price that is not a
// price (0, negative, not a number) or is absurd next to the last known one (over 100× or under 1/100) is
// refused with a warning and the price in use stays: one bad answer must not turn budgets off.
import { z } from 'zod';
import { HiapiError, INVALID_PRICE, type HiapiClient } from '../hiapi/index.js';
import type { Logger } from '../log.js';
import { formatUsd } from '../util/money.js';
import type { Metrics } from '../metrics.js';
import { type Store } from '../storage/store.js';
import { CORRUPT } from '../records/read.js';

export const FALLBACK_PRICE_MICROS = 50_000;
/** A live price this many times above or below the last known one is taken for a mistake. */
export const MAX_PRICE_JUMP = 100;
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

	/** One fetch of the live price; on failure, or a price refused, the price in use stays. */
	async refresh(): Promise<void> {
		let live: { priceMicros: number; version?: string };
		try {
			live = await this.o.hiapi.fetchPricing(this.o.url, this.o.model);
		} catch (error) {
			if (error instanceof HiapiError && error.code === INVALID_PRICE) {
				this.refuse(error.upstreamMessage ?? '(none)', 'not a price of at least $0.000001');
				return;
			}
			this.o.logger.warn({ err: error, keeping: formatUsd(this.price), source: this.source }, 'could not read hiapi pricing; keeping the price in use');
			return;
		}
		const { priceMicros, version } = live;
		// Only a known price is a reference: the fallback is a guess, not something hiapi ever said.
		const known = this.source === 'live' || this.source === 'last-known' ? this.price : undefined;
		if (known !== undefined && priceMicros > known * MAX_PRICE_JUMP) return this.refuse(formatUsd(priceMicros), `over ${MAX_PRICE_JUMP}× the last known price`);
		if (known !== undefined && priceMicros * MAX_PRICE_JUMP < known)
			return this.refuse(formatUsd(priceMicros), `under 1/${MAX_PRICE_JUMP} of the last known price`);
		this.use(priceMicros, version, 'live');
		try {
			await this.o.store.write((tx) => tx.set(KEY, { v: 1, priceMicros, version, fetchedAt: Date.now() }));
		} catch (error) {
			this.o.logger.warn({ err: error, priceMicros }, 'could not store the live price; it is in use but not kept across restarts');
		}
	}

	/** One structured line: what hiapi published, why it was refused, and the price that stays. */
	private refuse(rejected: string, reason: string): void {
		this.o.logger.warn(
			{ rejected, reason, keeping: formatUsd(this.price), keepingMicros: this.price, source: this.source, model: this.o.model },
			'hiapi price refused; keeping the price in use',
		);
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
