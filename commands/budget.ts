import {
	ApplicationCommandOptionType,
	ApplicationCommandType,
	ApplicationIntegrationType,
	InteractionContextType,
	MessageFlags,
	PermissionFlagsBits,
	type APIEmbed,
	type RESTPostAPIChatInputApplicationCommandsJSONBody,
	type User,
} from 'discord.js';
import type { Command } from '../src/command.js';
import type { AuditEntry } from '../src/audit.js';
import { COLOR, UserError, discordTime, resetText } from '../src/messages.js';
import { formatUsd, parseUsd } from '../src/money.js';

export const MAX_AMOUNT_MICROS = 10_000 * 1_000_000;
const OFF = /^(off|none|remove)$/i;

const user = { name: 'user', description: 'The member', type: ApplicationCommandOptionType.User, required: true } as const;
const amount = (description: string) => ({ name: 'amount', description, type: ApplicationCommandOptionType.String, required: true, max_length: 12 }) as const;

const data = {
	name: 'budget',
	description: "Manage members' image budgets",
	type: ApplicationCommandType.ChatInput,
	default_member_permissions: String(PermissionFlagsBits.ManageGuild),
	contexts: [InteractionContextType.Guild],
	integration_types: [ApplicationIntegrationType.GuildInstall],
	options: [
		{ name: 'show', description: "A member's spend, limit and remaining budget", type: ApplicationCommandOptionType.Subcommand, options: [user] },
		{
			name: 'set',
			description: "Override a member's limit per period",
			type: ApplicationCommandOptionType.Subcommand,
			options: [user, amount('Dollars per period, e.g. 5 or 2.50')],
		},
		{ name: 'clear', description: "Remove a member's override", type: ApplicationCommandOptionType.Subcommand, options: [user] },
		{ name: 'reset', description: "Zero a member's spend for this period", type: ApplicationCommandOptionType.Subcommand, options: [user] },
		{
			name: 'default',
			description: 'Default limit per member in this server',
			type: ApplicationCommandOptionType.Subcommand,
			options: [amount("Dollars per period, or 'off' for the bot's default")],
		},
		{
			name: 'cap',
			description: 'Total the whole server may spend per period',
			type: ApplicationCommandOptionType.Subcommand,
			options: [amount("Dollars per period, or 'off' for no cap")],
		},
		{ name: 'top', description: 'Top spenders this period', type: ApplicationCommandOptionType.Subcommand },
		{
			name: 'history',
			description: "Recent changes: a member's budget, or without a member the server's settings and blocklist",
			type: ApplicationCommandOptionType.Subcommand,
			options: [{ ...user, description: 'The member (leave out for server-wide changes)', required: false }],
		},
	],
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

type Sub = (typeof data.options)[number]['name'];
const SOURCE = { override: 'override', guild: 'server default', default: 'bot default' } as const;

function parseAmount(raw: string, allowOff: boolean): number | null {
	if (allowOff && OFF.test(raw.trim())) return null;
	const micros = parseUsd(raw, 2);
	if (micros === undefined || micros > MAX_AMOUNT_MICROS) {
		throw new UserError(
			`"${raw}" is not a valid amount: use dollars from 0 to 10,000 with at most 2 decimals (e.g. 5 or 2.50)${allowOff ? ", or 'off'" : ''}.`,
		);
	}
	return micros;
}

function targetOf(raw: User): User {
	if (raw.bot) throw new UserError('Bots do not have image budgets.');
	return raw;
}

function describe(e: AuditEntry): string {
	const what =
		e.action === 'blocklist-add'
			? `blocked "${e.new ?? ''}"`
			: e.action === 'blocklist-remove'
				? `unblocked "${e.old ?? ''}"`
				: `${e.old ?? '—'} → ${e.new ?? '—'}`;
	return `${discordTime(e.at)} <@${e.moderatorId}> **${e.action}**: ${what}`;
}

export default {
	data,
	async execute(interaction, s) {
		if (!interaction.inGuild()) throw new UserError('`/budget` works only in a server.');
		// Server settings can widen who sees the command, so check the member's permissions too.
		if (!interaction.memberPermissions.has(PermissionFlagsBits.ManageGuild)) {
			throw new UserError('You need the Manage Server permission to manage budgets.');
		}
		const guildId = interaction.guildId;
		const moderatorId = interaction.user.id;
		const sub = interaction.options.getSubcommand(true) as Sub;
		const price = s.pricing.current();
		const reply = async (embed: APIEmbed) => {
			await interaction.reply({ flags: MessageFlags.Ephemeral, embeds: [{ color: COLOR.info, ...embed }], allowedMentions: { parse: [] } });
		};

		switch (sub) {
			case 'show': {
				const target = targetOf(interaction.options.getUser('user', true));
				const st = await s.ledger.standing({ guildId, userId: target.id });
				await reply({
					title: `Budget of ${target.username}`,
					description: `<@${target.id}>`,
					fields: [
						{ name: 'Spent', value: formatUsd(st.spent), inline: true },
						{ name: 'In progress', value: formatUsd(st.reserved), inline: true },
						{ name: 'Limit', value: `${formatUsd(st.limit)} (${SOURCE[st.limitSource]})`, inline: true },
						{ name: 'Remaining', value: formatUsd(st.remaining), inline: true },
						{ name: 'Images', value: String(st.images), inline: true },
						{ name: 'Price per image', value: formatUsd(price), inline: true },
						{ name: 'Resets', value: resetText(st.period.resetsAt), inline: false },
						...(st.guild ? [{ name: 'Server cap', value: `${formatUsd(st.guild.spent)} spent of ${formatUsd(st.guild.limit ?? 0)}`, inline: false }] : []),
						...(st.corrupt ? [{ name: '⚠️ Unreadable record', value: 'Use `/budget reset` to repair it.', inline: false }] : []),
					],
				});
				return;
			}
			case 'set': {
				const target = targetOf(interaction.options.getUser('user', true));
				const limit = parseAmount(interaction.options.getString('amount', true), false) ?? 0;
				const e = await s.ledger.setUserLimit(guildId, moderatorId, target.id, limit);
				await reply({ title: 'Limit set', description: `<@${target.id}> may now spend ${formatUsd(limit)} per period (was ${e.old ?? 'not overridden'}).` });
				return;
			}
			case 'clear': {
				const target = targetOf(interaction.options.getUser('user', true));
				const e = await s.ledger.setUserLimit(guildId, moderatorId, target.id, null);
				await reply({ title: 'Override removed', description: `<@${target.id}> is back on the server or bot default (override was ${e.old ?? 'not set'}).` });
				return;
			}
			case 'reset': {
				const target = targetOf(interaction.options.getUser('user', true));
				const e = await s.ledger.resetUser(guildId, moderatorId, target.id);
				await reply({ title: 'Spend reset', description: `<@${target.id}>'s spend this period is now $0.00 (${e.old}).` });
				return;
			}
			case 'default':
			case 'cap': {
				const value = parseAmount(interaction.options.getString('amount', true), true);
				const e = sub === 'default' ? await s.ledger.setGuildDefault(guildId, moderatorId, value) : await s.ledger.setGuildCap(guildId, moderatorId, value);
				await reply({ title: sub === 'default' ? 'Server default updated' : 'Server cap updated', description: `${e.old} → **${e.new}** per period.` });
				return;
			}
			case 'top': {
				const rows = await s.ledger.top(guildId, 10);
				await reply({
					title: 'Top spenders this period',
					description: rows.length
						? rows.map((r, i) => `${i + 1}. <@${r.userId}> ${formatUsd(r.spent)} (${r.images} image${r.images === 1 ? '' : 's'})`).join('\n')
						: 'Nobody has spent anything this period.',
				});
				return;
			}
			case 'history': {
				const raw = interaction.options.getUser('user');
				const target = raw ? targetOf(raw) : null;
				const entries = await s.ledger.history(guildId, target ? target.id : null, 10);
				await reply({
					title: target ? `Budget changes for ${target.username}` : 'Server-wide changes',
					description: entries.length ? entries.map(describe).join('\n') : 'No changes recorded.',
				});
				return;
			}
		}
	},
} satisfies Command<typeof data>;
