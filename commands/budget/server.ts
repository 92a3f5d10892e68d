// /budget subcommands about the server's settings: default, cap, role, settings, pause, resume and log.
import type { PriceSource } from '../../src/budget/pricing.js';
import { resetText } from '../../src/messages/format.js';
import { TEXT } from '../../src/messages/texts.js';
import { UserError } from '../../src/messages/user-error.js';
import { formatUsd } from '../../src/util/money.js';
import { parseAmount, type BudgetContext, type SubHandler } from './context.js';

const PRICE_SOURCE: Record<PriceSource, string> = {
	config: 'set by the operator',
	live: "hiapi's price",
	'last-known': "hiapi's last known price",
	fallback: 'fallback',
};

const amountOf = (c: BudgetContext) => parseAmount(c.interaction.options.getString('amount', true), true);

export const setDefault: SubHandler = async (c) => {
	const e = await c.services.ledger.setGuildDefault(c.guildId, c.moderatorId, amountOf(c));
	await c.reply({ title: 'Server default updated', description: `${e.old} → **${e.new}** per period.` });
};

export const cap: SubHandler = async (c) => {
	const e = await c.services.ledger.setGuildCap(c.guildId, c.moderatorId, amountOf(c));
	await c.reply({ title: 'Server cap updated', description: `${e.old} → **${e.new}** per period.` });
};

export const role: SubHandler = async (c) => {
	const role = c.interaction.options.getRole('role', true);
	const value = amountOf(c);
	// @everyone's id is the server's, and no member's role list names it: a limit on it would never apply.
	// Removing one ('off') stays possible, for a limit set before this check.
	if (role.id === c.guildId && value !== null) throw new UserError(TEXT.everyoneRole);
	const e = await c.services.ledger.setRoleLimit(c.guildId, c.moderatorId, role.id, value);
	await c.reply({
		title: value === null ? 'Role limit removed' : 'Role limit set',
		description: `<@&${role.id}>: ${e.old} → **${e.new}** per period. A member's highest role limit applies, unless they have an override.`,
	});
};

export const settings: SubHandler = async ({ services: s, guildId, price, reply }) => {
	const [settings, terms] = await Promise.all([s.ledger.settings(guildId), s.blocklist.terms(guildId)]);
	const roles = Object.entries(settings.roleLimits ?? {}).sort(([, a], [, b]) => b - a);
	const roleLines = roles.map(([id, limit]) => `<@&${id}> ${formatUsd(limit)}`).join('\n');
	await reply({
		title: 'Budget settings for this server',
		fields: [
			{
				name: 'Default per member',
				value: settings.defaultLimit === undefined ? `${formatUsd(s.ledger.defaultLimit)} (bot default)` : formatUsd(settings.defaultLimit),
				inline: true,
			},
			{ name: 'Server cap', value: settings.cap === undefined ? 'none' : formatUsd(settings.cap), inline: true },
			{ name: 'Price per image', value: `${formatUsd(price)} (${PRICE_SOURCE[s.pricing.describe().source]})`, inline: true },
			{ name: 'Role limits', value: roles.length ? roleLines.slice(0, 1024) : 'none', inline: false },
			{ name: 'Image making', value: settings.paused ? '⏸️ paused' : '▶️ running', inline: true },
			{ name: 'Log channel', value: settings.logChannelId ? `<#${settings.logChannelId}>` : 'off', inline: true },
			{ name: 'Blocklist', value: `${terms.length} term${terms.length === 1 ? '' : 's'}`, inline: true },
			{ name: 'Period', value: `resets ${resetText(s.ledger.currentPeriod().resetsAt)}`, inline: false },
		],
	});
};

export const pause: SubHandler = async ({ services: s, guildId, moderatorId, reply }) => {
	const e = await s.ledger.setPaused(guildId, moderatorId, true);
	await reply({
		title: '⏸️ Image making paused',
		description: `No new images in this server until \`/budget resume\`. Images already in progress finish. (${e.old} → ${e.new})`,
	});
};

export const resume: SubHandler = async ({ services: s, guildId, moderatorId, reply }) => {
	const e = await s.ledger.setPaused(guildId, moderatorId, false);
	await reply({ title: '▶️ Image making resumed', description: `Members can make images again. (${e.old} → ${e.new})` });
};

export const log: SubHandler = async ({ interaction, services: s, guildId, moderatorId, reply }) => {
	const channel = interaction.options.getChannel('channel');
	if (channel) {
		// Post now, so a channel the bot cannot write in is found while the moderator is here.
		const check = await s.modLog.tryChannel(channel.id, moderatorId);
		if (!check.ok) {
			s.logger.warn({ channelId: channel.id, status: check.status, code: check.code }, 'log channel refused');
			throw new UserError(`I can't post in <#${channel.id}>. Give me View Channel, Send Messages and Embed Links there, then try again.`);
		}
	}
	const e = await s.ledger.setLogChannel(guildId, moderatorId, channel?.id ?? null);
	await reply({ title: channel ? 'Log channel set' : 'Log channel off', description: `${e.old} → **${e.new}**` });
};
