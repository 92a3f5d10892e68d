/**
 * Autocomplete answers (callback type 8, APPLICATION_COMMAND_AUTOCOMPLETE_RESULT): `data.choices` of at most 25,
 * each a name of 1-100 characters and a value of the focused option's type (a string of ≤ 100 for STRING, an
 * integer for INTEGER, a number for NUMBER). Sources: docs.discord.com interactions/receiving-and-responding
 * (Autocomplete) and interactions/application-commands (Application Command Option Choice Structure).
 */
import { type APIApplicationCommandOptionChoice, ApplicationCommandOptionType } from 'discord-api-types/v10';
import { checkList, checkString } from './components.js';
import { type Reply, FormErrors } from './replies.js';
import { isRecord } from './util.js';

const MAX_CHOICES = 25;

function checkValue(errors: FormErrors, path: Array<string | number>, value: unknown, focusedType: number): void {
	if (focusedType === ApplicationCommandOptionType.String) {
		// The docs cap string values at 100 (the spec says 6000; its README says to follow the docs).
		checkString(errors, path, value, 0, 100, true);
	} else if (typeof value !== 'number' || !Number.isFinite(value)) {
		errors.add(path, 'NUMBER_TYPE_COERCE', `Value "${String(value)}" is not ${focusedType === ApplicationCommandOptionType.Integer ? 'int' : 'a number'}.`);
	} else if (focusedType === ApplicationCommandOptionType.Integer && !Number.isSafeInteger(value)) {
		errors.add(path, 'NUMBER_TYPE_COERCE', `Value "${value}" is not int.`);
	}
}

/** The choices of a type 8 `data` for an option of `focusedType`, or Discord's 400. */
export function validateChoices(data: unknown, focusedType: number): { ok: true; choices: APIApplicationCommandOptionChoice[] } | { ok: false; reply: Reply } {
	const errors = new FormErrors();
	const body = isRecord(data) ? data : {};
	if (!isRecord(data)) errors.add(['data'], 'BASE_TYPE_REQUIRED', 'This field is required');
	const choices = checkList(errors, ['data', 'choices'], body.choices, 0, MAX_CHOICES) ?? [];
	choices.forEach((choice: unknown, i) => {
		const at = ['data', 'choices', i];
		if (!isRecord(choice)) {
			errors.add(at, 'DICT_TYPE_CONVERT', 'Only dictionaries may be used in a DictType');
			return;
		}
		checkString(errors, [...at, 'name'], choice.name, 1, 100, true);
		if (choice.value === undefined || choice.value === null) errors.add([...at, 'value'], 'BASE_TYPE_REQUIRED', 'This field is required');
		else checkValue(errors, [...at, 'value'], choice.value, focusedType);
	});
	const invalid = errors.reply();
	return invalid ? { ok: false, reply: invalid } : { ok: true, choices: choices as APIApplicationCommandOptionChoice[] };
}
