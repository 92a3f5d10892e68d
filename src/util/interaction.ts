// Answers and limits every interaction handler needs the same way.
import { MessageFlags, type ButtonInteraction, type ChatInputCommandInteraction, type ModalSubmitInteraction } from 'discord.js';

type Answerable = ChatInputCommandInteraction | ButtonInteraction | ModalSubmitInteraction;

/** Discord's attachment limit when an interaction does not say (it always should). */
const DEFAULT_ATTACHMENT_LIMIT = 10 * 1024 * 1024;

/** The largest file the bot may attach in answer to this interaction (it depends on the server's boosts). */
export function attachmentLimit(interaction: Pick<Answerable, 'attachmentSizeLimit'>): number {
	return interaction.attachmentSizeLimit || DEFAULT_ATTACHMENT_LIMIT;
}

/** Tells only the member. Once acknowledged, a private follow-up: editing would overwrite a public message. */
export async function tellPrivately(interaction: Answerable, content: string): Promise<void> {
	if (interaction.deferred || interaction.replied) await interaction.followUp({ content, flags: MessageFlags.Ephemeral });
	else await interaction.reply({ content, flags: MessageFlags.Ephemeral });
}
