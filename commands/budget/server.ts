// /budget subcommands about the server's settings: default, cap, role, settings, pause, resume and log.
import { BUDGET } from '../../src/messages/budget-texts.js';
import { TEXT } from '../../src/messages/texts.js';
import { UserError } from '../../src/messages/user-error.js';
import { parseAmount, type BudgetContext, type SubHandler } from './context.js';

const amountOf = (c: BudgetContext) => parseAmount(c.interaction.options.getString('amount', true), true);

export const setDefault: SubHandler = async (c) => {
	const e = await c.services.ledger.setGuildDefault(c.guildId, c.moderatorId, amountOf(c));
	await c.reply(BUDGET.defaultSet(e));
};

export const cap: SubHandler = async (c) => {
	const e = await c.services.ledger.setGuildCap(c.guildId, c.moderatorId, amountOf(c));
	await c.reply(BUDGET.capSet(e));
};

export const role: SubHandler = async (c) => {
	const role = c.interaction.options.getRole('role', true);
	const value = amountOf(c);
	// @everyone's id is the server's, and no member's role list names it: a limit on it would never apply.
	// Removing one ('off') stays possible, for a limit set before this check.
	if (role.id === c.guildId && value !== null) throw new UserError(TEXT.everyoneRole);
	const e = await c.services.ledger.setRoleLimit(c.guildId, c.moderatorId, role.id, value);
	await c.reply(BUDGET.roleSet(role.id, value === null, e));
};

export const settings: SubHandler = async ({ services: s, guildId, price, reply }) => {
	const [settings, terms] = await Promise.all([s.ledger.settings(guildId), s.blocklist.terms(guildId)]);
	await reply(
		BUDGET.settings({
			settings,
			botDefault: s.ledger.defaultLimit,
			price,
			priceSource: s.pricing.describe().source,
			terms: terms.length,
			resetsAt: s.ledger.currentPeriod().resetsAt,
		}),
	);
};

export const pause: SubHandler = async ({ services: s, guildId, moderatorId, reply }) => {
	const e = await s.ledger.setPaused(guildId, moderatorId, true);
	await reply(BUDGET.paused(e));
};

export const resume: SubHandler = async ({ services: s, guildId, moderatorId, reply }) => {
	const e = await s.ledger.setPaused(guildId, moderatorId, false);
	await reply(BUDGET.resumed(e));
};

export const log: SubHandler = async ({ interaction, services: s, guildId, moderatorId, reply }) => {
	const channel = interaction.options.getChannel('channel');
	if (channel) {
		// Post now, so a channel the bot cannot write in is found while the moderator is here.
		const check = await s.modLog.tryChannel(channel.id, moderatorId);
		if (!check.ok) {
			s.logger.warn({ channelId: channel.id, status: check.status, code: check.code }, 'log channel refused');
			throw new UserError(BUDGET.logChannelRefused(channel.id));
		}
	}
	const e = await s.ledger.setLogChannel(guildId, moderatorId, channel?.id ?? null);
	await reply(BUDGET.logSet(channel !== null, e));
};
