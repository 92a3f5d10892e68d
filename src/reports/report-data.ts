// The report image's input: what report.ts gathers from the ledger and the chart renderer draws.

export interface ReportData {
	/** e.g. "Image spend · My Server" */
	title: string;
	/** e.g. "November 2026 (UTC)" */
	periodLabel: string;
	/** Every day of the period up to today, in order, zeros included (the caller caps lifetime to the last 31 days). */
	days: Array<{ date: string /* YYYY-MM-DD */; spentMicros: number }>;
	/** The server cap per period, when one is set. */
	capMicros?: number;
	/** Top spenders, highest first, at most 10. */
	top: Array<{ label: string; spentMicros: number; images: number }>;
	/** Total spent this period (may differ from the sum of days if records are old). */
	totalMicros: number;
	/** The language of its words and amounts (a locale the bot speaks; absent: English). */
	locale?: string;
}
