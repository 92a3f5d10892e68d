// Discord wiring: the client, routing from the explicit command list, and the one error boundary.
import {
	Client,
	Events,
	MessageFlags,
	Routes,
	type ButtonInteraction,
	type ChatInputCommandInteraction,
	type Interaction,
	type ModalSubmitInteraction,
} from 'discord.js';
import { commands } from '../../commands/index.js';
import type { Command, Services } from '../command.js';
import type { Config } from '../config.js';
import { parseCustomId } from '../records/custom-id.js';
import { scaleOptions } from './discord-scale.js';
import type { Delivery, Reply } from '../images/delivery.js';
import { TEXT, UserError } from '../messages/texts.js';
import type { ChannelPoster } from '../moderation/mod-log.js';

export function createClient(config: Config): Client {
	return new Client({
		rest: { api: config.discordApiUrl },
		// Nothing the bot says may ping anyone unless a reply opts in explicitly.
		allowedMentions: { parse: [] },
		...scaleOptions(config), // no intents, no caches, shards
	});
}

/** Interaction ids seen recently: a repeated delivery of one interaction is answered once, by the first. */
class RecentIds {
	private readonly ids = new Set<string>();
	constructor(private readonly max: number) {}

	/** True the first time an id is offered. */
	fresh(id: string): boolean {
		if (this.ids.has(id)) return false;
		this.ids.add(id);
		// Sets iterate in insertion order: drop the oldest.
		if (this.ids.size > this.max) this.ids.delete(this.ids.values().next().value as string);
		return true;
	}
}

type Routed = ChatInputCommandInteraction | ButtonInteraction | ModalSubmitInteraction;

/**
 * Routes slash commands, buttons and modals to their command (from the explicit list; custom ids parsed in
 * one place) through one error boundary: every interaction ends answered, whatever is thrown.
 */
export function attachRouter(client: Client, services: Omit<Services, 'receivedAt'>): void {
	const byName = new Map<string, Command>(commands.map((c) => [c.data.name, c]));
	const seen = new RecentIds(10_000);
	client.on(Events.InteractionCreate, (interaction: Interaction) => void route(interaction));

	async function route(interaction: Interaction): Promise<void> {
		if (!interaction.isChatInputCommand() && !interaction.isButton() && !interaction.isModalSubmit()) return;
		const receivedAt = Date.now();
		const log = services.logger.child({
			interactionId: interaction.id,
			userId: interaction.user.id,
			guildId: interaction.guildId,
			command: interaction.isChatInputCommand() ? interaction.commandName : interaction.customId.slice(0, 100),
		});
		if (!seen.fresh(interaction.id)) {
			log.warn('interaction delivered again; already handled');
			return;
		}
		try {
			await dispatch(interaction, { ...services, logger: log, receivedAt });
		} catch (error) {
			const user = error instanceof UserError;
			if (user) log.info({ reason: error.message }, 'command refused');
			else log.error({ err: error }, 'command failed');
			const content = user ? error.message : `Something went wrong on the bot's side. If it keeps happening, tell a moderator (ref \`${interaction.id}\`).`;
			await answer(interaction, content).catch((e: unknown) => log.error({ err: e }, 'could not tell the user about the error'));
		}
	}

	async function dispatch(interaction: Routed, s: Services): Promise<void> {
		if (interaction.isChatInputCommand()) {
			const command = byName.get(interaction.commandName);
			if (!command) throw new UserError("This command isn't available any more. The bot's commands may need redeploying.");
			await command.execute(interaction, s);
			return;
		}
		// Custom ids are untrusted input: anything not parsed as ours gets a friendly answer, never a crash.
		const id = parseCustomId(interaction.customId);
		const command = id && byName.get(id.command);
		if (!id || !command) throw new UserError(TEXT.notOurs);
		if (interaction.isButton()) {
			const handler = command.buttons?.[id.action];
			if (!handler) throw new UserError(TEXT.notOurs);
			await handler(interaction, id, s);
		} else {
			const handler = command.modals?.[id.action];
			if (!handler) throw new UserError(TEXT.notOurs);
			await handler(interaction, id, s);
		}
	}
}

/** Tells only the member. Once acknowledged, a private follow-up: editing would overwrite a public message. */
async function answer(interaction: Routed, content: string): Promise<void> {
	if (interaction.deferred || interaction.replied) await interaction.followUp({ content, flags: MessageFlags.Ephemeral });
	else await interaction.reply({ content, flags: MessageFlags.Ephemeral });
}

/** Job delivery over the interaction webhook (needs no Interaction object, so it works after a restart). */
export function createDelivery(client: Client): Delivery {
	const payload = (reply: Reply) => ({
		body: {
			content: reply.content,
			embeds: reply.embeds ?? [],
			attachments: (reply.files ?? []).map((f, i) => ({ id: String(i), filename: f.name })),
			components: reply.components ?? [],
			allowed_mentions: { parse: [], users: reply.mentionUsers ?? [] },
		},
		files: (reply.files ?? []).map((f) => ({ name: f.name, data: f.data, contentType: f.contentType })),
	});
	return {
		async editOriginal(job, reply) {
			await client.rest.patch(Routes.webhookMessage(job.applicationId, job.token, '@original'), { ...payload(reply), auth: false });
		},
		async postInChannel(job, reply) {
			await client.rest.post(Routes.channelMessages(job.channelId), payload(reply));
		},
		async followUp(job, reply, { ephemeral }) {
			const { body, files } = payload(reply);
			await client.rest.post(Routes.webhook(job.applicationId, job.token), {
				body: { ...body, flags: ephemeral ? MessageFlags.Ephemeral : 0 },
				files,
				auth: false,
			});
		},
	};
}

/** Posting in a channel by id over REST: the log channel needs no cache and no gateway event. */
export function createChannelPoster(client: Client): ChannelPoster {
	return {
		async post(channelId, message) {
			await client.rest.post(Routes.channelMessages(channelId), { body: { ...message, allowed_mentions: { parse: [] } } });
		},
	};
}
