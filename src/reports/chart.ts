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
	type Plugin,
} from 'chart.js';
import { formatUsd, MICROS_PER_USD } from '../util/money.js';

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
}

export const REPORT_WIDTH = 1200;
export const REPORT_HEIGHT = 900;

// Discord's dark theme.
export const COLORS = {
	background: '#313338',
	text: '#dbdee1',
	muted: '#949ba4',
	grid: '#3f4147',
	blurple: '#5865f2',
	green: '#57f287',
	yellow: '#fee75c',
	red: '#ed4245',
} as const;

// Skia falls back to any installed face for a family it lacks, so this list only picks the nicest one present.
const FONT_FAMILY = "'Noto Sans', 'DejaVu Sans', 'Liberation Sans', Arial, sans-serif";
const font = (px: number, bold = false) => `${bold ? 'bold ' : ''}${px}px ${FONT_FAMILY}`;

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
const MAX_LABEL = 26;
// Server-side: no animation frames, no resize observer, no pointer events; one canvas pixel per chart pixel.
const STATIC = { animation: false as const, responsive: false, devicePixelRatio: 1, events: [] as never[] };

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
	text(ctx, 'Spend per day', PAD, DAYS_TOP + 20, COLORS.text, font(22, true));
	text(ctx, 'Top spenders', PAD, TOP_TOP + 20, COLORS.text, font(22, true));
	const noSpend = data.totalMicros === 0 && data.top.length === 0 && data.days.every((d) => d.spentMicros === 0);
	if (data.top.length > 0) drawChart(ctx, topConfig(data), PAD, TOP_TOP, width, TOP_H);
	else {
		const message = noSpend ? 'No spend yet this period' : 'No per-user spend recorded this period';
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
	ctx.font = font(34, true);
	text(ctx, fit(ctx, data.title, REPORT_WIDTH - 2 * PAD), PAD, 42, COLORS.text, font(34, true));
	let x = PAD;
	const put = (str: string, color: string) => (x += text(ctx, str, x, 86, color, font(22)));
	put(`${data.periodLabel}  ·  spent `, COLORS.muted);
	put(formatUsd(data.totalMicros), COLORS.text);
	if (data.capMicros !== undefined && data.capMicros > 0) {
		put(` of the ${formatUsd(data.capMicros)} server cap  ·  `, COLORS.muted);
		// Integer percent of the cap, rounded down so 99.9 % never reads as "100 %".
		const pct = Math.floor((data.totalMicros * 100) / data.capMicros);
		put(`${pct}% used`, pct >= 100 ? COLORS.red : pct >= 80 ? COLORS.yellow : COLORS.green);
	}
}

/** Draws one line of text, vertically centred on y; returns its width. */
function text(ctx: SKRSContext2D, str: string, x: number, y: number, color: string, f: string, align: 'left' | 'right' | 'center' = 'left'): number {
	ctx.font = f;
	ctx.fillStyle = color;
	ctx.textAlign = align;
	ctx.textBaseline = 'middle';
	ctx.fillText(str, x, y);
	return ctx.measureText(str).width;
}

/** Cuts text to `max` pixels with an ellipsis. */
function fit(ctx: SKRSContext2D, text: string, max: number): string {
	if (ctx.measureText(text).width <= max) return text;
	let t = text;
	while (t.length > 1 && ctx.measureText(`${t}…`).width > max) t = t.slice(0, -1);
	return `${t.trimEnd()}…`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
function dayLabel(date: string): string {
	const [, m, d] = date.split('-').map(Number);
	return m && d ? `${MONTHS[m - 1] ?? ''} ${d}` : date;
}

const usdTick = (v: number | string) => formatUsd(Math.round(Number(v)));

function daysConfig(data: ReportData): ChartConfiguration<'bar' | 'line', number[], string> {
	const perDay = data.days.map((d) => d.spentMicros);
	let running = 0;
	const cumulative = perDay.map((v) => (running += v));
	const cap = data.capMicros !== undefined && data.capMicros > 0 ? data.capMicros : undefined;
	// An all-zero period would otherwise get a 0…1 micro-dollar axis.
	const emptyMax = perDay.some((v) => v > 0) ? 0 : MICROS_PER_USD;
	return {
		type: 'bar',
		data: {
			labels: data.days.map((d) => dayLabel(d.date)),
			datasets: [
				{
					type: 'bar',
					label: 'Per day',
					data: perDay,
					yAxisID: 'yDay',
					backgroundColor: COLORS.blurple,
					borderRadius: 3,
					maxBarThickness: 56,
					order: 2, // drawn first, under the line
				},
				{
					type: 'line',
					label: 'Period total',
					data: cumulative,
					yAxisID: 'yTotal',
					borderColor: COLORS.green,
					backgroundColor: COLORS.green,
					borderWidth: 3,
					pointRadius: data.days.length <= 7 ? 5 : 2.5,
					order: 1,
				},
				// No points: only its legend entry; capLine below draws the line across the whole plot.
				...(cap === undefined
					? []
					: [
							{
								type: 'line' as const,
								label: `Cap ${formatUsd(cap)}`,
								data: [],
								yAxisID: 'yTotal',
								borderColor: COLORS.red,
								backgroundColor: COLORS.red,
								borderWidth: 3,
								borderDash: [8, 4],
							},
						]),
			],
		},
		options: {
			...STATIC,
			layout: { padding: { top: 4, right: 4 } },
			plugins: {
				legend: {
					align: 'end',
					labels: {
						usePointStyle: true,
						pointStyleWidth: 26,
						boxHeight: 12,
						padding: 16,
						// Legend in dataset order (not draw order), the two lines shown as lines.
						sort: (a, b) => (a.datasetIndex ?? 0) - (b.datasetIndex ?? 0),
						generateLabels: (chart) =>
							Chart.defaults.plugins.legend.labels.generateLabels(chart).map((l) => ({ ...l, pointStyle: l.datasetIndex === 0 ? 'rect' : 'line' })),
					},
				},
			},
			scales: {
				x: { grid: { display: false }, ticks: { maxRotation: 0, autoSkipPadding: 12 } },
				yDay: {
					position: 'left',
					beginAtZero: true,
					suggestedMax: emptyMax,
					ticks: { callback: usdTick, precision: 0, maxTicksLimit: 8 },
					title: { display: true, text: 'per day', color: COLORS.blurple },
				},
				yTotal: {
					position: 'right',
					beginAtZero: true,
					suggestedMax: Math.max(cap ?? 0, emptyMax),
					grace: '5%', // keeps the cap line off the plot's top edge
					grid: { drawOnChartArea: false },
					ticks: { callback: usdTick, precision: 0, maxTicksLimit: 8, color: COLORS.green },
					title: { display: true, text: 'period total', color: COLORS.green },
				},
			},
		},
		plugins: cap === undefined ? [] : [capLine(cap)],
	};
}

/**
 * The cap as a dashed red line across the plot on the period-total axis: behind the bars (it belongs to the other
 * axis, so it should not read as a limit on them), with its label on a chip in front.
 */
function capLine(cap: number): Plugin<'bar' | 'line'> {
	const at = (chart: Chart) => {
		const y = chart.scales.yTotal?.getPixelForValue(cap);
		// Chart.js types the context as the DOM's; it is Skia's.
		return y === undefined ? undefined : { y, c: chart.ctx as unknown as SKRSContext2D, ...chart.chartArea };
	};
	return {
		id: 'capLine',
		beforeDatasetsDraw(chart) {
			const p = at(chart);
			if (!p) return;
			p.c.save();
			p.c.strokeStyle = COLORS.red;
			p.c.lineWidth = 3;
			p.c.setLineDash([10, 6]);
			p.c.beginPath();
			p.c.moveTo(p.left, p.y);
			p.c.lineTo(p.right, p.y);
			p.c.stroke();
			p.c.restore();
		},
		afterDatasetsDraw(chart) {
			const p = at(chart);
			if (!p) return;
			const label = `cap ${formatUsd(cap)}`;
			p.c.save();
			p.c.font = font(17, true);
			const w = p.c.measureText(label).width;
			// Below the line when it runs along the top of the plot, where a label above would hit the legend.
			const chipTop = p.y - 30 < p.top ? p.y + 4 : p.y - 28;
			p.c.fillStyle = COLORS.background;
			p.c.fillRect(p.right - w - 14, chipTop, w + 12, 24);
			text(p.c, label, p.right - 8, chipTop + 12, COLORS.red, font(17, true), 'right');
			p.c.restore();
		},
	};
}

function topConfig(data: ReportData): ChartConfiguration<'bar', number[], string> {
	const top = data.top.slice(0, 10);
	const max = Math.max(...top.map((t) => t.spentMicros), 10_000);
	return {
		type: 'bar',
		data: {
			labels: top.map((t) => (t.label.length > MAX_LABEL ? `${t.label.slice(0, MAX_LABEL - 1).trimEnd()}…` : t.label)),
			datasets: [{ data: top.map((t) => t.spentMicros), backgroundColor: COLORS.blurple, borderRadius: 3, maxBarThickness: 30 }],
		},
		options: {
			indexAxis: 'y',
			...STATIC,
			layout: { padding: { top: 44 } }, // room for the section heading
			plugins: { legend: { display: false } },
			scales: {
				// Head-room on the right for the "$12.50 · 250 images" labels.
				x: { beginAtZero: true, suggestedMax: max * 1.5, ticks: { callback: usdTick, precision: 0, maxTicksLimit: 8 } },
				y: { grid: { display: false }, ticks: { autoSkip: false } },
			},
		},
		plugins: [barLabels(top)],
	};
}

/** Dollar amount and image count just past the end of each bar. */
function barLabels(top: ReportData['top']): Plugin<'bar'> {
	return {
		id: 'barLabels',
		afterDatasetsDraw(chart) {
			const c = chart.ctx as unknown as SKRSContext2D; // Chart.js types it as the DOM's context
			c.save();
			chart.getDatasetMeta(0).data.forEach((bar, i) => {
				const t = top[i];
				if (!t) return;
				const w = text(c, formatUsd(t.spentMicros), bar.x + 10, bar.y, COLORS.text, font(17));
				const images = `${t.images.toLocaleString('en-US')} image${t.images === 1 ? '' : 's'}`;
				text(c, `  ·  ${images}`, bar.x + 10 + w, bar.y, COLORS.muted, font(17));
			});
			c.restore();
		},
	};
}
