// /budget subcommands about one member: show, set, clear, reset, and history (a member's changes, or the server's).
import { auditLine, limitSourceText } from '../../src/messages/texts.js';
import { memberRoleIds } from '../../src/budget/member-roles.js';
import { inert, resetText } from '../../src/messages/format.js';
import { formatUsd } from '../../src/util/money.js';
import { parseAmount, targetOf, type SubHandler } from './context.js';

export const show: SubHandler = async ({ interaction, services: s, guildId, price, reply }) => {
	const target = targetOf(interaction.options.getUser('user', true));
	const roleIds = memberRoleIds(interaction.options.getMember('user'));
	const st = await s.ledger.standing({ guildId, userId: target.id, roleIds });
	await reply({
		title: `Budget of ${inert(target.username)}`,
		description: `<@${target.id}>`,
		fields: [
			{ name: 'Spent', value: formatUsd(st.spent), inline: true },
			{ name: 'In progress', value: formatUsd(st.reserved), inline: true },
			{ name: 'Limit', value: `${formatUsd(st.limit)} (${limitSourceText(st.limitSource, 'moderator')})`, inline: true },
			{ name: 'Remaining', value: formatUsd(st.remaining), inline: true },
			{ name: 'Images', value: String(st.images), inline: true },
			{ name: 'Price per image', value: formatUsd(price), inline: true },
			{ name: 'Resets', value: resetText(st.period.resetsAt), inline: false },
			...(st.guild ? [{ name: 'Server cap', value: `${formatUsd(st.guild.spent)} spent of ${formatUsd(st.guild.limit ?? 0)}`, inline: false }] : []),
			...(st.corrupt ? [{ name: '⚠️ Unreadable record', value: 'Use `/budget reset` to repair it.', inline: false }] : []),
		],
	});
};

export const set: SubHandler = async ({ interaction, services: s, guildId, moderatorId, reply }) => {
	const target = targetOf(interaction.options.getUser('user', true));
	const limit = parseAmount(interaction.options.getString('amount', true), false) ?? 0;
	const e = await s.ledger.setUserLimit(guildId, moderatorId, target.id, limit);
	await reply({ title: 'Limit set', description: `<@${target.id}> may now spend ${formatUsd(limit)} per period (was ${e.old ?? 'not overridden'}).` });
};

export const clear: SubHandler = async ({ interaction, services: s, guildId, moderatorId, reply }) => {
	const target = targetOf(interaction.options.getUser('user', true));
	const e = await s.ledger.setUserLimit(guildId, moderatorId, target.id, null);
	await reply({
		title: 'Override removed',
		description: `<@${target.id}> is back on their role, server or bot limit (override was ${e.old ?? 'not set'}).`,
	});
};

export const reset: SubHandler = async ({ interaction, services: s, guildId, moderatorId, reply }) => {
	const target = targetOf(interaction.options.getUser('user', true));
	const e = await s.ledger.resetUser(guildId, moderatorId, target.id);
	await reply({ title: 'Spend reset', description: `<@${target.id}>'s spend this period is now $0.00 (${e.old}).` });
};

export const history: SubHandler = async ({ interaction, services: s, guildId, reply }) => {
	const raw = interaction.options.getUser('user');
	const target = raw ? targetOf(raw) : null;
	const entries = await s.ledger.audit.history(guildId, target ? target.id : null, 10);
	await reply({
		title: target ? `Budget changes for ${inert(target.username)}` : 'Server-wide changes',
		description: entries.length ? entries.map(auditLine).join('\n') : 'No changes recorded.',
	});
};
