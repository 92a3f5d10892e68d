import { ButtonStyle, ComponentType } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { resultReply, withMention, type DeliveredInfo } from '../../../src/messages/cards.js';
import { parseCustomId } from '../../../src/records/custom-id.js';
import { readCard } from '../../support/card.js';
import { HOSTILE, liveMarkup, rendered } from './hostile.js';

const JOB = '1300000000000000001';
const info = (prompt: string): DeliveredInfo => ({
	prompt,
	aspectRatio: '1:1',
	seconds: 4.2,
	price: 40_000,
	remaining: 960_000,
	requesterId: '500000000000000001',
	kind: 'imagine',
});
const image = { bytes: Buffer.from('x'), extension: 'png', contentType: 'image/png' };
const link = { url: 'https://cdn.hiapi.ai/x.png', expiresAt: 1_900_000_000_000 };
const shown = (prompt: string, withImage = true) => readCard({ components: [resultReply(JOB, info(prompt), withImage ? image : undefined, link).card] });

describe('the image card (Components V2)', () => {
	it('is one Container: the uploaded image in a Media Gallery, the text, then Reroll / Remix / Delete', () => {
		const reply = resultReply(JOB, info('a lighthouse'), image, link);
		expect(reply.card.type).toBe(ComponentType.Container);
		expect(reply.card.components.map((c) => c.type)).toEqual([ComponentType.MediaGallery, ComponentType.TextDisplay, ComponentType.ActionRow]);
		expect(reply.files).toEqual([{ name: `imagine-${JOB}.png`, data: image.bytes, contentType: 'image/png' }]);
		const card = readCard({ components: [reply.card] });
		expect(card.media).toEqual([`attachment://imagine-${JOB}.png`]);
		expect(card.prompt).toBe('a lighthouse');
		expect(card.facts).toEqual({
			'Requested by': '<@500000000000000001>',
			'Aspect ratio': '1:1',
			Time: '4.2 s',
			Cost: '$0.04',
			'Budget left': '$0.96',
			model: 'FLUX 1.1 Pro',
		});
		// The same custom ids as the embed cards posted before, so their buttons and these route alike.
		expect(card.buttons.map((b) => [b.label, parseCustomId(b.custom_id)])).toEqual([
			['Reroll', { command: 'imagine', action: 'reroll', jobId: JOB }],
			['Remix', { command: 'imagine', action: 'remix', jobId: JOB }],
			['Delete', { command: 'imagine', action: 'delete', jobId: JOB }],
		]);
		const row = reply.card.components[2];
		expect(row?.type === ComponentType.ActionRow && row.components.map((b) => b.type === ComponentType.Button && b.style)).toEqual([
			ButtonStyle.Secondary,
			ButtonStyle.Secondary,
			ButtonStyle.Danger,
		]);
		expect(reply.mentionUsers ?? []).toEqual([]);
	});

	it('names who rerolled or remixed', () => {
		for (const [kind, label] of [
			['reroll', 'Rerolled by'],
			['remix', 'Remixed by'],
		] as const) {
			const card = readCard({ components: [resultReply(JOB, { ...info('x'), kind }, image, link).card] });
			expect(card.facts[label]).toBe('<@500000000000000001>');
		}
	});

	it('too large to attach: the same card without a gallery, the link and its expiry in the text', () => {
		const reply = resultReply(JOB, info('a lighthouse'), undefined, link);
		expect(reply.files).toBeUndefined();
		expect(reply.card.components.map((c) => c.type)).toEqual([ComponentType.TextDisplay, ComponentType.ActionRow]);
		const card = readCard({ components: [reply.card] });
		expect(card.prompt).toBe(
			'a lighthouse\nThe image is larger than Discord allows here, so here is a link (it expires <t:1900000000:R>):\nhttps://cdn.hiapi.ai/x.png',
		);
		expect(card.facts['Budget left']).toBe('$0.96');
		expect(card.buttons).toHaveLength(3);
	});

	it('in the channel (token expired): the requester mentioned first in the text, and the only one who may be pinged', () => {
		const reply = withMention(resultReply(JOB, info('a lighthouse'), image, link), '500000000000000001');
		expect(reply.mentionUsers).toEqual(['500000000000000001']);
		const card = readCard({ components: [reply.card] });
		expect(card.text.startsWith('<@500000000000000001> a lighthouse\n-# ')).toBe(true);
		expect(card.media).toEqual([`attachment://imagine-${JOB}.png`]);
	});
});

describe('the image card with hostile prompts', () => {
	it.each(Object.entries(HOSTILE))('shows a %s prompt as typed, inert', (_name, prompt) => {
		const text = shown(prompt).prompt;
		expect(liveMarkup(text)).toEqual([]);
		expect(rendered(text)).toBe(prompt);
	});

	it('makes the masked link of the issue plain text, in the attached and the linked card alike', () => {
		expect(shown(HOSTILE.maskedLink).prompt).toBe('\\[free nitro](https://evil.example/claim)');
		expect(shown(HOSTILE.maskedLink, false).prompt.split('\n')[0]).toBe('\\[free nitro](https://evil.example/claim)');
	});

	it('names the requester by id only, and keeps a long prompt (and a mention in front) within the 4000-character text limit', () => {
		for (const withImage of [true, false]) {
			const card = readCard({
				components: [withMention(resultReply(JOB, info('*'.repeat(1500) + '@everyone'.repeat(100)), withImage ? image : undefined, link), '1').card],
			});
			expect(card.facts['Requested by']).toBe('<@500000000000000001>');
			expect(card.text.length).toBeLessThanOrEqual(4000);
			expect(card.facts['Budget left']).toBe('$0.96');
		}
	});
});
