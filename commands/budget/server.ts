// /budget subcommands about the server's settings: default, cap, role, settings, pause, resume and log.
import { texts } from '../../src/messages/texts.js';
import { UserError } from '../../src/messages/user-error.js';
import { parseAmount, type BudgetContext, type SubHandler } from './context.js';

const amountOf = (c: BudgetContext) => parseAmount(c.interaction.options.getString('amount', true), true, c.text);

export const setDefault: SubHandler = async (c) => {
	const e = await c.services.ledger.setGuildDefault(c.guildId, c.moderatorId, amountOf(c));
	await c.reply(c.text.defaultSet(e));
};

export const cap: SubHandler = async (c) => {
	const e = await c.services.ledger.setGuildCap(c.guildId, c.moderatorId, amountOf(c));
	await c.reply(c.text.capSet(e));
};

export const role: SubHandler = async (c) => {
	const role = c.interaction.options.getRole('role', true);
	const value = amountOf(c);
	// @everyone's id is the server's, and no member's role list names it: a limit on it would never apply.
	// Removing one ('off') stays possible, for a limit set before this check.
	if (role.id === c.guildId && value !== null) throw new UserError(texts(c.locale).everyoneRole);
	const e = await c.services.ledger.setRoleLimit(c.guildId, c.moderatorId, role.id, value);
	await c.reply(c.text.roleSet(role.id, value === null, e));
};

export const settings: SubHandler = async ({ services: s, guildId, price, reply, text }) => {
	const [settings, terms] = await Promise.all([s.ledger.settings(guildId), s.blocklist.terms(guildId)]);
	await reply(
		text.settings({
			settings,
			botDefault: s.ledger.defaultLimit,
			price,
			priceSource: s.pricing.describe().source,
			terms: terms.length,
			resetsAt: s.ledger.currentPeriod().resetsAt,
		}),
	);
};

export const pause: SubHandler = async ({ services: s, guildId, moderatorId, reply, text }) => {
	const e = await s.ledger.setPaused(guildId, moderatorId, true);
	await reply(text.paused(e));
};

export const resume: SubHandler = async ({ services: s, guildId, moderatorId, reply, text }) => {
	const e = await s.ledger.setPaused(guildId, moderatorId, false);
	await reply(text.resumed(e));
};

export const log: SubHandler = async ({ interaction, services: s, guildId, moderatorId, reply, text }) => {
	const channel = interaction.options.getChannel('channel');
	if (channel) {
		// Post now, so a channel the bot cannot write in is found while the moderator is here.
		const check = await s.modLog.tryChannel(channel.id, moderatorId, interaction.guildLocale ?? interaction.locale);
		if (!check.ok) {
			s.logger.warn({ channelId: channel.id, status: check.status, code: check.code }, 'log channel refused');
			throw new UserError(text.logChannelRefused(channel.id));
		}
	}
	const e = await s.ledger.setLogChannel(guildId, moderatorId, channel?.id ?? null);
	await reply(text.logSet(channel !== null, e));
};
