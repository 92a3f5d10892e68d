import { describe, expect, it } from 'vitest';
import { imageEmbed, resultReply, type DeliveredInfo } from '../../../src/messages/cards.js';
import { HOSTILE, liveMarkup, rendered } from './hostile.js';

const info = (prompt: string): DeliveredInfo => ({
	prompt,
	aspectRatio: '1:1',
	seconds: 4.2,
	price: 40_000,
	remaining: 960_000,
	requesterId: '500000000000000001',
	kind: 'imagine',
});

describe('the image card with hostile prompts', () => {
	it.each(Object.entries(HOSTILE))('shows a %s prompt as typed, inert', (_name, prompt) => {
		const description = imageEmbed(info(prompt)).description ?? '';
		expect(liveMarkup(description)).toEqual([]);
		expect(rendered(description)).toBe(prompt);
	});

	it('makes the masked link of the issue plain text, in the attached and the linked card alike', () => {
		const image = { bytes: Buffer.from('x'), extension: 'png', contentType: 'image/png' };
		const link = { url: 'https://cdn.hiapi.ai/x.png', expiresAt: undefined };
		for (const reply of [
			resultReply('1300000000000000001', info(HOSTILE.maskedLink), image, link),
			resultReply('1300000000000000001', info(HOSTILE.maskedLink), undefined, link),
		]) {
			expect(reply.embeds?.[0]?.description).toBe('\\[free nitro](https://evil.example/claim)');
			expect(reply.mentionUsers ?? []).toEqual([]);
		}
	});

	it('names the requester by id only, and keeps a long prompt within the embed limit', () => {
		const embed = imageEmbed(info('*'.repeat(1500) + '@everyone'.repeat(100)));
		expect(embed.fields?.[0]?.value).toBe('<@500000000000000001>');
		expect((embed.description ?? '').length).toBeLessThanOrEqual(4096);
	});
});
