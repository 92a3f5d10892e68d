// /style list fits one message whatever the server's styles (in every locale), and a style change reads well (inert)
// in the audit, in the reader's locale.
import { describe, expect, it } from 'vitest';
import { auditLine } from '../../../src/messages/texts.js';
import { STYLE_TEXT, styleAuditText, styleTexts } from '../../../src/messages/style-texts.js';
import { BUILT_IN_STYLES } from '../../../src/styles/built-in.js';

const builtIns = BUILT_IN_STYLES.map((b) => ({ ...b, builtIn: b.id }));

describe('style texts', () => {
	it('list every built-in and all 25 server styles within 2000 characters, templates shortened evenly', () => {
		const server = Array.from({ length: 25 }, (_, i) => ({
			name: `${'N'.repeat(30)}${String(i).padStart(2, '0')}`,
			template: `${'*word* '.repeat(70)}{prompt}`,
		}));
		const text = STYLE_TEXT.list(builtIns, server);
		expect(text.length).toBeLessThanOrEqual(2000);
		for (const b of BUILT_IN_STYLES) expect(text).toContain(`**${b.name}**`);
		for (const s of server) expect(text).toContain(s.name);
		expect(text).toContain('\\*word\\*');
		const few = STYLE_TEXT.list(builtIns, [{ name: 'Short', template: 'a {prompt}' }]);
		expect(few).toContain('• **Short**: a {prompt}');
	});

	it('quote a style change inert and short in the audit line', () => {
		const at = 1_700_000_000_000;
		const base = { at, guildId: 'g', moderatorId: 'm', targetId: null };
		expect(styleAuditText({ ...base, action: 'style-add', old: null, new: 'Ping: <@&1> @everyone {prompt}' })).toBe(
			'added style Ping: \\<@&1> @\u200Beveryone {prompt}',
		);
		expect(styleAuditText({ ...base, action: 'style-remove', old: `X: ${'y'.repeat(400)}`, new: null })?.length).toBeLessThanOrEqual(200);
		expect(styleAuditText({ ...base, action: 'blocklist-add', old: null, new: 'x' })).toBeUndefined();
	});

	it('list in German and Japanese within 2000 characters, with translated hints and command names', () => {
		const server = Array.from({ length: 25 }, (_, i) => ({ name: `${'N'.repeat(30)}${String(i).padStart(2, '0')}`, template: `${'w '.repeat(240)}{prompt}` }));
		for (const locale of ['de', 'ja', 'ru']) expect(styleTexts(locale).list(builtIns, server).length, locale).toBeLessThanOrEqual(2000);
		const de = styleTexts('de').list(builtIns, []);
		expect(de).toContain('• **Photo**: realistisches Foto, natürliches Licht');
		expect(de).toContain('`/stil hinzufügen`');
		expect(styleTexts('ja').choice({ name: 'Art Deco', template: 'deco {prompt}' })).toBe('Art Deco — サーバーのスタイル: deco {prompt}');
		expect(styleTexts('fr').unknown('x', true)).toContain('(en messages privés, seuls les styles intégrés fonctionnent)');
		expect(styleTexts('de').noPlaceholder).toContain('`{prompt}`');
		expect(styleTexts('de').removed('A', 1)).toContain('1 Serverstil übrig');
	});

	it('have a hint for every built-in style in every locale (the ids in styles/built-in.ts)', () => {
		for (const locale of ['en-US', 'de', 'ja'])
			for (const b of builtIns) expect(styleTexts(locale).optionHint(b), `${locale} ${b.id}`).not.toContain(b.template);
	});

	it('word the audit line in the reader’s locale, the style still inert', () => {
		const e = { at: 1_700_000_000_000, guildId: 'g', moderatorId: 'm', targetId: null, action: 'style-add', old: null, new: 'Ping: <@&1> {prompt}' } as const;
		expect(styleAuditText(e, 'de')).toBe('Stil hinzugefügt: Ping: \\<@&1> {prompt}');
		expect(auditLine(e, 'ja')).toContain('スタイルを追加: Ping: \\<@&1> {prompt}');
		expect(auditLine(e)).toContain('added style Ping:');
	});
});
