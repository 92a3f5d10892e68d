// What a member reads about their own things, in their locale: /settings (their /imagine defaults) and /history (their images).
import type { APIEmbedField } from 'discord.js';
import type { MemberDefaults } from '../records/member.js';
import { truncate } from '../util/text.js';
import { discordTime, inert } from './format.js';
import { perLocale } from './i18n.js';

/** `settingsTexts(interaction.locale)`. */
export const settingsTexts = perLocale(({ t, num }) => {
	const notSet = (value: string) => t('settings.notSet', { value });
	return {
		title: t('settings.title'),
		description: t('settings.description'),
		saved: t('settings.saved'),
		cleared: t('settings.cleared'),
		resetWithOthers: t('settings.resetWithOthers'),
		corrupt: t('settings.corrupt'),
		badCount: (max: number) => t('settings.badCount', { max }),
		badRatio: (ratios: readonly string[]) => t('settings.badRatio', { ratios: ratios.join(', ') }),
		badStyle: t('settings.badStyle'),
		fields: (d: MemberDefaults): APIEmbedField[] => [
			{ name: t('settings.aspectRatio'), value: d.aspectRatio ?? notSet('1:1'), inline: true },
			{ name: t('settings.style'), value: d.style === undefined ? notSet(t('settings.none')) : inert(d.style), inline: true },
			{ name: t('settings.count'), value: d.count === undefined ? notSet(num(1)) : num(d.count), inline: true },
			{
				name: t('settings.private'),
				value: d.private === undefined ? notSet(t('settings.no')) : t(d.private ? 'settings.yes' : 'settings.no'),
				inline: true,
			},
		],
		/** Footnote on /imagine when the default style does not exist where it was used. */
		styleMissing: (name: string) => t('settings.styleMissing', { name: inert(truncate(name, 32)) }),
	};
});

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

/** `historyTexts(interaction.locale)`. */
export const historyTexts = perLocale(({ t, usd }) => ({
	title: t('history.title'),
	empty: t('history.empty'),
	footer: (page: number, pages: number, total: number) => t('history.footer', { page: page + 1, pages, total }),
	line: (n: number, l: HistoryLine): string => {
		const facts = [
			l.style === undefined ? undefined : t('history.style', { name: inert(l.style) }),
			l.aspectRatio,
			l.count > 1 ? t('history.images', { count: l.count }) : undefined,
			usd(l.cost),
			discordTime(l.createdAt, 'R'),
			l.private ? t('history.private') : undefined,
			l.link === undefined ? undefined : `[${t('history.message')}](${l.link})`,
		].filter((f) => f !== undefined);
		return `**${n}.** ${inert(truncate(l.prompt, 300))}\n-# ${facts.join(' · ')}`;
	},
	again: (n: number) => t('history.again', { n }),
	prev: t('history.prev'),
	next: t('history.next'),
	pastEnd: (pages: number) => (pages === 0 ? t('history.noHistory') : t('history.pastEnd', { pages })),
	stale: t('history.stale'),
}));
