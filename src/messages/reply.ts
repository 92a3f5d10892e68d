// A message the bot sends or edits outside an interaction handler (job delivery, progress, follow-ups).
import type { APIActionRowComponent, APIComponentInMessageActionRow, APIContainerComponent, APIEmbed } from 'discord.js';

export interface ReplyFile {
	name: string;
	data: Buffer;
	contentType: string;
}

/** Short text: progress, errors, refusals, notes. */
export interface TextReply {
	content: string;
	embeds?: APIEmbed[];
	files?: ReplyFile[];
	/** Buttons under the message; absent = none (progress and errors carry none). */
	components?: APIActionRowComponent<APIComponentInMessageActionRow>[];
	/** User ids that may be pinged; nobody else ever is. */
	mentionUsers?: string[];
}

/** A Components V2 message (flag IS_COMPONENTS_V2): one Container, no content or embeds. */
export interface CardReply {
	card: APIContainerComponent;
	files?: ReplyFile[];
	mentionUsers?: string[];
}

export type Reply = TextReply | CardReply;

export const isCard = (reply: Reply): reply is CardReply => 'card' in reply;
