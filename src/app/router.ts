// app/: Discord and process wiring: the router and its one error boundary, lifecycle, REST adapters, shards, the HTTP server.
// Routing interactions to their command (from the explicit list the composition root passes in; custom ids
// parsed in one place) through the one error boundary: every interaction ends answered, whatever is thrown.
import {
	Events,
	type AutocompleteInteraction,
	type ButtonInteraction,
	type ChatInputCommandInteraction,
	type Client,
	type Interaction,
	type ModalSubmitInteraction,
} from 'discord.js';
import type { AnyHandler, Command, Services } from '../command.js';
import { servedOf } from '../images/where-served.js';
import { installTexts } from '../messages/install-texts.js';
import { texts } from '../messages/texts.js';
import { UserError } from '../messages/user-error.js';
import { parseCustomId } from '../records/custom-id.js';
import { BoundedSet } from '../util/bounded-set.js';
import { tellPrivately } from '../util/interaction.js';

type Routed = ChatInputCommandInteraction | ButtonInteraction | ModalSubmitInteraction;

/** Interaction ids remembered, so a repeated delivery of one interaction is answered once, by the first. */
const RECENT_IDS = 10_000;

export function attachRouter(client: Client, commands: readonly Command[], services: Omit<Services, 'receivedAt'>): void {
	const byName = new Map<string, Command>(commands.map((c) => [c.data.name, c]));
	const seen = new BoundedSet<string>(RECENT_IDS);
	client.on(Events.InteractionCreate, (interaction: Interaction) => void route(interaction));

	async function route(interaction: Interaction): Promise<void> {
		if (interaction.isAutocomplete()) return suggest(interaction);
		if (!interaction.isChatInputCommand() && !interaction.isButton() && !interaction.isModalSubmit()) return;
		const receivedAt = Date.now();
		const log = services.logger.child({
			interactionId: interaction.id,
			userId: interaction.user.id,
			guildId: interaction.guildId,
			command: interaction.isChatInputCommand() ? interaction.commandName : interaction.customId.slice(0, 100),
		});
		// The server's language, for the log channel's posts (Discord sends it with every interaction in a server).
		if (interaction.guildId && interaction.guildLocale) services.modLog.noteLocale(interaction.guildId, interaction.guildLocale);
		if (!seen.add(interaction.id)) {
			log.warn('interaction delivered again; already handled');
			return;
		}
		try {
			await dispatch(interaction, { ...services, logger: log, receivedAt });
		} catch (error) {
			const user = error instanceof UserError;
			if (user) log.info({ reason: error.message }, 'command refused');
			else log.error({ err: error }, 'command failed');
			const content = user ? error.message : texts(interaction.locale).internalError(interaction.id);
			await tellPrivately(interaction, content).catch((e: unknown) => log.error({ err: e }, 'could not tell the user about the error'));
		}
	}

	/** Autocomplete has no error message to show: on any failure the member sees no suggestions, the operator a log line. */
	async function suggest(interaction: AutocompleteInteraction): Promise<void> {
		const log = services.logger.child({
			interactionId: interaction.id,
			userId: interaction.user.id,
			guildId: interaction.guildId,
			command: interaction.commandName,
		});
		const command = byName.get(interaction.commandName);
		try {
			if (!command?.autocomplete) throw new Error(`no autocomplete for /${interaction.commandName}`);
			if (servedOf(interaction, services.config.userInstall).kind === 'refused') throw new Error('not served here');
			await command.autocomplete(interaction, { ...services, logger: log, receivedAt: Date.now() });
		} catch (error) {
			log.warn({ err: error }, 'autocomplete failed');
			if (!interaction.responded) await interaction.respond([]).catch(() => undefined);
		}
	}

	/** Before any command runs, a place the bot does not serve is refused here: nothing is submitted or charged. */
	function ensureServed(interaction: Routed, s: Services): void {
		const served = servedOf(interaction, s.config.userInstall);
		const name = interaction.isChatInputCommand() ? interaction.commandName : parseCustomId(interaction.customId)?.command;
		// Moderator commands change a server's settings: only that server's own install may serve them.
		const moderatorElsewhere = served.kind === 'personal' && byName.get(name ?? '')?.audience !== 'member';
		if (served.kind !== 'refused' && !moderatorElsewhere) return;
		const unexpected = served.kind === 'refused' && served.why === 'unexpected';
		s.logger.info({ served, context: interaction.context }, 'interaction not served here');
		throw new UserError(installTexts(interaction.locale)[unexpected ? 'unexpectedPlace' : 'addBotToServer']);
	}

	async function dispatch(interaction: Routed, s: Services): Promise<void> {
		ensureServed(interaction, s);
		const t = texts(interaction.locale);
		if (interaction.isChatInputCommand()) {
			const command = byName.get(interaction.commandName);
			if (!command) throw new UserError(t.unknownCommand);
			await command.execute(interaction, s);
			return;
		}
		// Custom ids are untrusted input: anything not parsed as ours gets a friendly answer, never a crash.
		const id = parseCustomId(interaction.customId);
		const command = id && byName.get(id.command);
		if (!id || !command) throw new UserError(t.notOurs);
		if (interaction.isButton()) {
			const handler = command.buttons?.[id.action] as AnyHandler<ButtonInteraction> | undefined;
			if (!handler) throw new UserError(t.notOurs);
			await handler(interaction, id, s);
		} else {
			const handler = command.modals?.[id.action] as AnyHandler<ModalSubmitInteraction> | undefined;
			if (!handler) throw new UserError(t.notOurs);
			await handler(interaction, id, s);
		}
	}
}
