import {
	ApplicationCommandOptionType,
	ApplicationCommandType,
	ApplicationIntegrationType,
	InteractionContextType,
	MessageFlags,
	PermissionFlagsBits,
	type ChatInputCommandInteraction,
	type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { Command, Services } from '../src/command.js';
import { COLOR } from '../src/messages/format.js';
import { styleTexts } from '../src/messages/style-texts.js';
import { UserError } from '../src/messages/user-error.js';
import { BUILT_IN_STYLES } from '../src/styles/built-in.js';
import { styleChoices } from '../src/styles/choices.js';
import { findStyle, suggest } from '../src/styles/resolve.js';
import { MAX_SERVER_STYLES, NAME_MAX, TEMPLATE_MAX } from '../src/styles/rules.js';

const name = {
	name: 'name',
	description: 'The style name',
	type: ApplicationCommandOptionType.String,
	required: true,
	min_length: 1,
	max_length: NAME_MAX,
} as const;

const data = {
	name: 'style',
	description: 'Prompt styles for /imagine',
	type: ApplicationCommandType.ChatInput,
	contexts: [InteractionContextType.Guild, InteractionContextType.BotDM],
	integration_types: [ApplicationIntegrationType.GuildInstall],
	options: [
		{
			name: 'add',
			description: 'Add a style to this server (Manage Server)',
			type: ApplicationCommandOptionType.Subcommand,
			options: [
				name,
				{
					name: 'template',
					description: 'The prompt, with {prompt} where the member’s words go',
					type: ApplicationCommandOptionType.String,
					required: true,
					min_length: 1,
					max_length: TEMPLATE_MAX,
				},
			],
		},
		{
			name: 'remove',
			description: 'Remove one of this server’s styles (Manage Server)',
			type: ApplicationCommandOptionType.Subcommand,
			options: [{ ...name, autocomplete: true }],
		},
		{
			name: 'list',
			description: 'The styles you can use, or one in full',
			type: ApplicationCommandOptionType.Subcommand,
			options: [{ ...name, required: false, autocomplete: true, description: 'Show this style’s whole template' }],
		},
	],
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

type Sub = (typeof data.options)[number]['name'];

/** Only a member with Manage Server changes the server's styles: checked here, whatever the server's settings show. */
function moderatorGuild(interaction: ChatInputCommandInteraction): string {
	const text = styleTexts(interaction.locale);
	if (!interaction.inGuild()) throw new UserError(text.onlyInServer);
	if (!interaction.memberPermissions.has(PermissionFlagsBits.ManageGuild)) throw new UserError(text.needsManageServer);
	return interaction.guildId;
}

async function list(interaction: ChatInputCommandInteraction, s: Services): Promise<{ title: string; description: string }> {
	const server = interaction.guildId ? await s.styles.list(interaction.guildId) : [];
	const wanted = interaction.options.getString('name');
	const text = styleTexts(interaction.locale);
	const title = text.listTitle(server.length, MAX_SERVER_STYLES);
	if (wanted === null)
		return {
			title,
			description: text.list(
				BUILT_IN_STYLES.map((b) => ({ ...b, builtIn: b.id })),
				server,
			),
		};
	const found = findStyle(wanted, server);
	if (!found) throw new UserError(text.unknown(wanted, !interaction.guildId));
	const builtIn = BUILT_IN_STYLES.find((b) => b.name === found.name);
	return { title, description: text.one({ ...found, ...(builtIn ? { builtIn: builtIn.id } : {}) }) };
}

export default {
	data,
	async execute(interaction, s) {
		const reply = (title: string, description: string) =>
			interaction.reply({ flags: MessageFlags.Ephemeral, embeds: [{ color: COLOR.info, title, description }], allowedMentions: { parse: [] } });
		const sub = interaction.options.getSubcommand(true) as Sub;
		const text = styleTexts(interaction.locale);
		switch (sub) {
			case 'add': {
				const guildId = moderatorGuild(interaction);
				const result = await s.styles.add(
					guildId,
					interaction.user.id,
					interaction.options.getString('name', true),
					interaction.options.getString('template', true),
					interaction.locale,
				);
				if (!result.ok) throw new UserError(result.why);
				await reply(text.addedTitle, text.added(result.style.name, result.count, MAX_SERVER_STYLES));
				return;
			}
			case 'remove': {
				const guildId = moderatorGuild(interaction);
				const result = await s.styles.remove(guildId, interaction.user.id, interaction.options.getString('name', true), interaction.locale);
				if (!result.ok) throw new UserError(result.why);
				await reply(text.removedTitle, text.removed(result.style.name, result.count));
				return;
			}
			case 'list': {
				const { title, description } = await list(interaction, s);
				await reply(title, description);
				return;
			}
		}
	},
	/** `remove` suggests the server's styles; `list name:` every style. */
	async autocomplete(interaction, s) {
		const typed = interaction.options.getFocused();
		const server = interaction.guildId ? await s.styles.list(interaction.guildId) : [];
		await interaction.respond(styleChoices(suggest(typed, server, interaction.options.getSubcommand() === 'list'), interaction.locale));
	},
} satisfies Command<typeof data>;
