import { setTimeout as sleep } from 'node:timers/promises';
import {
	ApplicationCommandOptionType,
	ApplicationCommandType,
	ApplicationIntegrationType,
	InteractionContextType,
	MessageFlags,
	PermissionFlagsBits,
	type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { Command } from '../src/command.js';
import { UserError, refusalMessage } from '../src/messages.js';

export const ASPECT_RATIOS = ['1:1', '16:9', '9:16', '4:3', '3:4'] as const;
export const PROMPT_MAX = 1500;
/** Acknowledge by this long after the interaction arrived, whatever the store is doing. */
const ACK_SAFETY_MS = 1500;

const data = {
	name: 'imagine',
	description: 'Make an image with FLUX 1.1 Pro',
	type: ApplicationCommandType.ChatInput,
	contexts: [InteractionContextType.Guild, InteractionContextType.BotDM],
	integration_types: [ApplicationIntegrationType.GuildInstall],
	options: [
		{ name: 'prompt', description: 'What to draw', type: ApplicationCommandOptionType.String, required: true, min_length: 1, max_length: PROMPT_MAX },
		{
			name: 'aspect_ratio',
			description: 'Shape of the image (default 1:1)',
			type: ApplicationCommandOptionType.String,
			required: false,
			choices: ASPECT_RATIOS.map((r) => ({ name: r, value: r })),
		},
	],
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

export default {
	data,
	async execute(interaction, s) {
		const prompt = interaction.options.getString('prompt', true).trim();
		if (prompt.length === 0) throw new UserError('Your prompt is empty. Describe the image you want.');
		if (prompt.length > PROMPT_MAX) throw new UserError(`Your prompt is too long (${prompt.length} characters; the limit is ${PROMPT_MAX}).`);
		const aspectRatio = interaction.options.getString('aspect_ratio') ?? '1:1';
		if (!(ASPECT_RATIOS as readonly string[]).includes(aspectRatio)) throw new UserError(`Aspect ratio must be one of ${ASPECT_RATIOS.join(', ')}.`);
		if (!s.jobs.isAccepting) throw new UserError('The bot is restarting. Try again in a few seconds.');

		const release = s.jobs.claimSlot(interaction.user.id);
		if (!release)
			throw new UserError(`You already have ${s.config.maxJobsPerUser} image${s.config.maxJobsPerUser === 1 ? '' : 's'} in progress. Wait for one to finish.`);
		let deferred = false;
		try {
			const price = s.pricing.current();
			const creating = s.jobs.create({
				id: interaction.id,
				token: interaction.token,
				applicationId: interaction.applicationId,
				userId: interaction.user.id,
				guildId: interaction.guildId,
				channelId: interaction.channelId,
				prompt,
				aspectRatio,
				price,
				attachmentSizeLimit: interaction.attachmentSizeLimit || 10 * 1024 * 1024,
				canPostInChannel: interaction.appPermissions.has([PermissionFlagsBits.ViewChannel, PermissionFlagsBits.SendMessages, PermissionFlagsBits.AttachFiles]),
			});
			// Discord drops interactions not answered within 3 s: if the store is slow, acknowledge first.
			const timer = new AbortController();
			const slow = await Promise.race([
				creating.then(() => false),
				sleep(Math.max(0, ACK_SAFETY_MS - (Date.now() - s.receivedAt)), true, { signal: timer.signal }).catch(() => false),
			]);
			timer.abort();
			if (slow) {
				await interaction.deferReply();
				deferred = true;
				s.logger.warn({ waitedMs: Date.now() - s.receivedAt }, 'store slow: acknowledged before the reservation finished');
			}
			const created = await creating;
			if (!created.ok || !created.job) {
				release();
				const content = refusalMessage(created.ok ? 'corrupt' : created.reason, created.standing, price);
				if (deferred) await interaction.editReply({ content });
				else await interaction.reply({ content, flags: MessageFlags.Ephemeral });
				s.metrics.firstReply.observe((Date.now() - s.receivedAt) / 1000);
				s.logger.info({ reason: created.ok ? 'corrupt' : created.reason, remaining: created.standing.remaining, price }, 'imagine refused: budget');
				return;
			}
			const job = created.job;
			if (!deferred) {
				try {
					await interaction.deferReply();
				} catch (error) {
					await s.jobs.abandon(job, 'could not acknowledge the interaction');
					throw error;
				}
			}
			s.metrics.firstReply.observe((Date.now() - s.receivedAt) / 1000);
			s.logger.info({ jobId: job.id, price, aspectRatio, promptLength: prompt.length, ackMs: Date.now() - s.receivedAt }, 'imagine accepted');
			s.jobs.start(job, release);
		} catch (error) {
			release();
			throw error;
		}
	},
} satisfies Command<typeof data>;
