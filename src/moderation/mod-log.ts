// The server's log channel: every budget and blocklist change, and the 80 % / 100 % cap notes, posted
// where the moderators already talk. Posting is best effort: a failure is a warning, never a failed command.
import type { APIEmbed } from 'discord.js';
import type { AuditEntry } from '../records/audit.js';
import type { CapNote } from '../budget/ledger-core.js';
import type { GuildSettings } from '../records/budget.js';
import type { Logger } from '../log.js';
import { auditLine, MOD_LOG_TEXT } from '../messages/texts.js';
import { COLOR } from '../messages/format.js';

/** Posting a message in a channel by id (implemented over discord.js REST in bot.ts: no cache needed). */
export interface ChannelPoster {
	post(channelId: string, message: { content?: string; embeds?: APIEmbed[] }): Promise<void>;
}

export type ChannelCheck = { ok: true } | { ok: false; status: number | undefined; code: number | undefined };

export class ModLog {
	constructor(
		private readonly settings: (guildId: string) => Promise<GuildSettings>,
		private readonly poster: ChannelPoster,
		private readonly logger: Logger,
	) {}

	/** Posts the first message in a would-be log channel: whether the bot can post there at all. */
	async tryChannel(channelId: string, moderatorId: string): Promise<ChannelCheck> {
		try {
			await this.poster.post(channelId, {
				embeds: [{ color: COLOR.info, description: MOD_LOG_TEXT.hello(moderatorId) }],
			});
			return { ok: true };
		} catch (error) {
			const e = error as { status?: unknown; code?: unknown };
			return { ok: false, status: typeof e.status === 'number' ? e.status : undefined, code: typeof e.code === 'number' ? e.code : undefined };
		}
	}

	changed(entry: AuditEntry): void {
		void this.post(entry.guildId, { color: COLOR.info, title: MOD_LOG_TEXT.changeTitle, description: auditLine(entry) }, { action: entry.action });
	}

	capReached(note: CapNote): void {
		void this.post(
			note.guildId,
			{ color: note.threshold === 100 ? COLOR.error : COLOR.warn, title: MOD_LOG_TEXT.capTitle(note.threshold), description: MOD_LOG_TEXT.cap(note) },
			{ threshold: note.threshold },
		);
	}

	private async post(guildId: string, embed: APIEmbed, context: Record<string, unknown>): Promise<void> {
		let channelId: string | undefined;
		try {
			channelId = (await this.settings(guildId)).logChannelId;
			if (!channelId) return;
			await this.poster.post(channelId, { embeds: [embed] });
		} catch (error) {
			this.logger.warn({ err: error, guildId, channelId, ...context }, 'could not post in the log channel');
		}
	}
}
