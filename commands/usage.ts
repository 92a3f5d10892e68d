import {
	ApplicationCommandType,
	ApplicationIntegrationType,
	InteractionContextType,
	MessageFlags,
	type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { Command } from '../src/command.js';
import { memberRoleIds } from '../src/budget/member-roles.js';
import { ledgerGuildId, servedOf } from '../src/images/where-served.js';
import { COLOR } from '../src/messages/format.js';
import { usageTexts } from '../src/messages/usage-texts.js';

const data = {
	name: 'usage',
	description: 'Your image budget: spent, limit, remaining and when it resets',
	type: ApplicationCommandType.ChatInput,
	contexts: [InteractionContextType.Guild, InteractionContextType.BotDM],
	integration_types: [ApplicationIntegrationType.GuildInstall],
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

export default {
	data,
	audience: 'member',
	async execute(interaction, s) {
		// Where the bot is not in the server (a user install), the member's personal scope, the same as in DMs.
		const guildId = ledgerGuildId(servedOf(interaction, s.config.userInstall));
		const st = await s.ledger.standing({ guildId, userId: interaction.user.id, roleIds: guildId ? memberRoleIds(interaction.member) : [] });
		const price = s.pricing.current();
		const text = usageTexts(interaction.locale);
		await interaction.reply({
			flags: MessageFlags.Ephemeral,
			embeds: [
				{
					title: text.title,
					color: st.remaining >= price ? 0x57f287 : COLOR.warn,
					fields: text.fields(st, price),
					footer: { text: text.footer(st.remaining, price) },
				},
			],
		});
	},
} satisfies Command<typeof data>;
