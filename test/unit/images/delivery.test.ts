// deliverReply: edit the original while the token lives (transient failures retried, 4xx not), then the channel
// with a mention where the bot may post, else 'undeliverable'. Retries sleep for real (1 s), so only two tests wait.
import { describe, expect, it } from 'vitest';
import { deliverReply, TOKEN_LIFETIME_MS } from '../../../src/images/delivery.js';
import type { Job } from '../../../src/records/job.js';
import { resultReply, type DeliveredInfo } from '../../../src/messages/cards.js';
import type { Reply } from '../../../src/messages/reply.js';
import { readCard } from '../../support/card.js';
import { captureLogger, makeJob, RecordingDelivery } from './harness.js';

const reply: Reply = {
	content: 'here it is',
	embeds: [{ description: 'a red fox' }],
	files: [{ name: 'imagine-1.png', data: Buffer.from('png'), contentType: 'image/png' }],
};
const INFO: DeliveredInfo = { prompt: 'a red fox', aspectRatio: '1:1', seconds: 3, price: 50_000, remaining: 150_000, requesterId: '', kind: 'imagine' };
const httpError = (status: number, code?: number) => Object.assign(new Error(`HTTP ${status}`), { status, ...(code === undefined ? {} : { code }) });

function setup(over: Partial<Job> = {}) {
	const delivery = new RecordingDelivery();
	const { logger, lines } = captureLogger();
	const job = makeJob(over);
	let clock = job.createdAt + 60_000;
	return {
		delivery,
		job,
		lines,
		advance: (ms: number) => (clock += ms),
		deliver: (r: Reply = reply, signal?: AbortSignal) => deliverReply(delivery, job, r, logger, () => clock, signal),
	};
}

describe('deliverReply', () => {
	it('edits the original response once when Discord takes it', async () => {
		const t = setup();
		expect(await t.deliver()).toBe('reply');
		expect(t.delivery.calls).toEqual([{ op: 'edit', jobId: t.job.id, reply }]);
	});

	it('retries a transient failure (5xx) and then edits', async () => {
		const t = setup();
		t.delivery.fail('edit', httpError(500));
		expect(await t.deliver()).toBe('reply');
		expect(t.delivery.of(t.job.id).map((c) => [c.op, c.failed === undefined])).toEqual([
			['edit', false],
			['edit', true],
		]);
		expect(t.lines.find((l) => l.msg === 'editing the reply failed; retrying')).toMatchObject({ status: 500, retryInMs: 1000 });
	});

	it('stops retrying at once when shutdown aborts it (the job stays open for whoever resumes it)', async () => {
		const t = setup();
		t.delivery.fail('edit', httpError(503));
		const abort = new AbortController();
		const delivering = t.deliver(reply, abort.signal);
		await new Promise((resolve) => setTimeout(resolve, 50)); // the first edit failed; now in the 1 s pause before the retry
		abort.abort();
		await expect(delivering).rejects.toThrow(/abort/i);
		expect(t.delivery.of(t.job.id)).toHaveLength(1); // no retry, no channel post
	});

	it('does not retry a 4xx refusal, and without channel permission gives up', async () => {
		const t = setup({ canPostInChannel: false });
		t.delivery.fail('edit', httpError(400, 50035), Infinity);
		expect(await t.deliver()).toBe('undeliverable');
		expect(t.delivery.calls).toHaveLength(1);
		expect(t.lines.find((l) => l.msg === 'Discord refused the reply edit')).toMatchObject({ level: 50, status: 400, code: 50035 });
	});

	it('posts in the channel, mentioning the requester, when the token has expired (50027)', async () => {
		const t = setup({ canPostInChannel: true });
		t.delivery.fail('edit', httpError(401, 50027), Infinity);
		expect(await t.deliver()).toBe('channel');
		expect(t.delivery.of(t.job.id, 'edit')).toHaveLength(1);
		expect(t.lines.filter((l) => l.level >= 50)).toEqual([]);
		const [post] = t.delivery.of(t.job.id, 'post');
		expect(post?.reply).toEqual({ ...reply, content: `<@${t.job.userId}> here it is`, mentionUsers: [t.job.userId] });
	});

	it('posts the card in the channel with the requester mentioned first in its text, and may ping only them', async () => {
		const t = setup({ canPostInChannel: true });
		t.delivery.fail('edit', httpError(401, 50027), Infinity);
		const card = resultReply(
			t.job.id,
			{ ...INFO, requesterId: t.job.userId },
			{ bytes: Buffer.from('png'), extension: 'png', contentType: 'image/png' },
			{ url: 'https://cdn/x', expiresAt: undefined },
		);
		expect(await t.deliver(card)).toBe('channel');
		const posted = t.delivery.of(t.job.id, 'post')[0]!.reply;
		expect(posted.mentionUsers).toEqual([t.job.userId]);
		expect(posted.files).toEqual(card.files);
		const shown = readCard({ components: 'card' in posted ? [posted.card] : [] });
		expect(shown.text.startsWith(`<@${t.job.userId}> a red fox\n-# Requested by <@${t.job.userId}>`)).toBe(true);
		expect(shown.media).toEqual([`attachment://imagine-${t.job.id}.png`]);
		expect(shown.buttons.map((b) => b.label)).toEqual(['Reroll', 'Remix', 'Delete']);
	});

	it('is undeliverable when the webhook is unknown (10015) and the bot may not post in the channel', async () => {
		const t = setup({ canPostInChannel: false });
		t.delivery.fail('edit', httpError(404, 10015), Infinity);
		expect(await t.deliver()).toBe('undeliverable');
		expect(t.delivery.calls.map((c) => c.op)).toEqual(['edit']);
		// A gone token is expected, not Discord refusing a reply: no error logged for it.
		expect(t.lines.filter((l) => l.level >= 50)).toEqual([]);
	});

	it('does not touch a token past its lifetime: straight to the channel', async () => {
		const t = setup({ canPostInChannel: true });
		t.advance(TOKEN_LIFETIME_MS);
		expect(await t.deliver()).toBe('channel');
		expect(t.delivery.calls.map((c) => c.op)).toEqual(['post']);
	});

	it('stops retrying once the token lifetime runs out during the retries', async () => {
		const t = setup({ canPostInChannel: true });
		t.delivery.onCall = (call) => {
			if (call.op === 'edit') t.advance(TOKEN_LIFETIME_MS);
		};
		t.delivery.fail('edit', httpError(503), Infinity);
		expect(await t.deliver()).toBe('channel');
		expect(t.delivery.calls.map((c) => c.op)).toEqual(['edit', 'post']);
	});

	it('is undeliverable when the channel post fails too, and truncates a long mention post to 2000 characters', async () => {
		const t = setup({ canPostInChannel: true });
		t.advance(TOKEN_LIFETIME_MS);
		t.delivery.fail('post', httpError(403, 50013));
		expect(await t.deliver()).toBe('undeliverable');
		expect(t.lines.find((l) => l.msg === 'posting in the channel failed')).toMatchObject({ channelId: t.job.channelId });

		expect(await t.deliver({ content: 'x'.repeat(2500) })).toBe('channel');
		const posted = t.delivery.contents(t.job.id, 'post')[0]!;
		expect(posted).toHaveLength(2000);
		expect(posted.startsWith(`<@${t.job.userId}> xxx`)).toBe(true);
	});
});
