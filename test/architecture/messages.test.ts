// Every text a member or moderator reads lives in src/messages/ (the catalogue a localization pass will swap): outside
// it, no reply, refusal, embed title, label, footer or content is written as a literal. Definitions (`name`,
// `description` of slash commands) are Discord's to localize and are not checked.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './folder-graph.js';

function filesUnder(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		return statSync(path).isDirectory() ? filesUnder(path) : name.endsWith('.ts') ? [path] : [];
	});
}

const INLINE = [
	/\bnew UserError\(\s*['"`]/,
	/\.(?:reply|editReply|followUp)\(\s*['"`]/,
	// '#dbdee1'-style colours are not words.
	/\b(?:title|label|content|placeholder|text):\s*['"`](?!#)/,
];

/** `file:line: text` for every line of `source` that writes a member-visible text inline. */
function inlineTexts(file: string, source: string): string[] {
	return source
		.split('\n')
		.flatMap((line, i) => (!/^\s*(\/\/|\*)/.test(line) && INLINE.some((re) => re.test(line)) ? [`${file}:${i + 1}: ${line.trim()}`] : []));
}

describe('user-visible texts', () => {
	it('are written only in src/messages/', () => {
		const files = [...filesUnder(join(ROOT, 'src')), ...filesUnder(join(ROOT, 'commands'))].filter((f) => !relative(ROOT, f).startsWith('src/messages/'));
		expect(files.flatMap((f) => inlineTexts(relative(ROOT, f), readFileSync(f, 'utf8')))).toEqual([]);
	});

	it('the check finds an inline refusal, reply, title, label and footer', () => {
		const planted = [
			"throw new UserError('Bots do not have image budgets.');",
			'await interaction.editReply(`The ${which} export is too large.`);',
			"await reply({ title: 'Limit set', description: x });",
			"{ type: ComponentType.Label, label: 'Prompt' }",
			'footer: { text: `About ${n} more image(s)` },',
			"// title: 'a comment is not a text'",
			"text: '#dbdee1',",
			'throw new UserError(TEXT.notOurs);',
		].join('\n');
		expect(inlineTexts('x.ts', planted).map((l) => l.split(':')[1])).toEqual(['1', '2', '3', '4', '5']);
	});
});
