import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inert } from '../../../src/messages/format.js';
import { HOSTILE, liveMarkup, rendered } from './hostile.js';

describe('inert (member text where Discord renders markdown)', () => {
	it.each(Object.entries(HOSTILE))('leaves %s readable as typed and acting on nothing', (name, text) => {
		expect(liveMarkup(text).length, `${name} should be live before`).toBeGreaterThan(name === 'backslash' ? -1 : 0);
		expect(liveMarkup(inert(text))).toEqual([]);
		expect(rendered(inert(text))).toBe(text);
	});

	it('escapes masked links, mentions and @everyone in the forms Discord understands', () => {
		expect(inert(HOSTILE.maskedLink)).toBe('\\[free nitro](https://evil.example/claim)');
		expect(inert('<@123456789012345678>')).toBe('\\<@123456789012345678>');
		expect(inert('@everyone @here')).toBe('@\u200Beveryone @\u200Bhere');
		expect(inert('a plain prompt, nothing to do')).toBe('a plain prompt, nothing to do');
		expect(inert('https://example.com/a_b_c')).toBe('https://example.com/a_b_c'); // links stay links
	});

	const markdownish = fc.string({
		unit: fc.oneof(
			fc.constantFrom(
				'*',
				'_',
				'~',
				'`',
				'|',
				'****',
				'````',
				'||||',
				'~~~~',
				'[',
				']',
				'(',
				')',
				'<',
				'>',
				'@',
				'#',
				'&',
				'/',
				':',
				'-',
				'\\',
				' ',
				'\n',
				'.',
				'1',
			),
			fc.constantFrom('everyone', 'here', 'a', 'b', 'x'),
			fc.string({ unit: 'grapheme', maxLength: 2 }),
		),
		maxLength: 40,
	});

	it('never leaves live markup, whatever the member typed (property)', () => {
		fc.assert(
			fc.property(markdownish, (text) => {
				expect(liveMarkup(inert(text))).toEqual([]);
			}),
			{ numRuns: 2000 },
		);
	});

	it('reads exactly as typed once Discord applies the escapes (property)', () => {
		fc.assert(
			fc.property(markdownish, (text) => {
				fc.pre(!text.includes('\u200B'));
				expect(rendered(inert(text))).toBe(text);
			}),
			{ numRuns: 2000 },
		);
	});
});
