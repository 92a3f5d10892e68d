// /style's replies and refusals, /imagine's style suggestions and refusals, Remix's style field, and the audit
// line of a style change. Names and templates a moderator typed are shown inert.
import type { AuditEntry } from '../records/audit.js';
import { truncate } from '../util/text.js';
import { inert } from './format.js';

/** A style as the texts show it: its name and template, and for a built-in its id (for its hint). */
export interface StyleView {
	name: string;
	template: string;
	builtIn?: string;
}

/** Discord's limits: a suggestion's name, a select option's label and description. */
const CHOICE_MAX = 100;
/** An audit line quotes at most this much of a style (ten lines fit one embed). */
const AUDIT_QUOTE_MAX = 160;
const MESSAGE_MAX = 2000;

/** What each built-in style looks like, in a few words (by the ids in styles/built-in.ts). */
const HINTS = {
	photo: 'realistic photograph, natural light',
	cinematic: 'film still, dramatic light, widescreen',
	anime: 'cel-shaded anime illustration',
	watercolor: 'soft washes on textured paper',
	'oil-painting': 'thick brushstrokes on canvas',
	'pixel-art': '16-bit retro game pixels',
	'3d-render': 'clean studio 3D render',
	'line-art': 'black ink outlines, no colour',
	'comic-book': 'bold inks, halftone, flat colour',
	'fantasy-art': 'epic painterly fantasy scene',
} as const;

function hintOf(style: StyleView): string {
	return style.builtIn !== undefined && style.builtIn in HINTS ? HINTS[style.builtIn as keyof typeof HINTS] : `server style: ${style.template}`;
}

export const STYLE_TEXT = {
	hints: HINTS,
	onlyInServer: 'Server styles can be added and removed only in a server.',
	needsManageServer: 'You need the Manage Server permission to add or remove server styles.',
	badName: (max: number) => `A style name must be 1–${max} characters, with no control or invisible characters.`,
	badTemplate: (max: number) => `A template must be 1–${max} characters.`,
	controlInTemplate: 'A template cannot contain control characters.',
	noPlaceholder: "A template must contain `{prompt}`, where the member's words go: e.g. `a watercolor of {prompt}, soft morning light`.",
	builtInName: (name: string) => `"${inert(name)}" is the name of a built-in style. Pick another name.`,
	builtInRemove: (name: string) => `"${inert(name)}" is a built-in style; it cannot be removed.`,
	already: (name: string) => `This server already has a style named "${inert(name)}". Remove it first to change it.`,
	full: (max: number) => `This server already has ${max} styles, the most it can have. Remove one with \`/style remove\` first.`,
	notListed: (name: string) => `This server has no style named "${inert(name)}". See \`/style list\`.`,
	/** `/imagine style:` (or Remix) with a name that is not a style here; in a DM only built-ins exist. */
	unknown: (name: string, inDm: boolean) =>
		`There is no style named "${inert(truncate(name, 40))}"${inDm ? ' (in direct messages only the built-in styles work)' : ''}. See \`/style list\` for the styles you can use.`,
	tooLong: (length: number, max: number) =>
		`With this style the prompt would be ${length} characters, over the ${max} the image service accepts. Shorten your prompt or pick another style.`,
	addedTitle: 'Style added',
	added: (name: string, count: number, max: number) => `Members can now pick **${inert(name)}** in \`/imagine style:\`. ${count} of ${max} server styles used.`,
	removedTitle: 'Style removed',
	removed: (name: string, count: number) =>
		`**${inert(name)}** is no longer offered. Images already made with it keep it. ${count} server style${count === 1 ? '' : 's'} left.`,

	listTitle: (count: number, max: number) => `Styles (${count} of ${max} server styles)`,
	/** Built-ins by name and hint, then the server's with their templates, shortened evenly to fit one message. */
	list: (builtIns: readonly StyleView[], server: readonly StyleView[]): string => {
		const head = `**Built in:**\n${builtIns.map((s) => `• **${inert(s.name)}**: ${hintOf(s)}`).join('\n')}\n\n`;
		if (server.length === 0) return `${head}**This server:** none yet. Moderators add them with \`/style add\`.`;
		const title = '**This server:**\n';
		const foot = '\nSee one style whole with `/style list name:`.';
		const each = Math.max(40, Math.floor((MESSAGE_MAX - head.length - title.length - foot.length) / server.length) - 8);
		const lines = server.map((s) => truncate(`• **${inert(s.name)}**: ${inert(s.template)}`, each));
		return truncate(`${head}${title}${lines.join('\n')}${foot}`, MESSAGE_MAX);
	},
	/** One style whole: its name, where it comes from, and its template. */
	one: (style: StyleView): string =>
		truncate(`**${inert(style.name)}** (${style.builtIn === undefined ? 'this server' : 'built in'})\n${inert(style.template)}`, MESSAGE_MAX),

	/** An autocomplete suggestion: the name, then a hint (Discord shows it as typed, no markdown). */
	choice: (style: StyleView) => truncate(`${style.name} — ${hintOf(style)}`, CHOICE_MAX),

	remixLabel: 'Style',
	noStyle: 'No style',
	noStyleHint: "Only the prompt's own words",
	/** The source image's style, first in Remix's list. */
	imageStyle: 'The style of this image',
	optionHint: (style: StyleView) => truncate(hintOf(style), CHOICE_MAX),
} as const;

/** The audit line's words for a style change (`/budget history`, the log channel); undefined for other actions. */
export function styleAuditText(e: AuditEntry): string | undefined {
	if (e.action === 'style-add') return `added style ${inert(truncate(e.new ?? '', AUDIT_QUOTE_MAX))}`;
	if (e.action === 'style-remove') return `removed style ${inert(truncate(e.old ?? '', AUDIT_QUOTE_MAX))}`;
	return undefined;
}
