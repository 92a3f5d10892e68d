// The `/budget report` image: spend per day against the server cap, and the top spenders, drawn with Chart.js on
// @napi-rs/canvas (Skia, no DOM) in Discord's dark theme. Pure: data in, PNG out.
import { createCanvas, GlobalFonts, type SKRSContext2D } from '@napi-rs/canvas';
import {
	BarController,
	BarElement,
	CategoryScale,
	Chart,
	Legend,
	LinearScale,
	LineController,
	LineElement,
	PointElement,
	type ChartConfiguration,
} from 'chart.js';
import { reportTexts } from '../messages/report-texts.js';
import { daysConfig, topConfig } from './chart-configs.js';
import { COLORS, fit, font, FONT_FAMILY, text } from './chart-theme.js';
import type { ReportData } from './report-data.js';

export const REPORT_WIDTH = 1200;
export const REPORT_HEIGHT = 900;

/**
 * False when the system has no font at all (e.g. a slim Debian image without fonts-dejavu-core): Skia then draws
 * no text, and the report shows bars and lines without labels. Callers can log that once.
 */
export function reportFontAvailable(): boolean {
	return GlobalFonts.families.length > 0;
}

const PAD = 32;
const HEADER_H = 112;
const DAYS_TOP = HEADER_H;
const DAYS_H = 440;
const TOP_TOP = DAYS_TOP + DAYS_H + 16;
const TOP_H = REPORT_HEIGHT - TOP_TOP - 20;

let registered = false;
function setUp(): void {
	if (registered) return;
	Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Legend);
	Chart.defaults.color = COLORS.text;
	Chart.defaults.borderColor = COLORS.grid;
	Chart.defaults.font.family = FONT_FAMILY;
	Chart.defaults.font.size = 17;
	registered = true;
}

export async function renderReport(data: ReportData): Promise<Buffer> {
	const REPORT = reportTexts(data.locale);
	setUp();
	const canvas = createCanvas(REPORT_WIDTH, REPORT_HEIGHT);
	const ctx = canvas.getContext('2d');
	// Chart.js leaves the background transparent; Discord would show its own colour through it.
	ctx.fillStyle = COLORS.background;
	ctx.fillRect(0, 0, REPORT_WIDTH, REPORT_HEIGHT);
	drawHeader(ctx, data);

	const width = REPORT_WIDTH - 2 * PAD;
	drawChart(ctx, daysConfig(data), PAD, DAYS_TOP, width, DAYS_H);
	// Section headings sit on the same row as the chart's legend.
	text(ctx, REPORT.spendPerDay, PAD, DAYS_TOP + 20, COLORS.text, font(22, true));
	text(ctx, REPORT.topSpenders, PAD, TOP_TOP + 20, COLORS.text, font(22, true));
	const noSpend = data.totalMicros === 0 && data.top.length === 0 && data.days.every((d) => d.spentMicros === 0);
	if (data.top.length > 0) drawChart(ctx, topConfig(data), PAD, TOP_TOP, width, TOP_H);
	else {
		const message = noSpend ? REPORT.noSpend : REPORT.noMemberSpend;
		text(ctx, message, REPORT_WIDTH / 2, TOP_TOP + TOP_H / 2, COLORS.muted, font(30, true), 'center');
	}
	return canvas.encode('png');
}

/** Renders one chart on its own canvas (Chart.js clears the whole canvas it owns) and copies it into place. */
function drawChart(target: SKRSContext2D, config: ChartConfiguration<'bar' | 'line', number[], string>, x: number, y: number, w: number, h: number) {
	const canvas = createCanvas(w, h);
	// Chart.js accepts any object with a 2D context's methods; Skia's context has them.
	const chart = new Chart(canvas.getContext('2d'), config);
	try {
		target.drawImage(canvas, x, y);
	} finally {
		chart.destroy(); // drops it from Chart.instances, which would otherwise keep every canvas alive
	}
}

function drawHeader(ctx: SKRSContext2D, data: ReportData): void {
	const REPORT = reportTexts(data.locale);
	ctx.font = font(34, true);
	text(ctx, fit(ctx, data.title, REPORT_WIDTH - 2 * PAD), PAD, 42, COLORS.text, font(34, true));
	let x = PAD;
	const put = (str: string, color: string) => (x += text(ctx, str, x, 86, color, font(22)));
	put(REPORT.spentLead(data.periodLabel), COLORS.muted);
	put(REPORT.usd(data.totalMicros), COLORS.text);
	if (data.capMicros !== undefined && data.capMicros > 0) {
		put(REPORT.ofCap(data.capMicros), COLORS.muted);
		// Integer percent of the cap, rounded down so 99.9 % never reads as "100 %".
		const pct = Math.floor((data.totalMicros * 100) / data.capMicros);
		put(REPORT.used(pct), pct >= 100 ? COLORS.red : pct >= 80 ? COLORS.yellow : COLORS.green);
	}
}
