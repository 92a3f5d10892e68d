// Every command, subcommand, option and choice is registered in all the bot's languages, under Discord's rules
// (docs: Application Command Naming; Localization): names 1–32 of Discord's pattern, lowercase where the script has case,
// unique among their siblings in each locale; descriptions 1–100; choice names 1–100. Texts name commands as localized.
import { describe, expect, it } from 'vitest';
import { commands } from '../../../commands/index.js';
import { commandPath, COMMAND_TRANSLATIONS, localizeCommand } from '../../../src/messages/command-locales.js';
import { LOCALES, translator } from '../../../src/messages/i18n.js';

const TRANSLATED = LOCALES.filter((l) => l !== 'en-US');
const NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

interface Part {
	name: string;
	description?: string;
	name_localizations?: Record<string, string>;
	description_localizations?: Record<string, string>;
	options?: Part[];
	choices?: { name: string; value: unknown; name_localizations?: Record<string, string> }[];
}

/** Every problem with one part and its children, as `path: what`. */
function problems(part: Part, path: string, siblings: Part[]): string[] {
	const found: string[] = [];
	for (const locale of TRANSLATED) {
		const name = part.name_localizations?.[locale];
		const description = part.description_localizations?.[locale];
		if (name === undefined) found.push(`${path} ${locale}: no name`);
		else if (!NAME.test(name) || name !== name.toLowerCase()) found.push(`${path} ${locale}: bad name ${name}`);
		else if (siblings.filter((s) => (s.name_localizations?.[locale] ?? s.name) === name).length > 1) found.push(`${path} ${locale}: ${name} not unique`);
		if (description === undefined) found.push(`${path} ${locale}: no description`);
		else if (description.length < 1 || description.length > 100) found.push(`${path} ${locale}: description of ${description.length}`);
		for (const c of part.choices ?? []) {
			const cn = c.name_localizations?.[locale];
			if (cn === undefined || cn.length < 1 || cn.length > 100) found.push(`${path}:${String(c.value)} ${locale}: choice name ${cn}`);
		}
	}
	const options = part.options ?? [];
	return [...found, ...options.flatMap((o) => problems(o, `${path}.${o.name}`, options))];
}

const localized = commands.map((c) => localizeCommand(c.data) as unknown as Part);

describe('command localizations', () => {
	it('cover every command, subcommand, option and choice in all 8 languages, valid under Discord rules', () => {
		expect(localized.flatMap((c) => problems(c, c.name, localized))).toEqual([]);
	});

	it('leave the English definitions as they are', () => {
		for (const [i, c] of commands.entries()) {
			expect(localized[i]?.name).toBe(c.data.name);
			expect((c.data as unknown as Part).name_localizations).toBeUndefined();
		}
	});

	it('keep a choice without letters (an aspect ratio) as it is, and translate worded ones', () => {
		const imagine = localized.find((c) => c.name === 'imagine');
		const ratio = imagine?.options?.find((o) => o.name === 'aspect_ratio')?.choices?.find((c) => c.value === '16:9');
		expect(ratio?.name_localizations?.['ja']).toBe('16:9');
		const period = localized.find((c) => c.name === 'budget')?.options?.find((o) => o.name === 'export')?.options?.[0]?.choices?.[1];
		expect(period?.name_localizations?.['de']).toBe('vorheriger');
	});

	it('name only commands that exist, in each locale the texts are written in', () => {
		for (const locale of TRANSLATED)
			for (const key of Object.keys(COMMAND_TRANSLATIONS[locale].descriptions))
				expect(key.split('.')[0]).toMatch(/^(imagine|usage|budget|blocklist|style|settings|history)$/);
		expect(commandPath('de', 'budget reset')).toBe('/budget zurücksetzen');
		expect(translator('de').t('budget.unreadable')).toBe('Mit `/budget zurücksetzen` lässt er sich reparieren.');
		expect(translator('ja').t('text.tooOld')).toContain('`/画像生成`');
		expect(translator('en-US').t('text.tooOld')).toContain('`/imagine`');
		expect(commandPath('de', 'style list name')).toBe('/stil liste name');
		expect(translator('de').t('settings.resetWithOthers')).toContain('`/einstellungen zurücksetzen:true`');
		expect(translator('fr').t('history.stale')).toContain('`/historique`');
	});
});
