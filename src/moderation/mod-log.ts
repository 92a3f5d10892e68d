// The server's log channel: every budget and blocklist change, and the 80 % / 100 % cap notes, posted
// where the moderators already talk. Posting is best effort: a failure is a warning, never a failed command.
// Posts are in the server's language: a cap note's from the job that crossed the cap (it carries guild_locale, so a fresh
// process or another of the fleet knows it); else the guild_locale the last interaction from that server carried (else English).
import type { APIEmbed } from 'discord.js';
import type { AuditEntry } from '../records/audit.js';
import type { CapNote } from '../budget/ledger-core.js';
import type { GuildSettings } from '../records/budget.js';
import type { Logger } from '../log.js';
import { modLogTexts } from '../messages/texts.js';
import { COLOR } from '../messages/format.js';

/** Posting a message in a channel by id (implemented over discord.js REST in bot.ts: no cache needed). */
export interface ChannelPoster {
	post(channelId: string, message: { content?: string; embeds?: APIEmbed[] }): Promise<void>;
}

export type ChannelCheck = { ok: true } | { ok: false; status: number | undefined; code: number | undefined };

/** Servers whose language is remembered; past it the oldest is forgotten (it comes back with their next interaction). */
const MAX_LOCALES = 10_000;

export class ModLog {
	private readonly locales = new Map<string, string>();

	constructor(
		private readonly settings: (guildId: string) => Promise<GuildSettings>,
		private readonly poster: ChannelPoster,
		private readonly logger: Logger,
	) {}

	/** Posts the first message in a would-be log channel: whether the bot can post there at all. */
	async tryChannel(channelId: string, moderatorId: string, locale?: string | null): Promise<ChannelCheck> {
		try {
			await this.poster.post(channelId, {
				embeds: [{ color: COLOR.info, description: modLogTexts(locale).hello(moderatorId) }],
			});
			return { ok: true };
		} catch (error) {
			const e = error as { status?: unknown; code?: unknown };
			return { ok: false, status: typeof e.status === 'number' ? e.status : undefined, code: typeof e.code === 'number' ? e.code : undefined };
		}
	}

	/** The server's language as Discord says it (`guild_locale`), for the posts that follow. */
	noteLocale(guildId: string, locale: string): void {
		if (this.locales.get(guildId) === locale) return;
		this.locales.delete(guildId);
		this.locales.set(guildId, locale);
		const oldest = this.locales.keys().next();
		if (this.locales.size > MAX_LOCALES && !oldest.done) this.locales.delete(oldest.value);
	}

	changed(entry: AuditEntry): void {
		const text = modLogTexts(this.locales.get(entry.guildId));
		void this.post(entry.guildId, { color: COLOR.info, title: text.changeTitle, description: text.auditLine(entry) }, { action: entry.action });
	}

	capReached(note: CapNote): void {
		const text = modLogTexts(note.guildLocale ?? this.locales.get(note.guildId));
		void this.post(
			note.guildId,
			{ color: note.threshold === 100 ? COLOR.error : COLOR.warn, title: text.capTitle(note.threshold), description: text.cap(note) },
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
