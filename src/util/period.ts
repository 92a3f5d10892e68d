// Budget periods on UTC boundaries. A period key names the bucket a charge belongs to.

export const BUDGET_PERIODS = ['daily', 'weekly', 'monthly', 'lifetime'] as const;
export type BudgetPeriod = (typeof BUDGET_PERIODS)[number];

export interface Period {
	/** Stable bucket name: d2026-11-25, w2026-11-23 (the Monday), m2026-11, all. */
	key: string;
	start: number;
	/** When the next period starts (epoch ms), or null for lifetime budgets. */
	resetsAt: number | null;
}

/** One day in milliseconds (UTC days have no leap seconds in epoch time). */
export const DAY_MS = 86_400_000;

function isoDate(ms: number): string {
	return new Date(ms).toISOString().slice(0, 10);
}

export function periodAt(kind: BudgetPeriod, now: number): Period {
	const d = new Date(now);
	const dayStart = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
	switch (kind) {
		case 'daily':
			return { key: `d${isoDate(dayStart)}`, start: dayStart, resetsAt: dayStart + DAY_MS };
		case 'weekly': {
			// ISO weeks start on Monday; getUTCDay() is 0 for Sunday.
			const start = dayStart - ((d.getUTCDay() + 6) % 7) * DAY_MS;
			return { key: `w${isoDate(start)}`, start, resetsAt: start + 7 * DAY_MS };
		}
		case 'monthly': {
			const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
			return {
				key: `m${isoDate(start).slice(0, 7)}`,
				start,
				resetsAt: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1),
			};
		}
		case 'lifetime':
			return { key: 'all', start: 0, resetsAt: null };
	}
}
