// A message the bot sends or edits outside an interaction handler (job delivery, progress, follow-ups).
import type { APIActionRowComponent, APIComponentInMessageActionRow, APIEmbed } from 'discord.js';

export interface ReplyFile {
	name: string;
	data: Buffer;
	contentType: string;
}
export interface Reply {
	content: string;
	embeds?: APIEmbed[];
	files?: ReplyFile[];
	/** Buttons under the message; absent = none (progress and errors carry none). */
	components?: APIActionRowComponent<APIComponentInMessageActionRow>[];
	/** User ids that may be pinged; nobody else ever is. */
	mentionUsers?: string[];
}
