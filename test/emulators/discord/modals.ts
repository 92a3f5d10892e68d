/**
 * Modals: validation of the callback type 9 `data` (errors at ['data', ...]) and the MODAL_SUBMIT components
 * Discord sends back for what a user entered, refusing what the Discord client would not let a user submit.
 * Sources: docs.discord.com interactions/receiving-and-responding (Modal: custom_id 1-100, title ≤ 45, 1-5
 * components) and components/reference (Label, Text Input, String Select, Text Display).
 */
import { type APIModalInteractionResponseCallbackData, ComponentType, TextInputStyle } from 'discord-api-types/v10';
import { type Path, assignComponentIds, checkInt, checkList, checkString, checkStringSelect, claimCustomId, invalidType } from './components.js';
import { FormErrors, type Reply, apiError } from './replies.js';
import { isRecord } from './util.js';

type Json = Record<string, unknown>;

const TEXT_MAX = 4000;
/** Label children Discord accepts that the emulator does not model (user/role/mentionable/channel selects, file upload, radio, checkbox). */
const UNMODELLED_LABEL_CHILDREN: ReadonlySet<number> = new Set([5, 6, 7, 8, 19, 21, 22, 23]);

/**
 * A text input: custom_id 1-100, style 1 (short) or 2 (paragraph), min_length 0-4000, max_length 1-4000,
 * value ≤ 4000 and within min/max, placeholder ≤ 100. Inside a Label it must not carry its own `label`
 * (deprecated in favour of the Label's); in a legacy action row the `label` (≤ 45) is required.
 */
function checkTextInput(errors: FormErrors, path: Path, input: Json, inLabel: boolean, seen: Set<string>): void {
	claimCustomId(errors, [...path, 'custom_id'], checkString(errors, [...path, 'custom_id'], input.custom_id, 1, 100, true), seen);
	if (input.style !== TextInputStyle.Short && input.style !== TextInputStyle.Paragraph) {
		errors.add([...path, 'style'], 'BASE_TYPE_CHOICES', 'Value must be one of {1, 2}.');
	}
	if (inLabel) {
		if (input.label !== undefined && input.label !== null) {
			errors.add([...path, 'label'], 'TEXT_INPUT_LABEL_NOT_ALLOWED', 'A text input inside a label component cannot have its own label');
		}
	} else {
		checkString(errors, [...path, 'label'], input.label, 1, 45, true);
	}
	const min = checkInt(errors, [...path, 'min_length'], input.min_length, 0, TEXT_MAX);
	const max = checkInt(errors, [...path, 'max_length'], input.max_length, 1, TEXT_MAX);
	if (min !== undefined && max !== undefined && min > max) {
		errors.add([...path, 'min_length'], 'NUMBER_TYPE_MAX', `min_length value should be less than or equal to ${max}.`);
	}
	const value = checkString(errors, [...path, 'value'], input.value, 0, TEXT_MAX, false);
	if (value && (value.length < (min ?? 0) || value.length > (max ?? TEXT_MAX))) {
		errors.add([...path, 'value'], 'BASE_TYPE_BAD_LENGTH', `Must be between ${min ?? 0} and ${max ?? TEXT_MAX} in length.`);
	}
	checkString(errors, [...path, 'placeholder'], input.placeholder, 0, 100, false);
	if (input.required !== undefined && typeof input.required !== 'boolean') {
		errors.add([...path, 'required'], 'BOOLEAN_TYPE_CONVERT', 'Must be either true or false.');
	}
}

/** Validates callback type 9 `data`; returns it with component ids assigned, or Discord's 400. */
export function validateModal(data: unknown): { ok: true; modal: APIModalInteractionResponseCallbackData } | { ok: false; reply: Reply } {
	const errors = new FormErrors();
	if (!isRecord(data)) {
		errors.add(['data'], 'DICT_TYPE_CONVERT', 'Only dictionaries may be used in a DictType');
		return { ok: false, reply: errors.reply()! };
	}
	checkString(errors, ['data', 'custom_id'], data.custom_id, 1, 100, true);
	checkString(errors, ['data', 'title'], data.title, 1, 45, true);
	const components = checkList(errors, ['data', 'components'], data.components, 1, 5) ?? [];
	const seen = new Set<string>();
	for (const [i, component] of components.entries()) {
		const path = ['data', 'components', i];
		if (!isRecord(component)) {
			errors.add(path, 'DICT_TYPE_CONVERT', 'Only dictionaries may be used in a DictType');
			continue;
		}
		if (component.type === ComponentType.Label) {
			checkString(errors, [...path, 'label'], component.label, 1, 45, true);
			checkString(errors, [...path, 'description'], component.description, 0, 100, false);
			const child = component.component;
			if (!isRecord(child)) errors.add([...path, 'component'], 'BASE_TYPE_REQUIRED', 'This field is required');
			else if (child.type === ComponentType.TextInput) checkTextInput(errors, [...path, 'component'], child, true, seen);
			else if (child.type === ComponentType.StringSelect) checkStringSelect(errors, [...path, 'component'], child, true, seen);
			else if (typeof child.type === 'number' && UNMODELLED_LABEL_CHILDREN.has(child.type)) {
				// Discord accepts these; failing loudly beats pretending to model them.
				return { ok: false, reply: apiError(400, 0, `discord emulator: component type ${child.type} in a modal Label is not modelled`) };
			} else invalidType(errors, [...path, 'component']);
		} else if (component.type === ComponentType.ActionRow) {
			// Deprecated but accepted: one text input, with its own label, per row.
			const row = checkList(errors, [...path, 'components'], component.components, 1, 1) ?? [];
			const [input] = row;
			if (isRecord(input) && input.type === ComponentType.TextInput) checkTextInput(errors, [...path, 'components', 0], input, false, seen);
			else if (row.length > 0) invalidType(errors, [...path, 'components', 0]);
		} else if (component.type === ComponentType.TextDisplay) {
			checkString(errors, [...path, 'content'], component.content, 1, TEXT_MAX, true);
		} else {
			invalidType(errors, path);
		}
	}
	const invalid = errors.reply();
	if (invalid) return { ok: false, reply: invalid };
	const modal = { ...data, components: assignComponentIds(components.filter(isRecord)) };
	return { ok: true, modal: modal as unknown as APIModalInteractionResponseCallbackData };
}

/** Thrown for a submission the Discord client would not send. */
function refuse(modal: APIModalInteractionResponseCallbackData, why: string): never {
	throw new Error(`discord emulator: cannot submit modal '${modal.custom_id}': ${why}`);
}

function submittedText(modal: APIModalInteractionResponseCallbackData, input: Json, given: string | string[] | undefined): string {
	const customId = String(input.custom_id);
	if (Array.isArray(given)) refuse(modal, `text input '${customId}' takes a string, not a list`);
	const value = given ?? (typeof input.value === 'string' ? input.value : '');
	const min = typeof input.min_length === 'number' ? input.min_length : 0;
	const max = typeof input.max_length === 'number' ? input.max_length : TEXT_MAX;
	if (value === '') {
		if (input.required !== false) refuse(modal, `text input '${customId}' is required`);
		return value;
	}
	if (value.length < min || value.length > max) refuse(modal, `text input '${customId}' takes ${min}-${max} characters, got ${value.length}`);
	if (input.style === TextInputStyle.Short && /[\r\n]/.test(value)) refuse(modal, `text input '${customId}' is a single-line (short) input`);
	return value;
}

function submittedSelect(modal: APIModalInteractionResponseCallbackData, select: Json, given: string | string[] | undefined): string[] {
	const customId = String(select.custom_id);
	const options = Array.isArray(select.options) ? select.options.filter(isRecord) : [];
	const values = given === undefined ? options.filter((o) => o.default === true).map((o) => String(o.value)) : typeof given === 'string' ? [given] : given;
	const offered = new Set(options.map((o) => String(o.value)));
	for (const value of values) {
		if (!offered.has(value)) refuse(modal, `'${value}' is not an option of select '${customId}'`);
	}
	if (new Set(values).size !== values.length) refuse(modal, `select '${customId}' got a value twice`);
	if (values.length === 0 && select.required === false) return values;
	const min = typeof select.min_values === 'number' ? select.min_values : 1;
	const max = typeof select.max_values === 'number' ? select.max_values : 1;
	if (values.length < Math.max(min, 1) || values.length > max)
		refuse(modal, `select '${customId}' takes ${Math.max(min, 1)}-${max} values, got ${values.length}`);
	return values;
}

/** data.components of the MODAL_SUBMIT for `values`, mirroring the modal's layout (Label, legacy row, text display). */
export function modalSubmission(modal: APIModalInteractionResponseCallbackData, values: Record<string, string | string[]>): Json[] {
	const known = new Set<string>();
	const field = (c: Json): Json => {
		const customId = String(c.custom_id);
		known.add(customId);
		if (c.type === ComponentType.TextInput) return { type: c.type, id: c.id, custom_id: customId, value: submittedText(modal, c, values[customId]) };
		return { type: c.type, id: c.id, custom_id: customId, values: submittedSelect(modal, c, values[customId]) };
	};
	const components = (modal.components as unknown[]).filter(isRecord).map((c): Json => {
		if (c.type === ComponentType.Label && isRecord(c.component)) return { type: c.type, id: c.id, component: field(c.component) };
		if (c.type === ComponentType.ActionRow && Array.isArray(c.components)) {
			return { type: c.type, id: c.id, components: c.components.filter(isRecord).map(field) };
		}
		return { type: c.type, id: c.id };
	});
	for (const key of Object.keys(values)) {
		if (!known.has(key)) refuse(modal, `it has no component with custom_id '${key}' (has: ${[...known].join(', ') || 'none'})`);
	}
	return components;
}
