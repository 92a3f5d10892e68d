import {
	ApplicationCommandOptionType,
	ApplicationCommandType,
	ApplicationIntegrationType,
	AttachmentBuilder,
	ChannelType,
	InteractionContextType,
	MessageFlags,
	PermissionFlagsBits,
	type APIEmbed,
	type RESTPostAPIChatInputApplicationCommandsJSONBody,
	type User,
} from 'discord.js';
import { exportPeriod } from '../src/reports/export.js';
import { reportPng } from '../src/reports/report.js';
import type { Command } from '../src/command.js';
import { memberRoleIds } from '../src/budget/member-roles.js';
import { COLOR, UserError, auditLine, limitSourceText, resetText } from '../src/messages/texts.js';
import { formatUsd, parseUsd } from '../src/util/money.js';

export const MAX_AMOUNT_MICROS = 10_000 * 1_000_000;
const OFF = /^(off|none|remove)$/i;
const Sub = ApplicationCommandOptionType.Subcommand;

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
		{ name: 'show', description: "A member's spend, limit and remaining budget", type: Sub, options: [user] },
		{ name: 'set', description: "Override a member's limit per period", type: Sub, options: [user, amount('Dollars per period, e.g. 5 or 2.50')] },
		{ name: 'clear', description: "Remove a member's override", type: Sub, options: [user] },
		{ name: 'reset', description: "Zero a member's spend for this period", type: Sub, options: [user] },
		{
			name: 'default',
			description: 'Default limit per member in this server',
			type: Sub,
			options: [amount("Dollars per period, or 'off' for the bot's default")],
		},
		{ name: 'cap', description: 'Total the whole server may spend per period', type: Sub, options: [amount("Dollars per period, or 'off' for no cap")] },
		{
			name: 'role',
			description: 'Limit per period for members with a role (the highest of their roles applies)',
			type: Sub,
			options: [
				{ name: 'role', description: 'The role', type: ApplicationCommandOptionType.Role, required: true },
				amount("Dollars per period (0 = no images), or 'off' to remove"),
			],
		},
		{ name: 'settings', description: "This server's budget settings at a glance", type: Sub },
		{ name: 'pause', description: 'Stop every new image in this server now (running ones finish)', type: Sub },
		{ name: 'resume', description: 'Allow new images again', type: Sub },
		{
			name: 'log',
			description: 'Post budget changes and cap notes in a channel (leave empty to stop)',
			type: Sub,
			options: [
				{
					name: 'channel',
					description: 'The channel (leave empty to stop posting)',
					type: ApplicationCommandOptionType.Channel,
					required: false,
					channel_types: [ChannelType.GuildText, ChannelType.GuildAnnouncement],
				},
			],
		},
		{
			name: 'export',
			description: "The period's charges and changes as CSV files",
			type: Sub,
			options: [
				{
					name: 'period',
					description: 'Which period (default: current)',
					type: ApplicationCommandOptionType.String,
					required: false,
					choices: [
						{ name: 'current', value: 'current' },
						{ name: 'previous', value: 'previous' },
					],
				},
			],
		},
		{ name: 'report', description: "A chart of this period's spend per day and the top spenders", type: Sub },
		{ name: 'top', description: 'Top spenders this period', type: Sub },
		{
			name: 'history',
			description: "Recent changes: a member's budget, or without a member the server's settings and blocklist",
			type: Sub,
			options: [{ ...user, description: 'The member (leave out for server-wide changes)', required: false }],
		},
	],
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

type SubName = (typeof data.options)[number]['name'];

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
		const sub = interaction.options.getSubcommand(true) as SubName;
		const price = s.pricing.current();
		const reply = async (embed: APIEmbed) => {
			await interaction.reply({ flags: MessageFlags.Ephemeral, embeds: [{ color: COLOR.info, ...embed }], allowedMentions: { parse: [] } });
		};

		switch (sub) {
			case 'show': {
				const target = targetOf(interaction.options.getUser('user', true));
				const roleIds = memberRoleIds(interaction.options.getMember('user'));
				const st = await s.ledger.standing({ guildId, userId: target.id, roleIds });
				await reply({
					title: `Budget of ${target.username}`,
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
				await reply({
					title: 'Override removed',
					description: `<@${target.id}> is back on their role, server or bot limit (override was ${e.old ?? 'not set'}).`,
				});
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
			case 'role': {
				const role = interaction.options.getRole('role', true);
				const value = parseAmount(interaction.options.getString('amount', true), true);
				const e = await s.ledger.setRoleLimit(guildId, moderatorId, role.id, value);
				await reply({
					title: value === null ? 'Role limit removed' : 'Role limit set',
					description: `<@&${role.id}>: ${e.old} → **${e.new}** per period. A member's highest role limit applies, unless they have an override.`,
				});
				return;
			}
			case 'settings': {
				const [settings, terms] = await Promise.all([s.ledger.settings(guildId), s.blocklist.terms(guildId)]);
				const roles = Object.entries(settings.roleLimits ?? {}).sort(([, a], [, b]) => b - a);
				const source = s.pricing.describe().source;
				await reply({
					title: 'Budget settings for this server',
					fields: [
						{
							name: 'Default per member',
							value: settings.defaultLimit === undefined ? `${formatUsd(s.ledger.defaultLimit)} (bot default)` : formatUsd(settings.defaultLimit),
							inline: true,
						},
						{ name: 'Server cap', value: settings.cap === undefined ? 'none' : formatUsd(settings.cap), inline: true },
						{
							name: 'Price per image',
							value: `${formatUsd(price)} (${source === 'config' ? 'set by the operator' : source === 'live' ? "hiapi's price" : source === 'last-known' ? "hiapi's last known price" : 'fallback'})`,
							inline: true,
						},
						{
							name: 'Role limits',
							value: roles.length
								? roles
										.map(([id, limit]) => `<@&${id}> ${formatUsd(limit)}`)
										.join('\n')
										.slice(0, 1024)
								: 'none',
							inline: false,
						},
						{ name: 'Image making', value: settings.paused ? '⏸️ paused' : '▶️ running', inline: true },
						{ name: 'Log channel', value: settings.logChannelId ? `<#${settings.logChannelId}>` : 'off', inline: true },
						{ name: 'Blocklist', value: `${terms.length} term${terms.length === 1 ? '' : 's'}`, inline: true },
						{ name: 'Period', value: `resets ${resetText(s.ledger.currentPeriod().resetsAt)}`, inline: false },
					],
				});
				return;
			}
			case 'pause':
			case 'resume': {
				const e = await s.ledger.setPaused(guildId, moderatorId, sub === 'pause');
				await reply({
					title: sub === 'pause' ? '⏸️ Image making paused' : '▶️ Image making resumed',
					description:
						sub === 'pause'
							? `No new images in this server until \`/budget resume\`. Images already in progress finish. (${e.old} → ${e.new})`
							: `Members can make images again. (${e.old} → ${e.new})`,
				});
				return;
			}
			case 'log': {
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
				return;
			}
			case 'export': {
				await interaction.deferReply({ flags: MessageFlags.Ephemeral });
				const which = interaction.options.getString('period') === 'previous' ? 'previous' : 'current';
				const maxBytes = interaction.attachmentSizeLimit || 10 * 1024 * 1024;
				const done = await exportPeriod(s.ledger, guildId, which, maxBytes);
				try {
					if (!done.result.ok) {
						await interaction.editReply(
							`The ${which} period's export is too large to attach (${(done.result.bytes / 1_048_576).toFixed(1)} MiB even compressed).`,
						);
						return;
					}
					const { files, charges, auditEntries, gzipped } = done.result;
					await interaction.editReply({
						content: `Charges (${charges}) and changes (${auditEntries}) for the ${which} period (${done.period.key}, UTC)${gzipped ? ', compressed to fit' : ''}.`,
						files: files.map((f) => new AttachmentBuilder(f.path, { name: f.name })),
					});
				} finally {
					await done.cleanup();
				}
				return;
			}
			case 'report': {
				await interaction.deferReply({ flags: MessageFlags.Ephemeral });
				const png = await reportPng(s.ledger, guildId, interaction.guild?.name, s.logger);
				await interaction.editReply({ files: [new AttachmentBuilder(png, { name: 'budget-report.png' })] });
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
					description: entries.length ? entries.map(auditLine).join('\n') : 'No changes recorded.',
				});
				return;
			}
		}
	},
} satisfies Command<typeof data>;
