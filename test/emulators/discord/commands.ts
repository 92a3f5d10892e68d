/**
 * Application commands: GET/PUT /applications/:app/commands (global and per guild; 403 Missing Access for a guild
 * the bot is not in), stored as sent (integration_types, contexts, localization maps) once commands-validate.ts
 * finds none of the mistakes Discord rejects.
 */
import { ApplicationCommandType } from 'discord-api-types/v10';
import { type Reply, FormErrors, apiError, formError } from './replies.js';
import type { RouteContext } from './router.js';
import type { EmulatorState } from './state.js';
import { isRecord, snowflake } from './util.js';
import { validateCommand } from './commands-validate.js';

export function getCommands(state: EmulatorState, ctx: RouteContext, guildId: string | null): Reply {
	if (ctx.params.appId !== state.applicationId) return apiError(403, 50001, 'Missing Access');
	if (guildId !== null && !state.guilds.some((g) => g.id === guildId)) return apiError(403, 50001, 'Missing Access');
	return { status: 200, body: state.registeredCommands.get(guildId ?? 'global') ?? [] };
}

export function putCommands(state: EmulatorState, ctx: RouteContext, guildId: string | null): Reply {
	if (ctx.params.appId !== state.applicationId) return apiError(403, 50001, 'Missing Access');
	if (guildId !== null && !state.guilds.some((g) => g.id === guildId)) return apiError(403, 50001, 'Missing Access');
	if (!Array.isArray(ctx.json)) return formError([], 'LIST_TYPE_CONVERT', 'Only iterables may be used in a ListType');
	const errors = new FormErrors();
	const scope = guildId ?? 'global';
	const commands = ctx.json.map((command: unknown, i) => {
		const c = isRecord(command) ? command : {};
		const type = typeof c.type === 'number' ? c.type : ApplicationCommandType.ChatInput;
		validateCommand(c, type, [i], errors);
		const key = `${scope}:${type}:${String(c.name)}`;
		const id = state.commandIds.get(key) ?? snowflake();
		state.commandIds.set(key, id);
		return {
			id,
			application_id: state.applicationId,
			version: snowflake(),
			type,
			name: c.name,
			name_localizations: c.name_localizations ?? null,
			description: c.description ?? '',
			description_localizations: c.description_localizations ?? null,
			...(c.options === undefined ? {} : { options: c.options }),
			default_member_permissions: c.default_member_permissions ?? null,
			dm_permission: c.dm_permission ?? true,
			contexts: c.contexts ?? null,
			integration_types: c.integration_types ?? [0],
			nsfw: c.nsfw ?? false,
			...(guildId === null ? {} : { guild_id: guildId }),
		};
	});
	const invalid = errors.reply();
	if (invalid) return invalid;
	state.registeredCommands.set(scope, commands);
	return { status: 200, body: commands };
}
