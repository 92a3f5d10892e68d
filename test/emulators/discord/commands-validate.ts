/**
 * Command validation: the mistakes Discord rejects on PUT .../commands (docs: interactions/application-commands,
 * Application Command Object; reference, Locales): names, descriptions, their localizations, options,
 * sub-commands, choices, integration_types and contexts. Errors go into Discord's 50035 tree.
 */
import { ApplicationCommandOptionType, ApplicationCommandType, Locale } from 'discord-api-types/v10';
import type { FormErrors } from './replies.js';
import { isRecord } from './util.js';

type Path = Array<string | number>;

/** CHAT_INPUT names and option names (docs: Application Command Naming). */
const COMMAND_NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;
/** Discord's locale codes (docs: reference, Locales). */
const LOCALES: ReadonlySet<string> = new Set(Object.values(Locale));
/** APPLICATION_INTEGRATION_TYPES and INTERACTION_CONTEXT_TYPES. */
const INTEGRATION_TYPES: ReadonlySet<unknown> = new Set([0, 1]);
const CONTEXTS: ReadonlySet<unknown> = new Set([0, 1, 2]);
const SUBCOMMAND_TYPES: ReadonlySet<unknown> = new Set([ApplicationCommandOptionType.Subcommand, ApplicationCommandOptionType.SubcommandGroup]);

/** "Must be lowercase": letters that have a lowercase form must use it (docs: Application Command Naming). */
function validName(name: string): boolean {
	return COMMAND_NAME.test(name) && name === name.toLowerCase();
}

function checkName(name: unknown, path: Path, errors: FormErrors, what: string): void {
	if (typeof name !== 'string' || name.length === 0) errors.add(path, 'BASE_TYPE_REQUIRED', 'This field is required');
	else if (name.length > 32) errors.add(path, 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 32 in length.');
	else if (!validName(name)) errors.add(path, 'APPLICATION_COMMAND_INVALID_NAME', `${what} name is invalid`);
}

function checkLength(value: unknown, max: number, path: Path, errors: FormErrors): void {
	if (typeof value !== 'string' || value.length < 1 || value.length > max) errors.add(path, 'BASE_TYPE_BAD_LENGTH', `Must be between 1 and ${max} in length.`);
}

/** A localization map: keys are Discord locales; values obey `check`. null clears it. */
function checkLocalizations(map: unknown, path: Path, errors: FormErrors, check: (value: unknown, at: Path) => void): void {
	if (map === undefined || map === null) return;
	if (!isRecord(map)) {
		errors.add(path, 'DICT_TYPE_CONVERT', 'Only dictionaries may be used in a DictType');
		return;
	}
	for (const [key, value] of Object.entries(map)) {
		if (!LOCALES.has(key)) errors.add([...path, key], 'ENUM_TYPE_COERCE', `Value "${key}" is not a valid enum value.`);
		else check(value, [...path, key]);
	}
}

function checkEnumList(list: unknown, allowed: ReadonlySet<unknown>, path: Path, errors: FormErrors): void {
	if (list === undefined || list === null) return;
	if (!Array.isArray(list)) {
		errors.add(path, 'LIST_TYPE_CONVERT', 'Only iterables may be used in a ListType');
		return;
	}
	list.forEach((value: unknown, i) => {
		if (!allowed.has(value)) errors.add([...path, i], 'ENUM_TYPE_COERCE', `Value "${String(value)}" is not a valid enum value.`);
	});
}

export function validateCommand(c: Record<string, unknown>, type: number, path: Path, errors: FormErrors): void {
	checkEnumList(c.integration_types, INTEGRATION_TYPES, [...path, 'integration_types'], errors);
	checkEnumList(c.contexts, CONTEXTS, [...path, 'contexts'], errors);
	if (type !== ApplicationCommandType.ChatInput) {
		// USER and MESSAGE commands: 1–32 characters, any case and spaces.
		if (typeof c.name !== 'string' || c.name.length < 1 || c.name.length > 32)
			errors.add([...path, 'name'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 32 in length.');
		return;
	}
	checkName(c.name, [...path, 'name'], errors, 'Command');
	checkLocalizations(c.name_localizations, [...path, 'name_localizations'], errors, (v, at) => checkName(v, at, errors, 'Command'));
	checkLength(c.description, 100, [...path, 'description'], errors);
	checkLocalizations(c.description_localizations, [...path, 'description_localizations'], errors, (v, at) => checkLength(v, 100, at, errors));
	validateOptions(c.options, [...path, 'options'], errors, 0);
}

/** depth 0: a command's options; 1: a group's or sub-command's; 2: a grouped sub-command's. */
function validateOptions(options: unknown, path: Path, errors: FormErrors, depth: number): void {
	if (options === undefined || options === null) return;
	if (!Array.isArray(options)) {
		errors.add(path, 'LIST_TYPE_CONVERT', 'Only iterables may be used in a ListType');
		return;
	}
	if (options.length > 25) errors.add(path, 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
	let sawOptional = false;
	options.forEach((option: unknown, i) => {
		if (!isRecord(option)) return;
		const at = [...path, i];
		checkName(option.name, [...at, 'name'], errors, 'Option');
		checkLocalizations(option.name_localizations, [...at, 'name_localizations'], errors, (v, p) => checkName(v, p, errors, 'Option'));
		checkLength(option.description, 100, [...at, 'description'], errors);
		checkLocalizations(option.description_localizations, [...at, 'description_localizations'], errors, (v, p) => checkLength(v, 100, p, errors));
		validateChoices(option.choices, [...at, 'choices'], errors);
		if (option.required === true && sawOptional) {
			errors.add([...at, 'required'], 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID', 'Required options must be placed before non-required options');
		}
		if (option.required !== true) sawOptional = true;
		// Sub-commands nest at most two levels: command → group → sub-command (docs: Subcommands and Subcommand Groups).
		const nests = SUBCOMMAND_TYPES.has(option.type);
		if (option.type === ApplicationCommandOptionType.SubcommandGroup && depth > 0) {
			errors.add([...at, 'type'], 'APPLICATION_COMMAND_OPTION_TYPE_INVALID', 'Sub-command groups can only be top-level options');
		}
		if (nests) validateOptions(option.options, [...at, 'options'], errors, depth + 1);
	});
}

/** Choices: at most 25; names 1–100 (localized too); string values 1–100. */
function validateChoices(choices: unknown, path: Path, errors: FormErrors): void {
	if (choices === undefined || choices === null) return;
	if (!Array.isArray(choices)) {
		errors.add(path, 'LIST_TYPE_CONVERT', 'Only iterables may be used in a ListType');
		return;
	}
	if (choices.length > 25) errors.add(path, 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
	choices.forEach((choice: unknown, i) => {
		if (!isRecord(choice)) return;
		checkLength(choice.name, 100, [...path, i, 'name'], errors);
		checkLocalizations(choice.name_localizations, [...path, i, 'name_localizations'], errors, (v, p) => checkLength(v, 100, p, errors));
		if (typeof choice.value === 'string') checkLength(choice.value, 100, [...path, i, 'value'], errors);
	});
}
