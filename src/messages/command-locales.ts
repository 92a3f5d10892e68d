// Slash commands in every language the bot speaks: name_localizations and description_localizations added to each
// command, subcommand, option and choice at registration, so the command files keep only their English definition.
import type { RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import de from './commands/de.js';
import esES from './commands/es-ES.js';
import fr from './commands/fr.js';
import ja from './commands/ja.js';
import ko from './commands/ko.js';
import ptBR from './commands/pt-BR.js';
import ru from './commands/ru.js';
import type { CommandTranslation } from './commands/types.js';
import zhCN from './commands/zh-CN.js';
import type { Locale } from './locales/index.js';

export const COMMAND_TRANSLATIONS: Record<Exclude<Locale, 'en-US'>, CommandTranslation> = {
	de,
	fr,
	'es-ES': esES,
	'pt-BR': ptBR,
	ja,
	ko,
	'zh-CN': zhCN,
	ru,
};

type Localizations = Partial<Record<string, string>>;

/** The parts of a command, subcommand or option this module reads and writes. */
interface Part {
	name: string;
	description?: string;
	name_localizations?: Localizations | null;
	description_localizations?: Localizations | null;
	options?: readonly Part[];
	choices?: readonly { name: string; value: string | number; name_localizations?: Localizations | null }[];
}

/** A name in one locale: by path (`budget.role.role`), else by the English name; unknown ones keep English (not set). */
export function commandName(locale: Exclude<Locale, 'en-US'>, path: string): string | undefined {
	const names = COMMAND_TRANSLATIONS[locale].names;
	return names[path] ?? names[path.slice(path.lastIndexOf('.') + 1)];
}

function description(locale: Exclude<Locale, 'en-US'>, path: string): string | undefined {
	const descriptions = COMMAND_TRANSLATIONS[locale].descriptions;
	const parts = path.split('.');
	return descriptions[path] ?? (parts.length > 2 ? descriptions[`${parts[0]}.${parts.at(-1)}`] : undefined);
}

function collect(pick: (locale: Exclude<Locale, 'en-US'>) => string | undefined): Localizations | undefined {
	const found = Object.fromEntries(
		(Object.keys(COMMAND_TRANSLATIONS) as Exclude<Locale, 'en-US'>[]).flatMap((l) => {
			const v = pick(l);
			return v === undefined ? [] : [[l, v]];
		}),
	);
	return Object.keys(found).length ? found : undefined;
}

function localizePart<P extends Part>(part: P, path: string): P {
	const names = collect((l) => commandName(l, path));
	const descriptions = part.description === undefined ? undefined : collect((l) => description(l, path));
	return {
		...part,
		...(names ? { name_localizations: { ...names, ...part.name_localizations } } : {}),
		...(descriptions ? { description_localizations: { ...descriptions, ...part.description_localizations } } : {}),
		...(part.options ? { options: part.options.map((o) => localizePart(o, `${path}.${o.name}`)) } : {}),
		...(part.choices
			? {
					choices: part.choices.map((c) => {
						// A choice without letters (an aspect ratio, a number) reads the same everywhere.
						const same = !/\p{L}/u.test(c.name);
						const localized = collect((l) => (same ? c.name : COMMAND_TRANSLATIONS[l].names[`choice:${String(c.value)}`]));
						return localized ? { ...c, name_localizations: { ...localized, ...c.name_localizations } } : c;
					}),
				}
			: {}),
	};
}

/** A command's definition with its translations added (what deploy-commands registers). The definition is not changed. */
export function localizeCommand<T extends RESTPostAPIChatInputApplicationCommandsJSONBody>(data: T): T {
	return localizePart(data as unknown as Part, data.name) as unknown as T;
}

/** How a member types a command in a locale: `/budget reset` in English is `/budget zurücksetzen` in German. */
export function commandPath(locale: Locale, path: string): string {
	const parts = path.split(' ');
	const shown = parts.map((p, i) => (locale === 'en-US' ? p : (commandName(locale, parts.slice(0, i + 1).join('.')) ?? p)));
	return `/${shown.join(' ')}`;
}
