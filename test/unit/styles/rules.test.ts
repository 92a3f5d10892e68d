// Style names and templates (property tests), how the member's words fill a template, and what finding and
// suggesting styles return: pure functions, no store.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { finalPrompt } from '../../../src/records/job.js';
import { BUILT_IN_STYLES } from '../../../src/styles/built-in.js';
import { findStyle, styledPrompt, suggest, suggestWithin } from '../../../src/styles/resolve.js';
import { checkName, checkTemplate, FINAL_PROMPT_MAX, nameKey, NAME_MAX, PLACEHOLDER, TEMPLATE_MAX } from '../../../src/styles/rules.js';

const UNSEEN = /[\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}\p{Zl}\p{Zp}]/u;
const anyText = fc.string({ unit: 'grapheme', maxLength: 60 });
const withControls = fc.oneof(anyText, fc.string({ unit: fc.constantFrom('a', ' ', '\n', '\t', '\u200B', '\u0000', 'É', '{', '}', '$', '&'), maxLength: 40 }));

describe('style names', () => {
	it('are accepted exactly when, trimmed with single spaces, they are 1–32 visible characters; the stored name is that', () => {
		fc.assert(
			fc.property(withControls, (raw) => {
				const tidy = raw.trim().replace(/\s+/gu, ' ');
				const checked = checkName(raw);
				const valid = tidy.length >= 1 && tidy.length <= NAME_MAX && !UNSEEN.test(tidy);
				expect(checked.ok).toBe(valid);
				if (checked.ok) expect(checked.value).toBe(tidy);
				else expect(checked.why).toMatch(/1–32 characters/);
			}),
			{ numRuns: 500 },
		);
	});

	it('compare without case or extra spacing, and the key is stable', () => {
		fc.assert(
			fc.property(anyText, (raw) => {
				expect(nameKey(raw.toLowerCase())).toBe(nameKey(raw));
				expect(nameKey(nameKey(raw))).toBe(nameKey(raw));
				expect(nameKey(`  ${raw}  `)).toBe(nameKey(raw));
			}),
		);
		expect(nameKey('  Oil   PAINTING ')).toBe(nameKey('oil painting'));
		expect(nameKey('Oil PAINTING')).toBe('oil painting');
	});
});

describe('style templates', () => {
	it('are accepted exactly when they hold {prompt}, are 1–500 characters trimmed and have no control characters', () => {
		const template = fc.oneof(
			withControls,
			fc.tuple(anyText, anyText).map(([a, b]) => `${a}${PLACEHOLDER}${b}`),
			fc.tuple(fc.string({ minLength: 480, maxLength: 520 }), fc.boolean()).map(([a, at]) => (at ? `${PLACEHOLDER}${a}` : `${a}${PLACEHOLDER}`)),
		);
		fc.assert(
			fc.property(template, (raw) => {
				const t = raw.trim();
				const valid = t.length >= 1 && t.length <= TEMPLATE_MAX && t.includes(PLACEHOLDER) && !/\p{Cc}/u.test(t);
				const checked = checkTemplate(raw);
				expect(checked.ok).toBe(valid);
				if (checked.ok) expect(checked.value).toBe(t);
			}),
			{ numRuns: 500 },
		);
		expect(checkTemplate('a painting of a cat')).toMatchObject({ ok: false, why: expect.stringContaining('{prompt}') });
		expect(checkTemplate(`${'x'.repeat(493)}{prompt}`)).toMatchObject({ ok: false, why: expect.stringContaining('1–500') });
	});

	it("are filled with the member’s words exactly as typed, every {prompt} of them, `$&` and `$'` included", () => {
		fc.assert(
			fc.property(
				fc.array(anyText, { minLength: 1, maxLength: 4 }),
				fc.string({ unit: fc.constantFrom('$', '&', "'", '`', '1', 'a', '{', '}'), maxLength: 12 }),
				(parts, prompt) => {
					const template = parts.join(PLACEHOLDER);
					expect(finalPrompt(prompt, { name: 'x', template })).toBe(parts.join(prompt));
				},
			),
		);
		expect(finalPrompt("$& and $' and $$", { name: 'x', template: 'A {prompt}.' })).toBe("A $& and $' and $$.");
		expect(finalPrompt('a fox', undefined)).toBe('a fox');
	});

	it('with the longest prompt still fit what hiapi is sent, unless the template repeats {prompt}', () => {
		const longest = 'p'.repeat(1500);
		const once = { name: 'x', template: `${'t'.repeat(TEMPLATE_MAX - PLACEHOLDER.length)}${PLACEHOLDER}` };
		expect(styledPrompt(longest, once)).toMatchObject({ ok: true });
		expect(styledPrompt(longest, { name: 'x', template: `${PLACEHOLDER} and ${PLACEHOLDER}` })).toEqual({ ok: false, length: 3005 });
		expect(FINAL_PROMPT_MAX).toBe(2000);
	});
});

describe('built-in styles', () => {
	it('are at least 8, each a valid template under a valid, distinct name', () => {
		expect(BUILT_IN_STYLES.length).toBeGreaterThanOrEqual(8);
		for (const s of BUILT_IN_STYLES) {
			expect(checkName(s.name)).toEqual({ ok: true, value: s.name });
			expect(checkTemplate(s.template)).toEqual({ ok: true, value: s.template });
		}
		expect(new Set(BUILT_IN_STYLES.map((s) => nameKey(s.name))).size).toBe(BUILT_IN_STYLES.length);
		for (const look of ['photo', 'cinematic', 'anime', 'watercolor', 'oil painting', 'pixel art', '3d render', 'line art'])
			expect(findStyle(look, [])).toBeDefined();
	});
});

describe('finding and suggesting styles', () => {
	const server = Array.from({ length: 25 }, (_, i) => ({ name: `Noir ${i}`, template: `noir {prompt} ${i}` }));

	it('finds built-in and server styles in any case, as a snapshot of name and template only', () => {
		expect(findStyle('  PIXEL   art ', [])).toEqual({ name: 'Pixel art', template: expect.stringContaining('{prompt}') as string });
		expect(findStyle('noir 7', [{ ...server[7]!, addedBy: '1', at: 2 } as never])).toEqual({ name: 'Noir 7', template: 'noir {prompt} 7' });
		expect(findStyle('noir 7', [])).toBeUndefined();
		expect(findStyle('', server)).toBeUndefined();
	});

	it('suggests at most 25 styles whose names contain what was typed, those starting with it first', () => {
		fc.assert(
			fc.property(fc.string({ unit: fc.constantFrom('o', 'i', 'r', 'n', 'a', ' ', 'P', '1'), maxLength: 4 }), (typed) => {
				const found = suggest(typed, server);
				expect(found.length).toBeLessThanOrEqual(25);
				for (const f of found) expect(nameKey(f.name)).toContain(nameKey(typed));
				const starts = found.map((f) => nameKey(f.name).startsWith(nameKey(typed)));
				expect(starts).toEqual([...starts].sort((a, b) => Number(b) - Number(a)));
			}),
		);
		expect(suggest('', server)).toHaveLength(25);
		expect(suggest('ART', []).map((s) => s.name)).toEqual(['Pixel art', 'Line art', 'Fantasy art']);
		expect(suggest('noir 1', server, false).map((s) => s.name)).toEqual([
			'Noir 1',
			'Noir 10',
			'Noir 11',
			'Noir 12',
			'Noir 13',
			'Noir 14',
			'Noir 15',
			'Noir 16',
			'Noir 17',
			'Noir 18',
			'Noir 19',
		]);
		expect(suggest('zzz', server)).toEqual([]);
	});

	it('does not wait for a slow store past its deadline: the built-ins are offered alone', async () => {
		const started = Date.now();
		const found = await suggestWithin('a', () => new Promise(() => undefined), 100);
		expect(Date.now() - started).toBeLessThan(1000);
		expect(found.map((s) => s.builtIn)).toContain('anime');
		expect(found.every((s) => s.builtIn !== undefined)).toBe(true);
		expect((await suggestWithin('noir 3', () => Promise.resolve(server), 1000)).map((s) => s.name)).toEqual(['Noir 3']);
	});
});
