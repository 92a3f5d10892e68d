// What a member reads about their own things: /settings (their /imagine defaults) and /history (their images).
import type { APIEmbedField } from 'discord.js';
import type { MemberDefaults } from '../records/member.js';
import { formatUsd } from '../util/money.js';
import { truncate } from '../util/text.js';
import { discordTime, inert } from './format.js';

export const SETTINGS_TEXT = {
	title: 'Your /imagine defaults',
	description: 'Used for the options you leave out, in every server. Change them with `/settings`, clear them with `/settings reset:true`.',
	saved: 'Saved. `/imagine` now uses these for the options you leave out.',
	cleared: 'Your defaults are cleared: `/imagine` uses the usual ones again.',
	resetWithOthers: "Use `reset:true` on its own: it clears every default, so it can't be combined with new ones.",
	corrupt: "Your saved defaults couldn't be read, so none are in use. Set them again with `/settings`.",
	badCount: (max: number) => `The count must be a whole number from 1 to ${max}.`,
	badRatio: (ratios: readonly string[]) => `The aspect ratio must be one of ${ratios.join(', ')}.`,
	badStyle: 'A style name is 1–32 characters. Use `style: none` to clear your default style.',
	fields: (d: MemberDefaults): APIEmbedField[] => [
		{ name: 'Aspect ratio', value: d.aspectRatio ?? 'not set (1:1)', inline: true },
		{ name: 'Style', value: d.style === undefined ? 'not set (none)' : inert(d.style), inline: true },
		{ name: 'Count', value: d.count === undefined ? 'not set (1)' : String(d.count), inline: true },
		{ name: 'Private', value: d.private === undefined ? 'not set (no)' : d.private ? 'yes' : 'no', inline: true },
	],
	/** Footnote on /imagine when the default style does not exist where it was used. */
	styleMissing: (name: string) => `Your default style “${inert(truncate(name, 32))}” isn't available here, so none was used.`,
} as const;

export interface HistoryLine {
	prompt: string;
	style: string | undefined;
	aspectRatio: string;
	count: number;
	createdAt: number;
	cost: number;
	private: boolean;
	/** The message, when it is public and still there. */
	link: string | undefined;
}

export const HISTORY_TEXT = {
	title: 'Your recent images',
	empty: 'No images yet (or none kept: images are kept for a limited time). Make one with `/imagine`.',
	footer: (page: number, pages: number, total: number) => `Page ${page + 1} of ${pages} · ${total} image(s) · Again makes the same request, charged to you`,
	line: (n: number, l: HistoryLine): string => {
		const facts = [
			l.style === undefined ? undefined : `Style ${inert(l.style)}`,
			l.aspectRatio,
			l.count > 1 ? `${l.count} images` : undefined,
			formatUsd(l.cost),
			discordTime(l.createdAt, 'R'),
			l.private ? 'private' : undefined,
			l.link === undefined ? undefined : `[message](${l.link})`,
		].filter((f) => f !== undefined);
		return `**${n}.** ${inert(truncate(l.prompt, 300))}\n-# ${facts.join(' · ')}`;
	},
	again: (n: number) => `Again ${n}`,
	prev: 'Prev',
	next: 'Next',
	pastEnd: (pages: number) =>
		pages === 0 ? 'You have no images in your history.' : `There's no such page: your history has ${pages} page(s). Use \`/history\` to start over.`,
	stale: 'That image is no longer in your history (images are kept for a limited time). Use `/history` to see what is.',
} as const;
