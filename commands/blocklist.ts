import {
	ApplicationCommandOptionType,
	ApplicationCommandType,
	ApplicationIntegrationType,
	InteractionContextType,
	MessageFlags,
	PermissionFlagsBits,
	type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import { MAX_TERMS, MAX_TERM_LENGTH, type BlocklistRefusal } from '../src/moderation/blocklist.js';
import type { Command } from '../src/command.js';
import { truncate } from '../src/util/text.js';
import { UserError } from '../src/messages/user-error.js';
import { COLOR } from '../src/messages/format.js';
import { blocklistTexts } from '../src/messages/texts.js';

const term = { name: 'term', description: 'A word or phrase', type: ApplicationCommandOptionType.String, required: true, max_length: MAX_TERM_LENGTH } as const;

const data = {
	name: 'blocklist',
	description: 'Terms the bot refuses in prompts in this server',
	type: ApplicationCommandType.ChatInput,
	default_member_permissions: String(PermissionFlagsBits.ManageGuild),
	contexts: [InteractionContextType.Guild],
	integration_types: [ApplicationIntegrationType.GuildInstall],
	options: [
		{ name: 'add', description: 'Refuse prompts containing this word or phrase', type: ApplicationCommandOptionType.Subcommand, options: [term] },
		{ name: 'remove', description: 'Allow this word or phrase again', type: ApplicationCommandOptionType.Subcommand, options: [term] },
		{ name: 'list', description: 'The blocked terms', type: ApplicationCommandOptionType.Subcommand },
	],
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

type Sub = (typeof data.options)[number]['name'];

/** A refused change, worded in the moderator's language (the term as they typed it). */
function refusal(why: BlocklistRefusal, term: string, text: ReturnType<typeof blocklistTexts>): string {
	switch (why) {
		case 'badLength':
			return text.badLength(MAX_TERM_LENGTH);
		case 'neverMatches':
			return text.neverMatches;
		case 'already':
			return text.already(term);
		case 'full':
			return text.full(MAX_TERMS);
		case 'notListed':
			return text.notListed(term);
	}
}

export default {
	data,
	async execute(interaction, s) {
		const text = blocklistTexts(interaction.locale);
		if (!interaction.inGuild()) throw new UserError(text.onlyInServer);
		// Server settings can widen who sees the command, so check the member's permissions too.
		if (!interaction.memberPermissions.has(PermissionFlagsBits.ManageGuild)) throw new UserError(text.needsManageServer);
		const guildId = interaction.guildId;
		const reply = (title: string, description: string) =>
			interaction.reply({ flags: MessageFlags.Ephemeral, embeds: [{ color: COLOR.info, title, description }], allowedMentions: { parse: [] } });
		const sub = interaction.options.getSubcommand(true) as Sub;
		switch (sub) {
			case 'add': {
				const raw = interaction.options.getString('term', true);
				const result = await s.blocklist.add(guildId, interaction.user.id, raw);
				if (!result.ok) throw new UserError(refusal(result.why, raw.trim(), text));
				await reply(text.addedTitle, text.added(raw.trim(), result.count, MAX_TERMS));
				return;
			}
			case 'remove': {
				const raw = interaction.options.getString('term', true);
				const result = await s.blocklist.remove(guildId, interaction.user.id, raw);
				if (!result.ok) throw new UserError(refusal(result.why, raw.trim(), text));
				await reply(text.removedTitle, text.removed(raw.trim(), result.count));
				return;
			}
			case 'list': {
				const terms = await s.blocklist.terms(guildId);
				await reply(text.listTitle(terms.length, MAX_TERMS), truncate(text.list(terms), 4096));
				return;
			}
		}
	},
} satisfies Command<typeof data>;
