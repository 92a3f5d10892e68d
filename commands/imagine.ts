import {
	ApplicationCommandOptionType,
	ApplicationCommandType,
	ApplicationIntegrationType,
	ComponentType,
	InteractionContextType,
	PermissionFlagsBits,
	TextInputStyle,
	type APIModalInteractionResponseCallbackData,
	type ButtonInteraction,
	type ModalSubmitInteraction,
	type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { Command, Services } from '../src/command.js';
import { REMIX_FIELDS, buildCustomId, type CustomId } from '../src/records/custom-id.js';
import { MAX_COUNT, isJob, type Job } from '../src/records/job.js';
import { REMIX_FORM } from '../src/messages/cards.js';
import { TEXT } from '../src/messages/texts.js';
import { truncate } from '../src/util/text.js';
import { UserError } from '../src/messages/user-error.js';
import { checkPrompt, startImage } from '../src/images/start.js';
import { customIdsIn, refusedHere, type Place } from '../src/images/job-place.js';

export const ASPECT_RATIOS = ['1:1', '16:9', '9:16', '4:3', '3:4'] as const;
export const PROMPT_MAX = 1500;

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
		{
			name: 'style',
			description: 'A look for the image (type to search)',
			type: ApplicationCommandOptionType.String,
			required: false,
			autocomplete: true,
			max_length: 32,
		},
		{
			name: 'count',
			description: 'How many images at once (1–4, each charged)',
			type: ApplicationCommandOptionType.Integer,
			required: false,
			min_value: 1,
			max_value: MAX_COUNT,
		},
		{ name: 'private', description: 'Only you see the image', type: ApplicationCommandOptionType.Boolean, required: false },
	],
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

/** The registered min/max hold for Discord's own clients only: a forged payload can carry any number. */
function checkCount(raw: number | null): number {
	const count = raw ?? 1;
	if (!Number.isInteger(count) || count < 1 || count > MAX_COUNT) throw new UserError(TEXT.badCount(MAX_COUNT));
	return count;
}

function checkRatio(raw: string | undefined): string {
	const ratio = raw ?? '1:1';
	if (!(ASPECT_RATIOS as readonly string[]).includes(ratio)) throw new UserError(TEXT.badRatio(ASPECT_RATIOS));
	return ratio;
}

/** Where the interaction happened, from Discord's payload (never from the custom id). */
function placeOf(interaction: ButtonInteraction | ModalSubmitInteraction): Place {
	const message = interaction.message;
	return {
		guildId: interaction.guildId,
		channelId: interaction.channelId,
		...(message ? { message: { interactionId: message.interactionMetadata?.id, customIds: customIdsIn(message.components.map((c) => c.toJSON())) } } : {}),
	};
}

/** Refuses, privately and saying nothing of the job, a button or modal used away from its job's server or message. */
function ensureHere(interaction: ButtonInteraction | ModalSubmitInteraction, jobId: string, job: Job | undefined, buttonId: string, s: Services): void {
	const why = refusedHere(jobId, job, placeOf(interaction), buttonId);
	if (why === undefined) return;
	s.logger.warn({ jobId, jobGuildId: job?.guildId, why }, 'button refused: not where its job is');
	throw new UserError(TEXT.notHere);
}

/** The job a button points at, where its buttons belong; a pruned or unreadable one gets a clear answer instead. */
async function sourceJob(interaction: ButtonInteraction | ModalSubmitInteraction, id: CustomId, s: Services, buttonId: string): Promise<Job> {
	const job = await s.ledger.vault.job(id.jobId);
	if (!isJob(job)) throw new UserError(job === undefined ? TEXT.tooOld : TEXT.unreadableJob);
	ensureHere(interaction, id.jobId, job, buttonId, s);
	return job;
}

/** Remix's form: the prompt (same 1–1500 rule as /imagine) and the ratio, both prefilled from the image. */
function remixModal(job: Job): APIModalInteractionResponseCallbackData {
	return {
		custom_id: buildCustomId({ command: 'imagine', action: 'remix-form', jobId: job.id }),
		title: REMIX_FORM.title,
		components: [
			{
				type: ComponentType.Label,
				label: REMIX_FORM.prompt,
				component: {
					type: ComponentType.TextInput,
					custom_id: REMIX_FIELDS.prompt,
					style: TextInputStyle.Paragraph,
					min_length: 1,
					max_length: PROMPT_MAX,
					required: true,
					value: truncate(job.prompt, PROMPT_MAX),
				},
			},
			{
				type: ComponentType.Label,
				label: REMIX_FORM.aspectRatio,
				component: {
					type: ComponentType.StringSelect,
					custom_id: REMIX_FIELDS.aspectRatio,
					min_values: 1,
					max_values: 1,
					options: ASPECT_RATIOS.map((r) => ({ label: r, value: r, default: r === job.aspectRatio })),
				},
			},
		],
	};
}

/** The requester, or a member allowed to manage messages in this channel, may delete an image. */
async function deleteImage(interaction: ButtonInteraction, id: CustomId, s: Services): Promise<void> {
	const job = await s.ledger.vault.job(id.jobId);
	// A pruned job can no longer say where it was, but the message it is on still can.
	ensureHere(interaction, id.jobId, isJob(job) ? job : undefined, interaction.customId, s);
	// A pruned job no longer says who asked; the message itself does (Discord's own record of the interaction).
	const requesterId = isJob(job) ? job.userId : interaction.message.interactionMetadata?.user.id;
	const moderator = interaction.memberPermissions?.has(PermissionFlagsBits.ManageMessages) ?? false;
	if (interaction.user.id !== requesterId && !moderator) throw new UserError(TEXT.onlyRequesterDeletes(requesterId));
	await interaction.deferUpdate();
	// For a component, @original is the message it is on. Deleting never refunds: the image was made and paid for.
	await interaction.deleteReply();
	s.logger.info({ jobId: id.jobId, messageId: interaction.message.id, by: requesterId === interaction.user.id ? 'requester' : 'moderator' }, 'image deleted');
}

export default {
	data,
	async execute(interaction, s) {
		const prompt = checkPrompt(interaction.options.getString('prompt', true), PROMPT_MAX);
		const aspectRatio = checkRatio(interaction.options.getString('aspect_ratio') ?? undefined);
		const count = checkCount(interaction.options.getInteger('count'));
		const isPrivate = interaction.options.getBoolean('private') ?? false;
		await startImage(interaction, { prompt, aspectRatio, kind: 'imagine', count, private: isPrivate }, s);
	},
	buttons: {
		async reroll(interaction, id, s) {
			const source = await sourceJob(interaction, id, s, interaction.customId);
			// A batch rerolls as a batch of the same size, with the same style and privacy (the clicker pays).
			const same = {
				...(source.count ? { count: source.count } : {}),
				...(source.style ? { style: source.style } : {}),
				...(source.private ? { private: true } : {}),
			};
			await startImage(interaction, { prompt: source.prompt, aspectRatio: source.aspectRatio, kind: 'reroll', sourceJobId: source.id, ...same }, s);
		},
		async remix(interaction, id, s) {
			await interaction.showModal(remixModal(await sourceJob(interaction, id, s, interaction.customId)));
		},
		delete: deleteImage,
	},
	modals: {
		async 'remix-form'(interaction, id, s) {
			let form: { prompt: string; ratio: string | undefined };
			try {
				form = {
					prompt: interaction.fields.getTextInputValue(REMIX_FIELDS.prompt),
					ratio: interaction.fields.getStringSelectValues(REMIX_FIELDS.aspectRatio)[0],
				};
			} catch {
				// Not the form this bot showed (an old layout, or forged): say so rather than fail.
				throw new UserError(TEXT.notOurs);
			}
			// The form came from the Remix button on the source job's message: the same place rules apply.
			await sourceJob(interaction, id, s, buildCustomId({ command: 'imagine', action: 'remix', jobId: id.jobId }));
			const prompt = checkPrompt(form.prompt, PROMPT_MAX);
			const aspectRatio = checkRatio(form.ratio);
			await startImage(interaction, { prompt, aspectRatio, kind: 'remix', sourceJobId: id.jobId }, s);
		},
	},
} satisfies Command<typeof data>;
