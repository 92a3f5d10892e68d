import { describe, expect, it } from 'vitest';
import { customIdsIn, refusedHere, type Place } from '../../../src/images/job-place.js';

const JOB = '1300000000000000001';
const GUILD = '100000000000000001';
const OTHER_GUILD = '100000000000000002';
const CHANNEL = '200000000000000001';
const DM = '200000000000000009';
const BUTTON = `imagine:reroll:${JOB}`;
const buttons = [`imagine:reroll:${JOB}`, `imagine:remix:${JOB}`, `imagine:delete:${JOB}`];

const serverJob = { guildId: GUILD, channelId: CHANNEL };
const dmJob = { guildId: null, channelId: DM };
const onMessage = (interactionId: string | undefined, customIds = buttons): NonNullable<Place['message']> => ({ interactionId, customIds });

describe('refusedHere', () => {
	it("allows a button on its job's message, in its job's server or DM", () => {
		expect(refusedHere(JOB, serverJob, { guildId: GUILD, channelId: CHANNEL, message: onMessage(JOB) }, BUTTON)).toBeUndefined();
		expect(refusedHere(JOB, dmJob, { guildId: null, channelId: DM, message: onMessage(JOB) }, BUTTON)).toBeUndefined();
		// A channel post (the token had expired) has no interaction record: its buttons still tie it to the job.
		expect(refusedHere(JOB, serverJob, { guildId: GUILD, channelId: CHANNEL, message: onMessage(undefined) }, BUTTON)).toBeUndefined();
		// A modal Discord sent without its message: only the place can be checked.
		expect(refusedHere(JOB, serverJob, { guildId: GUILD, channelId: CHANNEL }, BUTTON)).toBeUndefined();
	});

	it('refuses another server, a DM job in a server, a server job in a DM, and another DM', () => {
		expect(refusedHere(JOB, serverJob, { guildId: OTHER_GUILD, channelId: CHANNEL, message: onMessage(JOB) }, BUTTON)).toBe('a job of another server');
		expect(refusedHere(JOB, dmJob, { guildId: GUILD, channelId: DM, message: onMessage(JOB) }, BUTTON)).toBe('a DM job in a server');
		expect(refusedHere(JOB, serverJob, { guildId: null, channelId: DM, message: onMessage(JOB) }, BUTTON)).toBe('a server job in a DM');
		expect(refusedHere(JOB, dmJob, { guildId: null, channelId: '200000000000000008', message: onMessage(JOB) }, BUTTON)).toBe('a DM job in another DM');
	});

	it('a personal-scope job made where the bot is not (user install) works in its own channel only', () => {
		const foreign = { guildId: null, channelId: CHANNEL };
		const there = { guildId: OTHER_GUILD, personal: true };
		expect(refusedHere(JOB, foreign, { ...there, channelId: CHANNEL, message: onMessage(JOB) }, BUTTON)).toBeUndefined();
		expect(refusedHere(JOB, foreign, { ...there, channelId: '200000000000000002', message: onMessage(JOB) }, BUTTON)).toBe('a DM job in a server');
		expect(refusedHere(JOB, foreign, { guildId: null, channelId: DM, message: onMessage(JOB) }, BUTTON)).toBe('a DM job in another DM');
		// A click the server's own install serves (it added the bot since) is not the personal job's place.
		expect(refusedHere(JOB, foreign, { guildId: OTHER_GUILD, channelId: CHANNEL, message: onMessage(JOB), personal: false }, BUTTON)).toBe(
			'a DM job in a server',
		);
		expect(refusedHere(JOB, serverJob, { guildId: GUILD, channelId: CHANNEL, message: onMessage(JOB), personal: true }, BUTTON)).toBe(
			'a job of another server',
		);
		// Still only on its own message.
		expect(refusedHere(JOB, foreign, { ...there, channelId: CHANNEL, message: onMessage('1300000000000000002') }, BUTTON)).toBe("not on the job's message");
	});

	it('refuses a custom id that is not on the message, or a message another interaction made', () => {
		const here = { guildId: GUILD, channelId: CHANNEL };
		const others = ['imagine:reroll:1300000000000000002', 'imagine:remix:1300000000000000002', 'imagine:delete:1300000000000000002'];
		expect(refusedHere(JOB, serverJob, { ...here, message: onMessage('1300000000000000002', others) }, BUTTON)).toBe("not on the job's message");
		expect(refusedHere(JOB, serverJob, { ...here, message: onMessage('1300000000000000002') }, BUTTON)).toBe("not on the job's message");
		// Pruned: the server is unknown, the message still decides.
		expect(refusedHere(JOB, undefined, { ...here, message: onMessage('1300000000000000002', others) }, BUTTON)).toBe("not on the job's message");
		expect(refusedHere(JOB, undefined, { ...here, message: onMessage(JOB) }, BUTTON)).toBeUndefined();
	});
});

describe('customIdsIn', () => {
	it('finds custom ids in action rows and in v2 layouts, and nothing in junk', () => {
		const rows = [
			{
				type: 1,
				components: [
					{ type: 2, custom_id: 'a' },
					{ type: 2, url: 'https://x' },
				],
			},
		];
		const v2 = [
			{
				type: 17,
				components: [
					{ type: 9, components: [], accessory: { type: 2, custom_id: 'b' } },
					{ type: 18, component: { type: 4, custom_id: 'c' } },
				],
			},
		];
		expect(customIdsIn(rows)).toEqual(['a']);
		expect(customIdsIn(v2)).toEqual(['b', 'c']);
		expect(customIdsIn([null, 1, 'x', { components: 'no' }])).toEqual([]);
	});
});
