// The words drawn on the `/budget report` chart: title, period, section headings, legends, axes and bar labels.
import { formatUsd } from '../util/money.js';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const SHORT_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export const REPORT = {
	title: (guildName: string | undefined) => `Image spend${guildName ? ` · ${guildName}` : ''}`,
	/** The period a key names (m… month, w… week, d… day, otherwise lifetime), from its start (ms, UTC). */
	period: (periodKey: string, startMs: number) => {
		const start = new Date(startMs);
		const label = periodKey.startsWith('m')
			? `${MONTHS[start.getUTCMonth()] ?? ''} ${start.getUTCFullYear()}`
			: periodKey.startsWith('w')
				? `week of ${start.toISOString().slice(0, 10)}`
				: periodKey.startsWith('d')
					? start.toISOString().slice(0, 10)
					: 'all time (last 31 days)';
		return `${label} (UTC)`;
	},
	/** The header line, in pieces drawn in different colours. */
	spentLead: (periodLabel: string) => `${periodLabel}  ·  spent `,
	ofCap: (cap: number) => ` of the ${formatUsd(cap)} server cap  ·  `,
	used: (pct: number) => `${pct}% used`,
	spendPerDay: 'Spend per day',
	topSpenders: 'Top spenders',
	/** A top spender's bar: their name as last seen, or their id when none was recorded. */
	spender: (name: string | undefined, userId: string) => (name ? `@${name}` : userId),
	noSpend: 'No spend yet this period',
	noMemberSpend: 'No per-user spend recorded this period',
	/** A day on the x axis, from `YYYY-MM-DD` (shown as given when it is not one). */
	day: (date: string) => {
		const [, m, d] = date.split('-').map(Number);
		return m && d ? `${SHORT_MONTHS[m - 1] ?? ''} ${d}` : date;
	},
	perDayLegend: 'Per day',
	periodTotalLegend: 'Period total',
	capLegend: (cap: number) => `Cap ${formatUsd(cap)}`,
	perDayAxis: 'per day',
	periodTotalAxis: 'period total',
	capChip: (cap: number) => `cap ${formatUsd(cap)}`,
	images: (n: number) => `  ·  ${n.toLocaleString('en-US')} image${n === 1 ? '' : 's'}`,
} as const;
