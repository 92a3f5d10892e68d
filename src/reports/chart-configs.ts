// The report's two Chart.js configurations: spend per day (bars, period total, cap line) and top spenders
// (horizontal bars labelled with amount and images), with the plugins that draw their extras.
import type { SKRSContext2D } from '@napi-rs/canvas';
import { Chart, type ChartConfiguration, type Plugin } from 'chart.js';
import { reportTexts } from '../messages/report-texts.js';
import { MICROS_PER_USD } from '../util/money.js';
import { COLORS, font, text } from './chart-theme.js';
import type { ReportData } from './report-data.js';

const MAX_LABEL = 26;
// Server-side: no animation frames, no resize observer, no pointer events; one canvas pixel per chart pixel.
const STATIC = { animation: false as const, responsive: false, devicePixelRatio: 1, events: [] as never[] };

type Words = ReturnType<typeof reportTexts>;
/** An axis tick: whole micro-dollars as dollars. */
const usdTick = (REPORT: Words) => (v: number | string) => REPORT.usd(Math.round(Number(v)));

export function daysConfig(data: ReportData): ChartConfiguration<'bar' | 'line', number[], string> {
	const REPORT = reportTexts(data.locale);
	const perDay = data.days.map((d) => d.spentMicros);
	let running = 0;
	const cumulative = perDay.map((v) => (running += v));
	const cap = data.capMicros !== undefined && data.capMicros > 0 ? data.capMicros : undefined;
	// An all-zero period would otherwise get a 0…1 micro-dollar axis.
	const emptyMax = perDay.some((v) => v > 0) ? 0 : MICROS_PER_USD;
	return {
		type: 'bar',
		data: {
			labels: data.days.map((d) => REPORT.day(d.date)),
			datasets: [
				{
					type: 'bar',
					label: REPORT.perDayLegend,
					data: perDay,
					yAxisID: 'yDay',
					backgroundColor: COLORS.blurple,
					borderRadius: 3,
					maxBarThickness: 56,
					order: 2, // drawn first, under the line
				},
				{
					type: 'line',
					label: REPORT.periodTotalLegend,
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
								label: REPORT.capLegend(cap),
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
					ticks: { callback: usdTick(REPORT), precision: 0, maxTicksLimit: 8 },
					title: { display: true, text: REPORT.perDayAxis, color: COLORS.blurple },
				},
				yTotal: {
					position: 'right',
					beginAtZero: true,
					suggestedMax: Math.max(cap ?? 0, emptyMax),
					grace: '5%', // keeps the cap line off the plot's top edge
					grid: { drawOnChartArea: false },
					ticks: { callback: usdTick(REPORT), precision: 0, maxTicksLimit: 8, color: COLORS.green },
					title: { display: true, text: REPORT.periodTotalAxis, color: COLORS.green },
				},
			},
		},
		plugins: cap === undefined ? [] : [capLine(cap, REPORT)],
	};
}

/**
 * The cap as a dashed red line across the plot on the period-total axis: behind the bars (it belongs to the other
 * axis, so it should not read as a limit on them), with its label on a chip in front.
 */
function capLine(cap: number, REPORT: Words): Plugin<'bar' | 'line'> {
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
			const label = REPORT.capChip(cap);
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

export function topConfig(data: ReportData): ChartConfiguration<'bar', number[], string> {
	const REPORT = reportTexts(data.locale);
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
				x: { beginAtZero: true, suggestedMax: max * 1.5, ticks: { callback: usdTick(REPORT), precision: 0, maxTicksLimit: 8 } },
				y: { grid: { display: false }, ticks: { autoSkip: false } },
			},
		},
		plugins: [barLabels(top, REPORT)],
	};
}

/** Dollar amount and image count just past the end of each bar. */
function barLabels(top: ReportData['top'], REPORT: Words): Plugin<'bar'> {
	return {
		id: 'barLabels',
		afterDatasetsDraw(chart) {
			const c = chart.ctx as unknown as SKRSContext2D; // Chart.js types it as the DOM's context
			c.save();
			chart.getDatasetMeta(0).data.forEach((bar, i) => {
				const t = top[i];
				if (!t) return;
				const w = text(c, REPORT.usd(t.spentMicros), bar.x + 10, bar.y, COLORS.text, font(17));
				text(c, REPORT.images(t.images), bar.x + 10 + w, bar.y, COLORS.muted, font(17));
			});
			c.restore();
		},
	};
}
