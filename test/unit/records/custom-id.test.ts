import { describe, expect, it } from 'vitest';
import { buildCustomId, parseCustomId } from '../../../src/records/custom-id.js';

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
