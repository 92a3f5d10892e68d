// Styles offered for picking: autocomplete suggestions, and Remix's select (no style, the image's own, the
// built-ins, the server's; at most 25 options, Discord's limit) with how its answer is read back.
import type { APIApplicationCommandOptionChoice, APISelectMenuOption } from 'discord.js';
import { styleTexts } from '../messages/style-texts.js';
import type { StyleSnapshot } from '../records/job.js';
import { BUILT_IN_STYLES } from './built-in.js';
import { findStyle, MAX_CHOICES, type Suggestion } from './resolve.js';
import { nameKey } from './rules.js';

/** The value is the style's name: what /imagine receives, whether picked or typed. Hints in the member's locale. */
export function styleChoices(found: readonly Suggestion[], locale?: string | null): APIApplicationCommandOptionChoice<string>[] {
	const text = styleTexts(locale);
	return found.map((s) => ({ name: text.choice(s), value: s.name }));
}

/** Remix's select values: no style, the source image's own snapshot, or a style by name. */
const NONE = 'none';
const OWN = 'own';
const BY_NAME = 'name:';

export function remixStyleOptions(own: StyleSnapshot | undefined, server: readonly StyleSnapshot[], locale?: string | null): APISelectMenuOption[] {
	const text = styleTexts(locale);
	const options: APISelectMenuOption[] = [{ label: text.noStyle, value: NONE, description: text.noStyleHint, default: own === undefined }];
	if (own) options.push({ label: own.name, value: OWN, description: text.imageStyle, default: true });
	const ownKey = own ? nameKey(own.name) : undefined;
	const others: Suggestion[] = [...BUILT_IN_STYLES.map((b) => ({ name: b.name, builtIn: b.id, template: b.template })), ...server];
	for (const style of others) {
		if (options.length >= MAX_CHOICES) break;
		if (nameKey(style.name) === ownKey) continue;
		options.push({ label: style.name, value: `${BY_NAME}${nameKey(style.name)}`, description: text.optionHint(style) });
	}
	return options;
}

/**
 * The style a Remix form asked for. The image's own style is used as it is now if it still exists, else as the
 * image had it; a style removed since the form opened (or a forged value) is refused with `unknown`.
 */
export function remixStyleChosen(
	value: string | undefined,
	own: StyleSnapshot | undefined,
	server: readonly StyleSnapshot[],
): { ok: true; style: StyleSnapshot | undefined } | { ok: false; name: string } {
	// A form shown before styles existed has no select: the image's style stays.
	if (value === undefined) return { ok: true, style: own };
	if (value === NONE) return { ok: true, style: undefined };
	if (value === OWN && own) return { ok: true, style: findStyle(own.name, server) ?? own };
	const name = value.startsWith(BY_NAME) ? value.slice(BY_NAME.length) : value;
	const style = findStyle(name, server);
	return style ? { ok: true, style } : { ok: false, name };
}

/** Remix's select, by its custom id in the form. */
export const REMIX_STYLE_FIELD = 'style';
