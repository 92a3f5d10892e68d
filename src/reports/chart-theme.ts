// How the report looks: Discord's dark theme colours, the font stack, and the text helpers both the page and
// the charts' plugins draw with.
import type { SKRSContext2D } from '@napi-rs/canvas';

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
export const FONT_FAMILY = "'Noto Sans', 'DejaVu Sans', 'Liberation Sans', Arial, sans-serif";
export const font = (px: number, bold = false) => `${bold ? 'bold ' : ''}${px}px ${FONT_FAMILY}`;

/** Draws one line of text, vertically centred on y; returns its width. */
export function text(ctx: SKRSContext2D, str: string, x: number, y: number, color: string, f: string, align: 'left' | 'right' | 'center' = 'left'): number {
	ctx.font = f;
	ctx.fillStyle = color;
	ctx.textAlign = align;
	ctx.textBaseline = 'middle';
	ctx.fillText(str, x, y);
	return ctx.measureText(str).width;
}

/** Cuts text to `max` pixels with an ellipsis. */
export function fit(ctx: SKRSContext2D, text: string, max: number): string {
	if (ctx.measureText(text).width <= max) return text;
	let t = text;
	while (t.length > 1 && ctx.measureText(`${t}…`).width > max) t = t.slice(0, -1);
	return `${t.trimEnd()}…`;
}
