import {
	ApplicationCommandType,
	ApplicationIntegrationType,
	ButtonStyle,
	ComponentType,
	InteractionContextType,
	MessageFlags,
	Routes,
	type APIActionRowComponent,
	type APIButtonComponent,
	type APIEmbed,
	type ButtonInteraction,
	type ChatInputCommandInteraction,
	type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { Command, Services } from '../src/command.js';
import { startImage } from '../src/images/start.js';
import { HISTORY_PAGE_SIZE, type HistoryEntry } from '../src/members/history.js';
import { COLOR } from '../src/messages/format.js';
import { historyTexts } from '../src/messages/member-texts.js';
import { UserError } from '../src/messages/user-error.js';
import { buildCustomId } from '../src/records/custom-id.js';
import { isJob } from '../src/records/job.js';

const data = {
	name: 'history',
	description: 'Your recent images (only you see them)',
	type: ApplicationCommandType.ChatInput,
	contexts: [InteractionContextType.Guild, InteractionContextType.BotDM],
	integration_types: [ApplicationIntegrationType.GuildInstall],
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

/** How long to wait for Discord to say whether a message still exists before leaving its link out. */
const LINK_CHECK_MS = 1500;

/** A link to an entry's message when it was public and Discord still has it; any doubt leaves it out. */
async function linkOf(interaction: ChatInputCommandInteraction | ButtonInteraction, e: HistoryEntry): Promise<string | undefined> {
	const m = e.message;
	// Private images have no public message; a personal-scope image outside the bot's DM (a user install in a server
	// that did not add the bot, a group DM) is in a channel the bot cannot read, so asking would only fail.
	if (!m || e.job.private || (e.job.guildId === null && !e.job.canPostInChannel)) return undefined;
	try {
		await interaction.client.rest.get(Routes.channelMessage(m.channelId, m.messageId), { signal: AbortSignal.timeout(LINK_CHECK_MS) });
		return `https://discord.com/channels/${m.guildId ?? '@me'}/${m.channelId}/${m.messageId}`;
	} catch {
		return undefined;
	}
}

async function pageView(
	interaction: ChatInputCommandInteraction | ButtonInteraction,
	entries: HistoryEntry[],
	page: number,
): Promise<{ embeds: APIEmbed[]; components: APIActionRowComponent<APIButtonComponent>[] }> {
	const pages = Math.ceil(entries.length / HISTORY_PAGE_SIZE);
	const text = historyTexts(interaction.locale);
	if (entries.length === 0) return { embeds: [{ title: text.title, description: text.empty, color: COLOR.info }], components: [] };
	const shown = entries.slice(page * HISTORY_PAGE_SIZE, (page + 1) * HISTORY_PAGE_SIZE);
	const links = await Promise.all(shown.map((e) => linkOf(interaction, e)));
	const first = page * HISTORY_PAGE_SIZE + 1;
	const lines = shown.map((e, i) =>
		text.line(first + i, {
			prompt: e.job.prompt,
			style: e.job.style?.name,
			aspectRatio: e.job.aspectRatio,
			count: e.job.count ?? 1,
			createdAt: e.job.createdAt,
			cost: e.cost,
			private: e.job.private ?? false,
			link: links[i],
		}),
	);
	const button = (custom_id: string, label: string, disabled = false): APIButtonComponent => ({
		type: ComponentType.Button,
		style: ButtonStyle.Secondary,
		label,
		custom_id,
		disabled,
	});
	const again: APIActionRowComponent<APIButtonComponent> = {
		type: ComponentType.ActionRow,
		components: shown.map((e, i) => button(buildCustomId({ command: 'history', action: 'again', jobId: e.job.id }), text.again(first + i))),
	};
	const nav: APIActionRowComponent<APIButtonComponent> = {
		type: ComponentType.ActionRow,
		components: [
			// Prev on the first page points at page 0 (disabled); Next on the last, one past it (disabled): ids stay distinct.
			button(buildCustomId({ command: 'history', action: 'page', page: Math.max(0, page - 1) }), text.prev, page === 0),
			button(buildCustomId({ command: 'history', action: 'page', page: page + 1 }), text.next, page + 1 >= pages),
		],
	};
	return {
		embeds: [{ title: text.title, description: lines.join('\n\n'), color: COLOR.info, footer: { text: text.footer(page, pages, entries.length) } }],
		components: pages > 1 ? [again, nav] : [again],
	};
}

/** The clicker's own history (never the one a custom id could name). */
async function entriesOf(userId: string, s: Services): Promise<HistoryEntry[]> {
	return s.members.history.entries(userId);
}

export default {
	data,
	audience: 'member',
	async execute(interaction, s) {
		const entries = await entriesOf(interaction.user.id, s);
		await interaction.deferReply({ flags: MessageFlags.Ephemeral });
		await interaction.editReply(await pageView(interaction, entries, 0));
		s.logger.info({ entries: entries.length }, 'history shown');
	},
	buttons: {
		async page(interaction, id, s) {
			const entries = await entriesOf(interaction.user.id, s);
			const pages = Math.ceil(entries.length / HISTORY_PAGE_SIZE);
			if (id.page >= pages) throw new UserError(historyTexts(interaction.locale).pastEnd(pages));
			await interaction.deferUpdate();
			await interaction.editReply(await pageView(interaction, entries, id.page));
		},
		async again(interaction, id, s) {
			const job = await s.ledger.vault.job(id.jobId);
			// Only the clicker's own images: another member's request (and its prompt) is not theirs to repeat.
			if (!isJob(job) || job.userId !== interaction.user.id || (job.state !== 'delivered' && job.deliveredAt === undefined)) {
				throw new UserError(historyTexts(interaction.locale).stale);
			}
			await startImage(
				interaction,
				{
					prompt: job.prompt,
					aspectRatio: job.aspectRatio,
					kind: 'imagine',
					sourceJobId: job.id,
					...(job.count !== undefined ? { count: job.count } : {}),
					...(job.style ? { style: job.style } : {}),
					...(job.private ? { private: true } : {}),
				},
				s,
			);
		},
	},
} satisfies Command<typeof data>;
