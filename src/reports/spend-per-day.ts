// A period's committed spend per UTC day, up to today (the last 31 days for longer periods): the report's bars.
import { utcDay } from '../records/budget.js';
import { DAY_MS, type Period } from '../util/period.js';
import type { Vault } from '../vault/vault.js';

export interface DaySpend {
	date: string;
	spent: number;
	images: number;
}

export async function spendPerDay(vault: Pick<Vault, 'day'>, scope: string, period: Period, now: number): Promise<DaySpend[]> {
	const today = Math.floor(now / DAY_MS) * DAY_MS; // UTC midnight: epoch days are UTC days
	const first = Math.max(period.start, today - 30 * DAY_MS);
	const out: DaySpend[] = [];
	for (let at = first; at <= today; at += DAY_MS) {
		const date = utcDay(at);
		out.push({ date, ...(await vault.day(scope, date)) });
	}
	return out;
}
