// /usage's embed: a member's own spend, limit, remaining budget and when it resets, in the member's locale.
import type { APIEmbedField } from 'discord.js';
import type { Standing } from '../budget/ledger-core.js';
import { resetText } from './format.js';
import { perLocale } from './i18n.js';
import { limitSourceText } from './texts.js';

/** `usageTexts(interaction.locale)`. */
export const usageTexts = perLocale(({ locale, t, usd }) => ({
	title: t('usage.title'),
	/** The member's standing, in the order they read it; amounts in micro-dollars. */
	fields: (st: Standing, price: number): APIEmbedField[] => {
		const fields = [
			{ name: t('usage.spent'), value: usd(st.spent), inline: true },
			{ name: t('usage.limit'), value: `${usd(st.limit)} (${limitSourceText(st.limitSource, 'member', locale)})`, inline: true },
			{ name: t('usage.remaining'), value: usd(st.remaining), inline: true },
			{ name: t('usage.images'), value: String(st.images), inline: true },
			{ name: t('usage.pricePerImage'), value: usd(price), inline: true },
			{ name: t('usage.resets'), value: resetText(st.period.resetsAt, locale), inline: false },
		];
		if (st.reserved > 0) fields.splice(3, 0, { name: t('usage.inProgress'), value: usd(st.reserved), inline: true });
		if (st.guild)
			fields.push({
				name: t('usage.serverLeft'),
				value: t('usage.serverLeftValue', { remaining: usd(st.guild.remaining ?? 0), limit: usd(st.guild.limit ?? 0) }),
				inline: true,
			});
		if (st.corrupt) fields.push({ name: '⚠️', value: t('usage.corrupt'), inline: false });
		return fields;
	},
	footer: (remaining: number, price: number) => t('usage.footer', { count: Math.floor(remaining / price) }),
}));
