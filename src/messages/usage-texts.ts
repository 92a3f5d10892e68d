// /usage's embed: a member's own spend, limit, remaining budget and when it resets.
import type { APIEmbedField } from 'discord.js';
import type { Standing } from '../budget/ledger-core.js';
import { formatUsd } from '../util/money.js';
import { resetText } from './format.js';
import { limitSourceText } from './texts.js';

export const USAGE = {
	title: 'Your image budget',
	/** The member's standing, in the order they read it; amounts in micro-dollars. */
	fields: (st: Standing, price: number): APIEmbedField[] => {
		const fields = [
			{ name: 'Spent', value: formatUsd(st.spent), inline: true },
			{ name: 'Limit', value: `${formatUsd(st.limit)} (${limitSourceText(st.limitSource, 'member')})`, inline: true },
			{ name: 'Remaining', value: formatUsd(st.remaining), inline: true },
			{ name: 'Images this period', value: String(st.images), inline: true },
			{ name: 'Price per image', value: formatUsd(price), inline: true },
			{ name: 'Resets', value: resetText(st.period.resetsAt), inline: false },
		];
		if (st.reserved > 0) fields.splice(3, 0, { name: 'In progress', value: formatUsd(st.reserved), inline: true });
		if (st.guild)
			fields.push({ name: 'Server budget left', value: `${formatUsd(st.guild.remaining ?? 0)} of ${formatUsd(st.guild.limit ?? 0)}`, inline: true });
		if (st.corrupt) fields.push({ name: '⚠️', value: 'Your budget record could not be read; a moderator can fix it with `/budget reset`.', inline: false });
		return fields;
	},
	footer: (remaining: number, price: number) => `About ${Math.floor(remaining / price)} more image(s) at the current price`,
} as const;
