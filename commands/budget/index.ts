// /budget: the command's definition, the guild and permission checks, and the dispatch to each subcommand's handler.
import {
	ApplicationCommandOptionType,
	ApplicationCommandType,
	ApplicationIntegrationType,
	ChannelType,
	InteractionContextType,
	MessageFlags,
	PermissionFlagsBits,
	type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { Command } from '../../src/command.js';
import { budgetTexts } from '../../src/messages/budget-texts.js';
import { COLOR } from '../../src/messages/format.js';
import { UserError } from '../../src/messages/user-error.js';
import type { BudgetContext, SubHandler } from './context.js';
import { clear, history, reset, set, show } from './members.js';
import { exportCsv, report, top } from './reports.js';
import { cap, log, pause, resume, role, setDefault, settings } from './server.js';

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

const handlers = {
	show,
	set,
	clear,
	reset,
	default: setDefault,
	cap,
	role,
	settings,
	pause,
	resume,
	log,
	export: exportCsv,
	report,
	top,
	history,
} satisfies Record<SubName, SubHandler>;

const isSubName = (name: string): name is SubName => Object.hasOwn(handlers, name);

export default {
	data,
	async execute(interaction, services) {
		const text = budgetTexts(interaction.locale);
		if (!interaction.inGuild()) throw new UserError(text.onlyInServer);
		// Server settings can widen who sees the command, so check the member's permissions too.
		if (!interaction.memberPermissions.has(PermissionFlagsBits.ManageGuild)) throw new UserError(text.needsManageServer);
		const sub = interaction.options.getSubcommand(true);
		const context: BudgetContext = {
			interaction,
			services,
			guildId: interaction.guildId,
			moderatorId: interaction.user.id,
			price: services.pricing.current(),
			locale: interaction.locale,
			text,
			reply: async (embed) => {
				await interaction.reply({ flags: MessageFlags.Ephemeral, embeds: [{ color: COLOR.info, ...embed }], allowedMentions: { parse: [] } });
			},
		};
		if (isSubName(sub)) await handlers[sub](context);
	},
} satisfies Command<typeof data>;
