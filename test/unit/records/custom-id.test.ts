import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_HISTORY_PAGE, buildCustomId, parseCustomId } from '../../../src/records/custom-id.js';

const JOB = '1300000000000000001';

describe('custom ids', () => {
	it('round-trips every id the bot makes', () => {
		for (const action of ['reroll', 'remix', 'delete', 'remix-form'] as const) {
			const raw = buildCustomId({ command: 'imagine', action, jobId: JOB });
			expect(raw.length).toBeLessThanOrEqual(100);
			expect(parseCustomId(raw)).toEqual({ command: 'imagine', action, jobId: JOB });
		}
	});

	it('treats anything else as not ours', () => {
		for (const raw of [
			'',
			'imagine',
			'imagine:reroll',
			`imagine:reroll:${JOB}:extra`,
			`imagine:explode:${JOB}`,
			`budget:reroll:${JOB}`,
			'imagine:reroll:12',
			'imagine:reroll:not-a-snowflake',
			`imagine:reroll:${'9'.repeat(200)}`,
			'another-bot|button|1',
		]) {
			expect(parseCustomId(raw), raw).toBeUndefined();
		}
	});
});

const ACTIONS = ['reroll', 'remix', 'delete', 'remix-form'] as const;
const snowflake = fc.stringMatching(/^[0-9]{17,20}$/);
const validId = fc.record({ command: fc.constant('imagine' as const), action: fc.constantFrom(...ACTIONS), jobId: snowflake });
/** Strings near the format: right and wrong pieces, extra parts, other digits (Arabic-Indic, full-width), odd separators. */
const piece = fc.oneof(
	fc.constantFrom('imagine', ...ACTIONS, '', ' ', '__proto__', 'constructor', 'toString', '\n', '٣', '１'),
	snowflake,
	fc.string({ unit: 'binary', maxLength: 25 }),
);
const oddDigits = fc.string({ unit: fc.constantFrom('1', '0', '٣', '１', '𝟙'), minLength: 16, maxLength: 21 });
const nearId = fc
	.tuple(
		fc.oneof(fc.constantFrom('imagine', 'Imagine', ' imagine'), piece),
		fc.oneof(fc.constantFrom(...ACTIONS), piece),
		fc.oneof(snowflake, oddDigits, piece),
		fc.array(piece, { maxLength: 2 }),
		fc.constantFrom(':', ':', ':', '::', ': ', '\uFF1A'),
	)
	.map(([command, action, jobId, extra, sep]) => [command, action, jobId, ...extra].join(sep));
const anyRaw = fc.oneof(
	nearId,
	fc.string({ unit: 'binary', maxLength: 200 }),
	fc.string({ unit: 'grapheme', maxLength: 120 }),
	fc.string({ unit: fc.constantFrom(':', '1', 'a'), maxLength: 150 }),
	fc.nat({ max: 200_000 }).map((n) => `imagine:reroll:${'1'.repeat(n)}`),
);

describe('parseCustomId (properties)', () => {
	it('never throws, and returns only ASCII snowflake ids that build back to the very same string', () => {
		fc.assert(
			fc.property(anyRaw, (raw) => {
				const parsed = parseCustomId(raw);
				if (parsed === undefined) return;
				expect(buildCustomId(parsed)).toBe(raw);
				if ('jobId' in parsed)
					expect(parsed.jobId).toMatch(/^[0-9]{17,20}$/); // ASCII digits only: the id keys vault records
				else expect(parsed.page).toBeLessThanOrEqual(MAX_HISTORY_PAGE);
			}),
			{ numRuns: 2000 },
		);
	});

	it('round-trips every valid id', () => {
		fc.assert(
			fc.property(validId, (id) => {
				expect(parseCustomId(buildCustomId(id))).toEqual(id);
			}),
		);
	});
});

describe('/history custom ids', () => {
	it('round-trips Again and every page, and refuses pages that are not plain small numbers', () => {
		expect(parseCustomId(buildCustomId({ command: 'history', action: 'again', jobId: JOB }))).toEqual({ command: 'history', action: 'again', jobId: JOB });
		for (const page of [0, 1, 4, MAX_HISTORY_PAGE]) expect(parseCustomId(`history:page:${page}`)).toEqual({ command: 'history', action: 'page', page });
		for (const raw of [
			'history:page:',
			'history:page:-1',
			'history:page:01',
			'history:page:100',
			'history:page:1.5',
			'history:page:1e2',
			'history:page:٣',
			`history:page:${JOB}`,
			'history:again:5',
			'imagine:page:1',
			'history:reroll:' + JOB,
			'history:page:1:2',
		]) {
			expect(parseCustomId(raw), raw).toBeUndefined();
		}
	});

	it('a parsed page is always an integer within 0..MAX_HISTORY_PAGE that builds back to the same id (properties)', () => {
		fc.assert(
			fc.property(fc.oneof(fc.string({ maxLength: 6 }), fc.integer({ min: -5, max: 500 }).map(String)), (tail) => {
				const raw = `history:page:${tail}`;
				const parsed = parseCustomId(raw);
				if (parsed === undefined) return;
				expect(parsed.action).toBe('page');
				if (!('page' in parsed)) throw new Error('not a page id');
				expect(Number.isInteger(parsed.page) && parsed.page >= 0 && parsed.page <= MAX_HISTORY_PAGE).toBe(true);
				expect(buildCustomId(parsed)).toBe(raw);
			}),
			{ numRuns: 2000 },
		);
	});
});
