import {
	ApplicationCommandOptionType,
	ApplicationCommandType,
	ApplicationIntegrationType,
	InteractionContextType,
	MessageFlags,
	type ChatInputCommandInteraction,
	type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { Command } from '../src/command.js';
import { COLOR } from '../src/messages/format.js';
import { settingsTexts } from '../src/messages/member-texts.js';
import { UserError } from '../src/messages/user-error.js';
import { ASPECT_RATIOS, MAX_COUNT } from '../src/records/job.js';
import { memberSettingsSchema, type MemberDefaults } from '../src/records/member.js';

/** `style: none` clears the default style alone. */
const NO_STYLE = 'none';

const data = {
	name: 'settings',
	description: 'Your /imagine defaults (the same in every server)',
	type: ApplicationCommandType.ChatInput,
	contexts: [InteractionContextType.Guild, InteractionContextType.BotDM],
	integration_types: [ApplicationIntegrationType.GuildInstall],
	options: [
		{
			name: 'aspect_ratio',
			description: 'Default shape',
			type: ApplicationCommandOptionType.String,
			required: false,
			choices: ASPECT_RATIOS.map((r) => ({ name: r, value: r })),
		},
		{ name: 'style', description: 'Default style by name ("none" clears it)', type: ApplicationCommandOptionType.String, required: false, max_length: 32 },
		{
			name: 'count',
			description: 'Default number of images (1–4)',
			type: ApplicationCommandOptionType.Integer,
			required: false,
			min_value: 1,
			max_value: MAX_COUNT,
		},
		{ name: 'private', description: 'Only you see your images by default', type: ApplicationCommandOptionType.Boolean, required: false },
		{ name: 'reset', description: 'Clear every default', type: ApplicationCommandOptionType.Boolean, required: false },
	],
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

/** The changes asked for, checked like stored settings are (a forged payload can carry anything). */
function changesOf(interaction: ChatInputCommandInteraction): { changes: MemberDefaults; clearStyle: boolean } {
	const o = interaction.options;
	const text = settingsTexts(interaction.locale);
	const style = o.getString('style')?.trim();
	const clearStyle = style?.toLowerCase() === NO_STYLE;
	const raw = {
		v: 1,
		aspectRatio: o.getString('aspect_ratio') ?? undefined,
		style: clearStyle ? undefined : style,
		count: o.getInteger('count') ?? undefined,
		private: o.getBoolean('private') ?? undefined,
	};
	const parsed = memberSettingsSchema.safeParse(raw);
	if (!parsed.success) {
		const field = parsed.error.issues[0]?.path[0];
		throw new UserError(field === 'count' ? text.badCount(MAX_COUNT) : field === 'aspectRatio' ? text.badRatio(ASPECT_RATIOS) : text.badStyle);
	}
	const { v: _v, ...changes } = parsed.data;
	for (const k of Object.keys(changes) as Array<keyof MemberDefaults>) if (changes[k] === undefined) delete changes[k];
	return { changes, clearStyle };
}

export default {
	data,
	audience: 'member',
	async execute(interaction, s) {
		const userId = interaction.user.id;
		const text = settingsTexts(interaction.locale);
		const reset = interaction.options.getBoolean('reset') ?? false;
		const { changes, clearStyle } = changesOf(interaction);
		const changing = Object.keys(changes).length > 0 || clearStyle;
		if (reset && changing) throw new UserError(text.resetWithOthers);
		let note: string | undefined;
		let defaults: MemberDefaults;
		let corrupt = false;
		if (reset) {
			await s.members.settings.reset(userId);
			defaults = {};
			note = text.cleared;
		} else if (changing) {
			defaults = await s.members.settings.update(userId, changes, clearStyle ? ['style'] : []);
			note = text.saved;
		} else {
			({ defaults, corrupt } = await s.members.settings.get(userId));
			if (corrupt) note = text.corrupt;
		}
		s.logger.info({ reset, changed: Object.keys(changes), clearStyle, corrupt }, 'member settings');
		await interaction.reply({
			flags: MessageFlags.Ephemeral,
			...(note ? { content: note } : {}),
			embeds: [
				{
					title: text.title,
					description: text.description,
					color: corrupt ? COLOR.warn : COLOR.info,
					fields: text.fields(defaults),
				},
			],
		});
	},
} satisfies Command<typeof data>;
