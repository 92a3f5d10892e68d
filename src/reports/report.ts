// reports/: what moderators take away: the period's CSV export and the report chart.
// /budget report: the current period's spend per day against the cap and the top 10 spenders, as a PNG.
import type { Ledger } from '../budget/ledger.js';
import type { Logger } from '../log.js';
import { reportTexts } from '../messages/report-texts.js';
import { spendPerDay } from './spend-per-day.js';

let warnedFont = false;

/** The chart in `locale` (the moderator's Discord locale; English when absent or unknown). */
export async function reportPng(ledger: Ledger, guildId: string, guildName: string | undefined, logger: Logger, locale?: string | null): Promise<Buffer> {
	const REPORT = reportTexts(locale);
	const period = ledger.currentPeriod();
	const [days, top, counters, settings] = await Promise.all([
		spendPerDay(ledger.vault, guildId, period, ledger.now()),
		ledger.vault.top(guildId, period.key, 10),
		ledger.vault.counters(guildId, period.key, '0'),
		ledger.settings(guildId),
	]);
	// Loaded on first use: the chart engine costs ~20 MiB that a bot nobody asks for a report never needs.
	const { renderReport, reportFontAvailable } = await import('./chart.js');
	if (!warnedFont && !reportFontAvailable()) {
		warnedFont = true;
		logger.warn('no font installed: /budget report charts have no text (install fonts-dejavu-core; the Docker image has it)');
	}
	return renderReport({
		locale: REPORT.locale,
		title: REPORT.title(guildName),
		periodLabel: REPORT.period(period.key, period.start),
		days: days.map((d) => ({ date: d.date, spentMicros: d.spent })),
		...(settings.cap !== undefined ? { capMicros: settings.cap } : {}),
		top: top.map((t) => ({ label: REPORT.spender(t.name, t.userId), spentMicros: t.spent, images: t.images })),
		totalMicros: counters.pool.spent,
	});
}
