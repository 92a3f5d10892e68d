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
import { ASPECT_RATIOS, MAX_COUNT, isJob, type Job, type StyleSnapshot } from '../src/records/job.js';
import { remixForm } from '../src/messages/cards.js';
import { texts } from '../src/messages/texts.js';
import { truncate } from '../src/util/text.js';
import { UserError } from '../src/messages/user-error.js';
import { checkPrompt, startImage } from '../src/images/start.js';
import { withDefaults } from '../src/members/settings.js';
import { customIdsIn, refusedHere, type Place } from '../src/images/job-place.js';
import { styleTexts } from '../src/messages/style-texts.js';
import { REMIX_STYLE_FIELD, remixStyleChosen, remixStyleOptions, styleChoices } from '../src/styles/choices.js';
import { findStyle, styledPrompt, suggestWithin } from '../src/styles/resolve.js';
import { FINAL_PROMPT_MAX } from '../src/styles/rules.js';
import { servedOf } from '../src/images/where-served.js';

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
function checkCount(raw: number | null, locale: string): number {
	const count = raw ?? 1;
	if (!Number.isInteger(count) || count < 1 || count > MAX_COUNT) throw new UserError(texts(locale).badCount(MAX_COUNT));
	return count;
}

function checkRatio(raw: string | undefined, locale: string): string {
	const ratio = raw ?? '1:1';
	if (!(ASPECT_RATIOS as readonly string[]).includes(ratio)) throw new UserError(texts(locale).badRatio(ASPECT_RATIOS));
	return ratio;
}

/** Autocomplete waits at most this long for the server's styles (Discord allows 3 s for the answer). */
const SUGGEST_DEADLINE_MS = 1_000;

/** The server's styles (none in a DM: only the built-ins work there). */
const serverStyles = (guildId: string | null, s: Services) => (guildId ? s.styles.list(guildId) : Promise.resolve([]));

/** The style a member named (built in, or this server's), refused clearly when there is none by that name. */
async function chosenStyle(raw: string | null, guildId: string | null, s: Services, fromDefaults = false, locale?: string): Promise<StyleSnapshot | undefined> {
	if (raw === null || !raw.trim()) return undefined;
	const style = findStyle(raw, await serverStyles(guildId, s));
	// A default from /settings may name another server's style: then no style, rather than a refusal.
	if (!style && fromDefaults) return undefined;
	if (!style) throw new UserError(styleTexts(locale).unknown(raw, !guildId));
	return style;
}

/** The styled prompt must fit what hiapi is sent. */
function checkStyled(prompt: string, style: StyleSnapshot | undefined, locale?: string): void {
	const styled = styledPrompt(prompt, style);
	if (!styled.ok) throw new UserError(styleTexts(locale).tooLong(styled.length, FINAL_PROMPT_MAX));
}

/** Where the interaction happened, from Discord's payload (never from the custom id). */
function placeOf(interaction: ButtonInteraction | ModalSubmitInteraction): Place {
	const message = interaction.message;
	return {
		guildId: interaction.guildId,
		channelId: interaction.channelId,
		personal: servedOf(interaction, true).kind !== 'server',
		...(message ? { message: { interactionId: message.interactionMetadata?.id, customIds: customIdsIn(message.components.map((c) => c.toJSON())) } } : {}),
	};
}

/** Refuses, privately and saying nothing of the job, a button or modal used away from its job's server or message. */
function ensureHere(interaction: ButtonInteraction | ModalSubmitInteraction, jobId: string, job: Job | undefined, buttonId: string, s: Services): void {
	const why = refusedHere(jobId, job, placeOf(interaction), buttonId);
	if (why === undefined) return;
	s.logger.warn({ jobId, jobGuildId: job?.guildId, why }, 'button refused: not where its job is');
	throw new UserError(texts(interaction.locale).notHere);
}

/** The job a button points at, where its buttons belong; a pruned or unreadable one gets a clear answer instead. */
async function sourceJob(interaction: ButtonInteraction | ModalSubmitInteraction, id: CustomId, s: Services, buttonId: string): Promise<Job> {
	const job = await s.ledger.vault.job(id.jobId);
	if (!isJob(job)) throw new UserError(job === undefined ? texts(interaction.locale).tooOld : texts(interaction.locale).unreadableJob);
	ensureHere(interaction, id.jobId, job, buttonId, s);
	return job;
}

/** Remix's form: the prompt (same 1–1500 rule as /imagine), the ratio and the style, all prefilled from the image. */
function remixModal(job: Job, server: readonly StyleSnapshot[], locale: string): APIModalInteractionResponseCallbackData {
	const form = remixForm(locale);
	return {
		custom_id: buildCustomId({ command: 'imagine', action: 'remix-form', jobId: job.id }),
		title: form.title,
		components: [
			{
				type: ComponentType.Label,
				label: form.prompt,
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
				label: form.aspectRatio,
				component: {
					type: ComponentType.StringSelect,
					custom_id: REMIX_FIELDS.aspectRatio,
					min_values: 1,
					max_values: 1,
					options: ASPECT_RATIOS.map((r) => ({ label: r, value: r, default: r === job.aspectRatio })),
				},
			},
			{
				type: ComponentType.Label,
				label: styleTexts(locale).remixLabel,
				component: {
					type: ComponentType.StringSelect,
					custom_id: REMIX_STYLE_FIELD,
					min_values: 1,
					max_values: 1,
					options: remixStyleOptions(job.style, server, locale),
				},
			},
		],
	};
}

/** The Remix form's style, or undefined on a form shown before it had one. */
function remixStyleValue(interaction: ModalSubmitInteraction): string | undefined {
	try {
		return interaction.fields.getStringSelectValues(REMIX_STYLE_FIELD)[0];
	} catch {
		return undefined;
	}
}

/** The requester, or a member allowed to manage messages in this channel, may delete an image. */
async function deleteImage(interaction: ButtonInteraction, id: CustomId, s: Services): Promise<void> {
	const job = await s.ledger.vault.job(id.jobId);
	// A pruned job can no longer say where it was, but the message it is on still can.
	ensureHere(interaction, id.jobId, isJob(job) ? job : undefined, interaction.customId, s);
	// A pruned job no longer says who asked; the message itself does (Discord's own record of the interaction).
	const requesterId = isJob(job) ? job.userId : interaction.message.interactionMetadata?.user.id;
	// Only a server that added the bot has moderators the bot answers to; elsewhere (a user install) the requester alone.
	const inServer = servedOf(interaction, true).kind === 'server';
	const moderator = inServer && (interaction.memberPermissions?.has(PermissionFlagsBits.ManageMessages) ?? false);
	if (interaction.user.id !== requesterId && !moderator) throw new UserError(texts(interaction.locale).onlyRequesterDeletes(requesterId));
	await interaction.deferUpdate();
	// For a component, @original is the message it is on. Deleting never refunds: the image was made and paid for.
	await interaction.deleteReply();
	s.logger.info({ jobId: id.jobId, messageId: interaction.message.id, by: requesterId === interaction.user.id ? 'requester' : 'moderator' }, 'image deleted');
}

export default {
	data,
	audience: 'member',
	async execute(interaction, s) {
		const prompt = checkPrompt(interaction.options.getString('prompt', true), PROMPT_MAX, interaction.locale);
		const o = interaction.options;
		// Options left out take the member's /settings defaults (a default style missing here is just not used).
		const given = {
			aspectRatio: o.getString('aspect_ratio') ?? undefined,
			style: o.getString('style') ?? undefined,
			count: o.getInteger('count') ?? undefined,
			private: o.getBoolean('private') ?? undefined,
		};
		const merged = withDefaults(given, await s.members.settings.defaultsFor(interaction.user.id));
		const aspectRatio = checkRatio(merged.aspectRatio, interaction.locale);
		const count = checkCount(merged.count ?? null, interaction.locale);
		const isPrivate = merged.private ?? false;
		const style = await chosenStyle(merged.style ?? null, interaction.guildId, s, merged.styleFromDefaults, interaction.locale);
		checkStyled(prompt, style, interaction.locale);
		await startImage(interaction, { prompt, aspectRatio, kind: 'imagine', count, private: isPrivate, ...(style ? { style } : {}) }, s);
	},
	/** Built-in and server styles matching what the member typed in `style:`. */
	async autocomplete(interaction, s) {
		const focused = interaction.options.getFocused(true);
		if (focused.name !== 'style') return interaction.respond([]);
		const found = await suggestWithin(focused.value, () => serverStyles(interaction.guildId, s), SUGGEST_DEADLINE_MS);
		await interaction.respond(styleChoices(found, interaction.locale));
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
			const job = await sourceJob(interaction, id, s, interaction.customId);
			await interaction.showModal(remixModal(job, await serverStyles(job.guildId, s), interaction.locale));
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
				throw new UserError(texts(interaction.locale).notOurs);
			}
			// The form came from the Remix button on the source job's message: the same place rules apply.
			const source = await sourceJob(interaction, id, s, buildCustomId({ command: 'imagine', action: 'remix', jobId: id.jobId }));
			const prompt = checkPrompt(form.prompt, PROMPT_MAX, interaction.locale);
			const aspectRatio = checkRatio(form.ratio, interaction.locale);
			const chosen = remixStyleChosen(remixStyleValue(interaction), source.style, await serverStyles(interaction.guildId, s));
			if (!chosen.ok) throw new UserError(styleTexts(interaction.locale).unknown(chosen.name, !interaction.guildId));
			checkStyled(prompt, chosen.style, interaction.locale);
			await startImage(
				interaction,
				{ prompt, aspectRatio, kind: 'remix', sourceJobId: id.jobId, private: source.private ?? false, ...(chosen.style ? { style: chosen.style } : {}) },
				s,
			);
		},
	},
} satisfies Command<typeof data>;
