// Where each command may be installed and used (integration_types, contexts), from the USER_INSTALL switch:
// decided here at deploy time, so command files keep one definition.
import { ApplicationIntegrationType, InteractionContextType, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import type { Command } from '../command.js';

type Scopes = Pick<RESTPostAPIChatInputApplicationCommandsJSONBody, 'integration_types' | 'contexts'>;

/**
 * Member commands: with user installs on, installable to a server or an account and usable in servers, the bot's
 * DM and group DMs; off, server install only, in servers and the bot's DM. Moderator commands (and any command
 * that does not say): server install, servers only, whatever the switch.
 */
export function installScopes(command: Pick<Command, 'audience'>, userInstall: boolean): Required<Scopes> {
	if (command.audience !== 'member') return { integration_types: [ApplicationIntegrationType.GuildInstall], contexts: [InteractionContextType.Guild] };
	if (!userInstall)
		return { integration_types: [ApplicationIntegrationType.GuildInstall], contexts: [InteractionContextType.Guild, InteractionContextType.BotDM] };
	return {
		integration_types: [ApplicationIntegrationType.GuildInstall, ApplicationIntegrationType.UserInstall],
		contexts: [InteractionContextType.Guild, InteractionContextType.BotDM, InteractionContextType.PrivateChannel],
	};
}

/** A command's registration body with its install scopes for this switch. */
export function withInstallScopes(command: Pick<Command, 'audience' | 'data'>, userInstall: boolean): RESTPostAPIChatInputApplicationCommandsJSONBody {
	return { ...command.data, ...installScopes(command, userInstall) };
}
