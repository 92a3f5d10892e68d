import {
	ApplicationCommandType,
	ApplicationIntegrationType,
	InteractionContextType,
	MessageFlags,
	type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { Command } from '../src/command.js';
import { memberRoleIds } from '../src/budget/member-roles.js';
import { limitSourceText } from '../src/messages/texts.js';
import { COLOR, resetText } from '../src/messages/format.js';
import { formatUsd } from '../src/util/money.js';

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
		const fields = [
			{ name: 'Spent', value: formatUsd(st.spent), inline: true },
			{ name: 'Limit', value: `${formatUsd(st.limit)} (${limitSourceText(st.limitSource, 'member')})`, inline: true },
			{ name: 'Remaining', value: formatUsd(st.remaining), inline: true },
			{ name: 'Images this period', value: String(st.images), inline: true },
			{ name: 'Price per image', value: formatUsd(price), inline: true },
			{ name: 'Resets', value: resetText(st.period.resetsAt), inline: false },
		];
		if (st.reserved > 0) fields.splice(3, 0, { name: 'In progress', value: formatUsd(st.reserved), inline: true });
		if (st.guild)
			fields.push({ name: 'Server budget left', value: `${formatUsd(st.guild.remaining ?? 0)} of ${formatUsd(st.guild.limit ?? 0)}`, inline: true });
		if (st.corrupt) fields.push({ name: '⚠️', value: 'Your budget record could not be read; a moderator can fix it with `/budget reset`.', inline: false });
		await interaction.reply({
			flags: MessageFlags.Ephemeral,
			embeds: [
				{
					title: 'Your image budget',
					color: st.remaining >= price ? 0x57f287 : COLOR.warn,
					fields,
					footer: { text: `About ${Math.floor(st.remaining / price)} more image(s) at the current price` },
				},
			],
		});
	},
} satisfies Command<typeof data>;
