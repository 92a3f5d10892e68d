import {
	ApplicationCommandType,
	ApplicationIntegrationType,
	InteractionContextType,
	MessageFlags,
	type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { Command } from '../src/command.js';
import { memberRoleIds } from '../src/budget/member-roles.js';
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
	async execute(interaction, s) {
		const st = await s.ledger.standing({ guildId: interaction.guildId, userId: interaction.user.id, roleIds: memberRoleIds(interaction.member) });
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
