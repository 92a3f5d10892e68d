// /budget subcommands about one member: show, set, clear, reset, and history (a member's changes, or the server's).
import { memberRoleIds } from '../../src/budget/member-roles.js';
import { parseAmount, targetOf, type SubHandler } from './context.js';

export const show: SubHandler = async ({ interaction, services: s, guildId, price, reply, text }) => {
	const target = targetOf(interaction.options.getUser('user', true), text);
	const roleIds = memberRoleIds(interaction.options.getMember('user'));
	const st = await s.ledger.standing({ guildId, userId: target.id, roleIds });
	await reply(text.show(target, st, price));
};

export const set: SubHandler = async ({ interaction, services: s, guildId, moderatorId, reply, text }) => {
	const target = targetOf(interaction.options.getUser('user', true), text);
	const limit = parseAmount(interaction.options.getString('amount', true), false, text) ?? 0;
	const e = await s.ledger.setUserLimit(guildId, moderatorId, target.id, limit);
	await reply(text.set(target.id, limit, e));
};

export const clear: SubHandler = async ({ interaction, services: s, guildId, moderatorId, reply, text }) => {
	const target = targetOf(interaction.options.getUser('user', true), text);
	const e = await s.ledger.setUserLimit(guildId, moderatorId, target.id, null);
	await reply(text.clear(target.id, e));
};

export const reset: SubHandler = async ({ interaction, services: s, guildId, moderatorId, reply, text }) => {
	const target = targetOf(interaction.options.getUser('user', true), text);
	const e = await s.ledger.resetUser(guildId, moderatorId, target.id);
	await reply(text.reset(target.id, e));
};

export const history: SubHandler = async ({ interaction, services: s, guildId, reply, text }) => {
	const raw = interaction.options.getUser('user');
	const target = raw ? targetOf(raw, text) : null;
	const entries = await s.ledger.audit.history(guildId, target ? target.id : null, 10);
	await reply(text.history(target, entries));
};
