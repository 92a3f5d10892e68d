import { writeFileSync } from 'node:fs';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { Chart } from 'chart.js';
import { describe, expect, it } from 'vitest';
import { REPORT_HEIGHT, REPORT_WIDTH, renderReport } from '../../../src/reports/chart.js';
import { COLORS } from '../../../src/reports/chart-theme.js';
import type { ReportData } from '../../../src/reports/report-data.js';

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function month(days: number, perDay: (i: number) => number): ReportData['days'] {
	return Array.from({ length: days }, (_, i) => ({ date: `2026-11-${String(i + 1).padStart(2, '0')}`, spentMicros: perDay(i) }));
}
const spenders = (n: number, label = (i: number) => `user ${i}`): ReportData['top'] =>
	Array.from({ length: n }, (_, i) => ({ label: label(i), spentMicros: 12_000_000 - i * 1_100_000, images: 240 - i * 22 }));
const total = (days: ReportData['days']) => days.reduce((a, d) => a + d.spentMicros, 0);

function report(over: Partial<ReportData> & Pick<ReportData, 'days'>): ReportData {
	return { title: 'Image spend · My Server', periodLabel: 'November 2026 (UTC)', top: spenders(10), totalMicros: total(over.days), ...over };
}

interface Decoded {
	width: number;
	height: number;
	pixels: Uint8ClampedArray;
}

/** Checks the PNG container, reads IHDR, and decodes the pixels back through Skia. */
async function decode(png: Buffer): Promise<Decoded> {
	expect(png.subarray(0, 8).equals(PNG_MAGIC)).toBe(true);
	expect(png.toString('latin1', 12, 16)).toBe('IHDR');
	const width = png.readUInt32BE(16);
	const height = png.readUInt32BE(20);
	const image = await loadImage(png);
	const canvas = createCanvas(width, height);
	const ctx = canvas.getContext('2d');
	ctx.drawImage(image, 0, 0);
	return { width, height, pixels: ctx.getImageData(0, 0, width, height).data };
}

const rgb = (hex: string): [number, number, number] => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];

/** Pixels within `tolerance` (sum of channel differences) of a colour, optionally inside a rectangle. */
function countNear(d: Decoded, hex: string, tolerance = 40, box = { x: 0, y: 0, w: d.width, h: d.height }): number {
	const [r, g, b] = rgb(hex);
	let n = 0;
	for (let y = box.y; y < box.y + box.h; y++) {
		for (let x = box.x; x < box.x + box.w; x++) {
			const i = (y * d.width + x) * 4;
			if (Math.abs(d.pixels[i]! - r) + Math.abs(d.pixels[i + 1]! - g) + Math.abs(d.pixels[i + 2]! - b) <= tolerance) n++;
		}
	}
	return n;
}

const differFromBackground = (d: Decoded) => 1 - countNear(d, COLORS.background, 6) / (d.width * d.height);
const BOTTOM_PANEL = { x: 0, y: Math.round(REPORT_HEIGHT * 0.65), w: REPORT_WIDTH, h: Math.round(REPORT_HEIGHT * 0.33) };

async function renderChecked(data: ReportData): Promise<Decoded> {
	const png = await renderReport(data);
	expect(png.length).toBeLessThan(1024 * 1024);
	const d = await decode(png);
	expect([d.width, d.height]).toEqual([REPORT_WIDTH, REPORT_HEIGHT]);
	// Every pixel opaque: Discord would otherwise show its own background through a transparent chart.
	for (let i = 3; i < d.pixels.length; i += 4) if (d.pixels[i] !== 255) throw new Error(`transparent pixel at ${(i - 3) / 4}`);
	return d;
}

describe('renderReport', () => {
	it('draws a month with a cap: bars, the cumulative line and the cap in red', async () => {
		const days = month(30, (i) => (i % 5) * 700_000 + 50_000);
		const png = await renderReport(report({ days, capMicros: 80_000_000 }));
		writeFileSync('/tmp/report-sample.png', png); // for a human to look at
		const d = await renderChecked(report({ days, capMicros: 80_000_000 }));
		expect(differFromBackground(d)).toBeGreaterThan(0.1);
		expect(countNear(d, COLORS.red)).toBeGreaterThan(500);
		expect(countNear(d, COLORS.blurple)).toBeGreaterThan(10_000);
		expect(countNear(d, COLORS.green)).toBeGreaterThan(1_000);
	});

	it('has no cap red when no cap is set', async () => {
		const d = await renderChecked(report({ days: month(30, (i) => (i % 5) * 700_000) }));
		expect(differFromBackground(d)).toBeGreaterThan(0.1);
		expect(countNear(d, COLORS.red)).toBe(0);
		expect(countNear(d, COLORS.yellow)).toBe(0);
	});

	it('colours the share of the cap used: yellow from 80 %, red from 100 %', async () => {
		const days = month(10, () => 1_000_000); // $10 spent
		const yellow = await renderChecked(report({ days, capMicros: 12_000_000 })); // 83 %
		const green = await renderChecked(report({ days, capMicros: 40_000_000 })); // 25 %
		const header = { x: 0, y: 60, w: REPORT_WIDTH, h: 50 };
		expect(countNear(yellow, COLORS.yellow, 40, header)).toBeGreaterThan(50);
		expect(countNear(green, COLORS.yellow, 40, header)).toBe(0);
		expect(countNear(green, COLORS.green, 40, header)).toBeGreaterThan(50);
	});

	it('says so when there is no spend yet, and still shows the cap', async () => {
		const empty = { days: month(17, () => 0), top: [], totalMicros: 0 };
		const d = await renderChecked(report({ ...empty, capMicros: 20_000_000 }));
		expect(differFromBackground(d)).toBeGreaterThan(0.01);
		// The message is the only large muted text in the bottom panel; no bars there.
		expect(countNear(d, COLORS.muted, 30, BOTTOM_PANEL)).toBeGreaterThan(300);
		expect(countNear(d, COLORS.blurple, 30, BOTTOM_PANEL)).toBe(0);
		expect(countNear(d, COLORS.red)).toBeGreaterThan(500);

		const noCap = await renderChecked(report(empty));
		expect(countNear(noCap, COLORS.red)).toBe(0);
		expect(countNear(noCap, COLORS.muted, 30, BOTTOM_PANEL)).toBeGreaterThan(300);
	});

	it('draws a single day (the daily period)', async () => {
		const d = await renderChecked(report({ days: [{ date: '2026-11-17', spentMicros: 3_500_000 }], top: spenders(3), capMicros: 5_000_000 }));
		expect(countNear(d, COLORS.blurple)).toBeGreaterThan(5_000);
		expect(countNear(d, COLORS.red)).toBeGreaterThan(300);
	});

	it('keeps ten spenders with long names readable: every bar drawn in the bottom panel', async () => {
		const long = (i: number) => `${'A very long display name that never ends '.repeat(3)}#${i} (1234567890123456789)`;
		const d = await renderChecked(report({ days: month(30, () => 400_000), top: spenders(10, long) }));
		// Ten bars of a sensible length: the labels did not squeeze the plot to nothing.
		expect(countNear(d, COLORS.blurple, 30, BOTTOM_PANEL)).toBeGreaterThan(20_000);
	});

	it('handles a lifetime title, thousands of dollars and an old total larger than the days', async () => {
		const days = month(31, (i) => 100_000_000 + i * 1_000_000);
		const d = await renderChecked(report({ days, totalMicros: total(days) + 5_000_000_000, title: 'x'.repeat(300), periodLabel: 'Lifetime (last 31 days)' }));
		expect(differFromBackground(d)).toBeGreaterThan(0.1);
	});

	it('destroys its charts, so nothing accumulates across calls', async () => {
		for (let i = 0; i < 5; i++) await renderReport(report({ days: month(30, () => 250_000), capMicros: 10_000_000 }));
		expect(Object.keys(Chart.instances)).toHaveLength(0);
	});
});
