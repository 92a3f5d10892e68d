// Discord wiring: the client, routing from the explicit command list, and the one error boundary.
import { Client, Events, MessageFlags, Routes, type ChatInputCommandInteraction, type Interaction } from 'discord.js';
import { commands } from '../commands/index.js';
import type { Services } from './command.js';
import type { Config } from './config.js';
import { scaleOptions } from './discord-scale.js';
import type { Delivery, Reply } from './jobs.js';
import { UserError } from './messages.js';

export function createClient(config: Config): Client {
	return new Client({
		rest: { api: config.discordApiUrl },
		// Nothing the bot says may ping anyone unless a reply opts in explicitly.
		allowedMentions: { parse: [] },
		...scaleOptions(config), // no intents, no caches, shards
	});
}

/** Routes slash commands to their handlers; every interaction ends answered, whatever is thrown. */
export function attachRouter(client: Client, services: Omit<Services, 'receivedAt'>): void {
	const byName = new Map<string, (typeof commands)[number]>(commands.map((c) => [c.data.name, c]));
	client.on(Events.InteractionCreate, (interaction: Interaction) => void route(interaction));
	async function route(interaction: Interaction): Promise<void> {
		if (!interaction.isChatInputCommand()) return;
		const receivedAt = Date.now();
		const log = services.logger.child({
			interactionId: interaction.id,
			userId: interaction.user.id,
			guildId: interaction.guildId,
			command: interaction.commandName,
		});
		const command = byName.get(interaction.commandName);
		try {
			if (!command) throw new UserError("This command isn't available any more. The bot's commands may need redeploying.");
			await command.execute(interaction, { ...services, logger: log, receivedAt });
		} catch (error) {
			const user = error instanceof UserError;
			if (user) log.info({ reason: error.message }, 'command refused');
			else log.error({ err: error }, 'command failed');
			const content = user ? error.message : `Something went wrong on the bot's side. If it keeps happening, tell a moderator (ref \`${interaction.id}\`).`;
			await answer(interaction, content).catch((e: unknown) => log.error({ err: e }, 'could not tell the user about the error'));
		}
	}
}

async function answer(interaction: ChatInputCommandInteraction, content: string): Promise<void> {
	if (interaction.deferred || interaction.replied) await interaction.editReply({ content, embeds: [], files: [] });
	else await interaction.reply({ content, flags: MessageFlags.Ephemeral });
}

/** Job delivery over the interaction webhook (needs no Interaction object, so it works after a restart). */
export function createDelivery(client: Client): Delivery {
	const payload = (reply: Reply) => ({
		body: {
			content: reply.content,
			embeds: reply.embeds ?? [],
			attachments: (reply.files ?? []).map((f, i) => ({ id: String(i), filename: f.name })),
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
	};
}
