/**
 * Application commands: GET/PUT /applications/:app/commands (global and per guild), validated the way
 * Discord rejects the mistakes a bot can make in PUT .../commands.
 */
import { ApplicationCommandType } from 'discord-api-types/v10';
import { type Reply, FormErrors, apiError, formError } from './replies.js';
import type { RouteContext } from './router.js';
import type { EmulatorState } from './state.js';
import { isRecord, snowflake } from './util.js';

export function getCommands(state: EmulatorState, ctx: RouteContext, guildId: string | null): Reply {
	if (ctx.params.appId !== state.applicationId) return apiError(403, 50001, 'Missing Access');
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

// ---------------------------------------------------------------------------------------------------------
// Command validation (the mistakes Discord rejects on PUT .../commands)
// ---------------------------------------------------------------------------------------------------------

const COMMAND_NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

function validateCommand(c: Record<string, unknown>, type: number, path: Array<string | number>, errors: FormErrors): void {
	const name = typeof c.name === 'string' ? c.name : '';
	if (!name) errors.add([...path, 'name'], 'BASE_TYPE_REQUIRED', 'This field is required');
	if (type !== ApplicationCommandType.ChatInput) return;
	if (name && (!COMMAND_NAME.test(name) || name !== name.toLowerCase())) {
		errors.add([...path, 'name'], 'APPLICATION_COMMAND_INVALID_NAME', `Command name is invalid`);
	}
	const description = typeof c.description === 'string' ? c.description : '';
	if (description.length < 1 || description.length > 100) {
		errors.add([...path, 'description'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 100 in length.');
	}
	validateOptions(c.options, [...path, 'options'], errors);
}

function validateOptions(options: unknown, path: Array<string | number>, errors: FormErrors): void {
	if (options === undefined || options === null) return;
	if (!Array.isArray(options)) {
		errors.add(path, 'LIST_TYPE_CONVERT', 'Only iterables may be used in a ListType');
		return;
	}
	if (options.length > 25) errors.add(path, 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
	let sawOptional = false;
	options.forEach((option: unknown, i) => {
		if (!isRecord(option)) return;
		const name = typeof option.name === 'string' ? option.name : '';
		if (!COMMAND_NAME.test(name) || name !== name.toLowerCase()) {
			errors.add([...path, i, 'name'], 'APPLICATION_COMMAND_INVALID_NAME', 'Option name is invalid');
		}
		const description = typeof option.description === 'string' ? option.description : '';
		if (description.length < 1 || description.length > 100) {
			errors.add([...path, i, 'description'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 100 in length.');
		}
		if (Array.isArray(option.choices) && option.choices.length > 25) {
			errors.add([...path, i, 'choices'], 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
		}
		if (option.required === true && sawOptional) {
			errors.add([...path, i, 'required'], 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID', 'Required options must be placed before non-required options');
		}
		if (option.required !== true) sawOptional = true;
		validateOptions(option.options, [...path, i, 'options'], errors);
	});
}
