// The words drawn on the `/budget report` chart: title, period, section headings, legends, axes and bar labels (per locale).
import { perLocale } from './i18n.js';

const utcDate = (locale: string, options: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat(locale, { timeZone: 'UTC', ...options });

/** `reportTexts(locale)`; REPORT is the English one. */
export const reportTexts = perLocale(({ locale, t, usd, num }) => {
	const month = utcDate(locale, { month: 'long', year: 'numeric' });
	const day = utcDate(locale, { month: 'short', day: 'numeric' });
	const date = utcDate(locale, { dateStyle: 'medium' });
	return {
		title: (guildName: string | undefined) => (guildName ? t('report.titleGuild', { guild: guildName }) : t('report.title')),
		/** The period a key names (m… month, w… week, d… day, otherwise lifetime), from its start (ms, UTC). */
		period: (periodKey: string, startMs: number) => {
			const start = new Date(startMs);
			const label = periodKey.startsWith('m')
				? month.format(start)
				: periodKey.startsWith('w')
					? t('report.week', { date: date.format(start) })
					: periodKey.startsWith('d')
						? date.format(start)
						: t('report.allTime');
			return t('report.periodUtc', { label });
		},
		/** The header line, in pieces drawn in different colours. */
		spentLead: (periodLabel: string) => t('report.spentLead', { period: periodLabel }),
		ofCap: (cap: number) => t('report.ofCap', { cap: usd(cap) }),
		used: (pct: number) => t('report.used', { pct: num(pct) }),
		spendPerDay: t('report.spendPerDay'),
		topSpenders: t('report.topSpenders'),
		/** A top spender's bar: their name as last seen, or their id when none was recorded. */
		spender: (name: string | undefined, userId: string) => (name ? `@${name}` : userId),
		noSpend: t('report.noSpend'),
		noMemberSpend: t('report.noMemberSpend'),
		/** A day on the x axis, from `YYYY-MM-DD` (shown as given when it is not one). */
		day: (isoDate: string) => {
			const [y, m, d] = isoDate.split('-').map(Number);
			return y && m && d ? day.format(Date.UTC(y, m - 1, d)) : isoDate;
		},
		perDayLegend: t('report.perDayLegend'),
		periodTotalLegend: t('report.periodTotalLegend'),
		capLegend: (cap: number) => t('report.capLegend', { cap: usd(cap) }),
		perDayAxis: t('report.perDayAxis'),
		periodTotalAxis: t('report.periodTotalAxis'),
		capChip: (cap: number) => t('report.capChip', { cap: usd(cap) }),
		images: (n: number) => t('report.images', { count: n }),
		/** An amount on an axis or a bar. */
		usd,
		locale,
	};
});
export const REPORT = reportTexts('en-US');
