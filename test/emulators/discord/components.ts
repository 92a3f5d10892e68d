/**
 * Legacy (non-v2) message components as Discord validates them: up to 5 action rows, each with up to 5
 * buttons or one select; button styles decide custom_id/url; custom ids unique within the message. Also the
 * field checks modals and Components V2 (components-v2.ts) share, and the component ids Discord assigns.
 * Sources: docs.discord.com components/reference (Action Row, Button, String Select, Anatomy of a Component,
 * Legacy Message Component Behavior).
 */
import { ButtonStyle, ComponentType } from 'discord-api-types/v10';
import type { FormErrors } from './replies.js';
import { isRecord } from './util.js';

export type Path = Array<string | number>;
type Json = Record<string, unknown>;

const MAX_ACTION_ROWS = 5;
const MAX_BUTTONS_PER_ROW = 5;
const SELECT_TYPES: ReadonlySet<number> = new Set([
	ComponentType.StringSelect,
	ComponentType.UserSelect,
	ComponentType.RoleSelect,
	ComponentType.MentionableSelect,
	ComponentType.ChannelSelect,
]);

/** A string field: BASE_TYPE_REQUIRED when required and missing, BASE_TYPE_BAD_LENGTH / MAX_LENGTH outside min..max. */
export function checkString(errors: FormErrors, path: Path, value: unknown, min: number, max: number, required: boolean): string | undefined {
	if (value === undefined || value === null) {
		if (required) errors.add(path, 'BASE_TYPE_REQUIRED', 'This field is required');
		return undefined;
	}
	if (typeof value !== 'string') {
		errors.add(path, 'STRING_TYPE_CONVERT', `Could not interpret "${String(value)}" as string.`);
		return undefined;
	}
	if (value.length < min || value.length > max) {
		if (min > 0) errors.add(path, 'BASE_TYPE_BAD_LENGTH', `Must be between ${min} and ${max} in length.`);
		else errors.add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${max} or fewer in length.`);
	}
	return value;
}

/** An optional integer field within min..max (NUMBER_TYPE_COERCE / MIN / MAX). */
export function checkInt(errors: FormErrors, path: Path, value: unknown, min: number, max: number): number | undefined {
	if (value === undefined || value === null) return undefined;
	if (typeof value !== 'number' || !Number.isInteger(value)) {
		errors.add(path, 'NUMBER_TYPE_COERCE', `Value "${String(value)}" is not int.`);
		return undefined;
	}
	if (value < min) errors.add(path, 'NUMBER_TYPE_MIN', `int value should be greater than or equal to ${min}.`);
	if (value > max) errors.add(path, 'NUMBER_TYPE_MAX', `int value should be less than or equal to ${max}.`);
	return value;
}

/** A list field of min..max entries; returns the entries when it is a list. */
export function checkList(errors: FormErrors, path: Path, value: unknown, min: number, max: number): unknown[] | undefined {
	if (value === undefined || value === null) {
		if (min > 0) errors.add(path, 'BASE_TYPE_REQUIRED', 'This field is required');
		return undefined;
	}
	if (!Array.isArray(value)) {
		errors.add(path, 'LIST_TYPE_CONVERT', 'Only iterables may be used in a ListType');
		return undefined;
	}
	if (value.length < min || value.length > max) {
		if (min > 0) errors.add(path, 'BASE_TYPE_BAD_LENGTH', `Must be between ${min} and ${max} in length.`);
		else errors.add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${max} or fewer in length.`);
	}
	return value as unknown[];
}

export function invalidType(errors: FormErrors, path: Path): void {
	errors.add([...path, 'type'], 'COMPONENT_TYPE_INVALID', 'The specified component type is invalid in this context');
}

/** Custom ids must be unique within a message or modal (COMPONENT_CUSTOM_ID_DUPLICATED, as discord-api-docs#3673 quotes it). */
export function claimCustomId(errors: FormErrors, path: Path, customId: string | undefined, seen: Set<string>): void {
	if (customId === undefined) return;
	if (seen.has(customId)) errors.add(path, 'COMPONENT_CUSTOM_ID_DUPLICATED', 'Component custom id was already specified');
	seen.add(customId);
}

/**
 * A string select (messages and modals): custom_id 1-100, 1-25 options (label/value 1-100, unique values,
 * description ≤ 100), placeholder ≤ 150, min_values 0-25, max_values 1-25, no more defaults than max_values.
 * In a modal: `disabled` is an error, and `required` (default true) needs min_values ≥ 1.
 */
export function checkStringSelect(errors: FormErrors, path: Path, select: Json, inModal: boolean, seen: Set<string>): void {
	claimCustomId(errors, [...path, 'custom_id'], checkString(errors, [...path, 'custom_id'], select.custom_id, 1, 100, true), seen);
	checkString(errors, [...path, 'placeholder'], select.placeholder, 0, 150, false);
	const min = checkInt(errors, [...path, 'min_values'], select.min_values, 0, 25) ?? 1;
	const max = checkInt(errors, [...path, 'max_values'], select.max_values, 1, 25) ?? 1;
	if (min > max) errors.add([...path, 'min_values'], 'NUMBER_TYPE_MAX', `min_values value should be less than or equal to ${max}.`);
	const options = checkList(errors, [...path, 'options'], select.options, 1, 25) ?? [];
	const values = new Set<string>();
	let defaults = 0;
	options.forEach((option: unknown, i) => {
		const at = [...path, 'options', i];
		if (!isRecord(option)) {
			errors.add(at, 'DICT_TYPE_CONVERT', 'Only dictionaries may be used in a DictType');
			return;
		}
		checkString(errors, [...at, 'label'], option.label, 1, 100, true);
		const value = checkString(errors, [...at, 'value'], option.value, 1, 100, true);
		checkString(errors, [...at, 'description'], option.description, 0, 100, false);
		if (value !== undefined && values.has(value)) {
			errors.add([...at, 'value'], 'SELECT_COMPONENT_OPTION_VALUE_DUPLICATED', 'The specified option value is already used');
		}
		if (value !== undefined) values.add(value);
		if (option.default === true) defaults++;
	});
	if (options.length > 0 && max > options.length) {
		errors.add([...path, 'options'], 'BASE_TYPE_MIN_LENGTH', `Must be ${max} or more in length.`);
	}
	if (defaults > max) {
		errors.add([...path, 'options'], 'SELECT_COMPONENT_TOO_MANY_DEFAULT_VALUES', 'The specified number of default values exceeds the specified maximum values');
	}
	if (inModal) {
		if (select.disabled !== undefined) errors.add([...path, 'disabled'], 'COMPONENT_DISABLED_NOT_ALLOWED', 'Modal components cannot be disabled');
		if (select.required !== false && select.min_values === 0) {
			errors.add([...path, 'min_values'], 'NUMBER_TYPE_MIN', 'min_values must be at least 1 when the select is required');
		}
	}
}

/** Style 1-4 need custom_id and no url; 5 (link) needs url and no custom_id; 6 (premium) needs sku_id. Label ≤ 80, and a label or an emoji. */
export function checkButton(errors: FormErrors, path: Path, button: Json, seen: Set<string>): void {
	const style = button.style;
	if (typeof style !== 'number' || !Number.isInteger(style) || style < ButtonStyle.Primary || style > ButtonStyle.Premium) {
		errors.add([...path, 'style'], 'BASE_TYPE_CHOICES', 'Value must be one of {1, 2, 3, 4, 5, 6}.');
		return;
	}
	if (style === ButtonStyle.Premium) {
		checkString(errors, [...path, 'sku_id'], button.sku_id, 1, 20, true);
		return;
	}
	const label = checkString(errors, [...path, 'label'], button.label, 0, 80, false);
	if (!label && !isRecord(button.emoji)) {
		errors.add([...path, 'label'], 'BUTTON_COMPONENT_LABEL_OR_EMOJI_REQUIRED', 'A label or an emoji is required');
	}
	if (style === ButtonStyle.Link) {
		checkString(errors, [...path, 'url'], button.url, 1, 512, true);
		if (button.custom_id !== undefined && button.custom_id !== null) {
			errors.add([...path, 'custom_id'], 'BUTTON_COMPONENT_CUSTOM_ID_URL_MUTUALLY_EXCLUSIVE', 'A custom id and url cannot both be specified');
		}
		return;
	}
	if (button.custom_id === undefined || button.custom_id === null) {
		errors.add([...path, 'custom_id'], 'BUTTON_COMPONENT_CUSTOM_ID_REQUIRED', 'A custom id is required');
	} else {
		claimCustomId(errors, [...path, 'custom_id'], checkString(errors, [...path, 'custom_id'], button.custom_id, 1, 100, true), seen);
	}
	if (button.url !== undefined && button.url !== null) {
		errors.add([...path, 'url'], 'BUTTON_COMPONENT_CUSTOM_ID_URL_MUTUALLY_EXCLUSIVE', 'A custom id and url cannot both be specified');
	}
}

export function checkActionRow(errors: FormErrors, path: Path, row: unknown, seen: Set<string>): void {
	if (!isRecord(row)) {
		errors.add(path, 'DICT_TYPE_CONVERT', 'Only dictionaries may be used in a DictType');
		return;
	}
	if (row.type !== ComponentType.ActionRow) {
		invalidType(errors, path);
		return;
	}
	// Too many children is reported per extra child (COMPONENT_LAYOUT_WIDTH_EXCEEDED), not as a list length.
	const children = Array.isArray(row.components) ? (row.components as unknown[]) : [];
	if (!Array.isArray(row.components)) checkList(errors, [...path, 'components'], row.components, 1, MAX_BUTTONS_PER_ROW);
	else if (children.length === 0) errors.add([...path, 'components'], 'BASE_TYPE_BAD_LENGTH', `Must be between 1 and ${MAX_BUTTONS_PER_ROW} in length.`);
	const hasSelect = children.some((c) => isRecord(c) && typeof c.type === 'number' && SELECT_TYPES.has(c.type));
	const width = hasSelect ? 1 : MAX_BUTTONS_PER_ROW;
	children.forEach((child: unknown, j) => {
		const at = [...path, 'components', j];
		if (j >= width) {
			errors.add(at, 'COMPONENT_LAYOUT_WIDTH_EXCEEDED', 'The specified component exceeds the maximum width');
			return;
		}
		if (!isRecord(child)) {
			errors.add(at, 'DICT_TYPE_CONVERT', 'Only dictionaries may be used in a DictType');
		} else if (child.type === ComponentType.Button) {
			checkButton(errors, at, child, seen);
		} else if (child.type === ComponentType.StringSelect) {
			checkStringSelect(errors, at, child, false, seen);
		} else if (typeof child.type === 'number' && SELECT_TYPES.has(child.type)) {
			claimCustomId(errors, [...at, 'custom_id'], checkString(errors, [...at, 'custom_id'], child.custom_id, 1, 100, true), seen);
			checkInt(errors, [...at, 'min_values'], child.min_values, 0, 25);
			checkInt(errors, [...at, 'max_values'], child.max_values, 1, 25);
		} else {
			invalidType(errors, at);
		}
	});
}

/**
 * Validates a message's `components` (errors at ['components', ...]) and returns them with ids assigned. With
 * `legacy` false (IS_COMPONENTS_V2 messages) the layout rules are components-v2.ts's, checked by the caller.
 */
export function validateMessageComponents(raw: unknown, legacy: boolean, errors: FormErrors): Json[] {
	if (raw === null || raw === undefined) return [];
	if (!Array.isArray(raw)) {
		errors.add(['components'], 'LIST_TYPE_CONVERT', 'Only iterables may be used in a ListType');
		return [];
	}
	const before = errors.count;
	if (legacy) {
		if (raw.length > MAX_ACTION_ROWS) errors.add(['components'], 'BASE_TYPE_MAX_LENGTH', `Must be ${MAX_ACTION_ROWS} or fewer in length.`);
		const seen = new Set<string>();
		raw.forEach((row: unknown, i) => checkActionRow(errors, ['components', i], row, seen));
	}
	return errors.count > before ? [] : assignComponentIds(raw.filter(isRecord));
}

/**
 * Deep copy with `id` on every component: kept if given (and non-zero), else the next free integer in
 * depth-first order (so a row gets 1 and its buttons 2, 3, ...), as Discord generates them.
 */
export function assignComponentIds(components: Json[]): Json[] {
	const used = new Set<number>();
	const collect = (c: Json): void => {
		if (typeof c.id === 'number' && c.id !== 0) used.add(c.id);
		for (const child of children(c)) collect(child);
	};
	components.forEach(collect);
	let next = 1;
	const take = (): number => {
		while (used.has(next)) next++;
		used.add(next);
		return next;
	};
	const copy = (c: Json): Json => {
		const out: Json = { ...c, id: typeof c.id === 'number' && c.id !== 0 ? c.id : take() };
		if (Array.isArray(c.components)) out.components = c.components.filter(isRecord).map(copy);
		if (isRecord(c.component)) out.component = copy(c.component);
		if (isRecord(c.accessory)) out.accessory = copy(c.accessory);
		return out;
	};
	return components.map(copy);
}

/** Nested components: a row's or container's `components`, a Label's `component`, a Section's `accessory`. */
function children(c: Json): Json[] {
	const list = Array.isArray(c.components) ? c.components.filter(isRecord) : [];
	return [...list, ...[c.component, c.accessory].filter(isRecord)];
}

/** The button with `customId` in a message's (or modal's) component tree. */
export function findButton(components: readonly unknown[] | undefined, customId: string): Json | undefined {
	for (const c of (components ?? []).filter(isRecord)) {
		if (c.type === ComponentType.Button && c.custom_id === customId) return c;
		const found = findButton(children(c), customId);
		if (found) return found;
	}
	return undefined;
}
