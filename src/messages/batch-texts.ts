// What a member reads about a batch (`/imagine count:`): the refusal that says how many would fit, progress
// ("2 of 4 ready"), the note on a card where some images failed, and the links to images too large to attach.
// Each takes the reader's locale (the refusal: the requester's; progress and the card: the card's, cards.ts).
import type { HiapiErrorKind } from '../hiapi/index.js';
import { discordTime } from './format.js';
import { perLocale, type MessageKey } from './i18n.js';

const WHY: Record<HiapiErrorKind | 'internal', MessageKey> = {
	task_failed: 'batch.why.taskFailed',
	invalid_input: 'batch.why.invalidInput',
	timeout: 'batch.why.timeout',
	download_failed: 'batch.why.download',
	too_large: 'batch.why.download',
	rate_limited: 'batch.why.busy',
	unavailable: 'batch.why.busy',
	internal: 'batch.why.internal',
	auth: 'batch.why.refused',
	out_of_credit: 'batch.why.refused',
	bad_response: 'batch.why.badResponse',
	not_found: 'batch.why.badResponse',
};

/** `batchTexts(locale)`; BATCH_TEXT is the English one. */
export const batchTexts = perLocale(({ t, usd }) => ({
	/** N images did not fit every limit, but `fits` (≥ 1) would: nothing was reserved or submitted. */
	refusal: (fits: number, count: number, price: number) => [t('batch.refusal', { fits, count, price: usd(price) }), t('batch.refusalAsk', { fits })].join('\n'),

	progress: (phase: 'waiting' | 'submitting' | 'queued' | 'running', elapsedMs: number, count: number, ready: number, position?: number) => {
		const seconds = Math.floor(elapsedMs / 1000);
		switch (phase) {
			case 'waiting':
				return t('progress.waiting', { position: position ?? 1, seconds });
			case 'submitting':
				return t('batch.submitting', { count, seconds });
			case 'queued':
			case 'running':
				return t('batch.generating', { count, ready, seconds });
		}
	},

	/** Why one image of a batch failed, in a few words (the card says it once per reason). */
	failReason: (kind: HiapiErrorKind | 'internal', contentFilter: boolean) => t(kind === 'task_failed' && contentFilter ? 'batch.why.contentFilter' : WHY[kind]),

	/** On a card where some images failed: "3 of 4 images made; 1 failed: <why>. You were not charged for it." */
	failedNote: (made: number, count: number, reasons: readonly string[]) =>
		t('batch.failedNote', { made, count, failed: count - made, why: [...new Set(reasons)].join('; ') }),

	/** Images too large (together) to attach here: links, with when they expire. */
	linksNote: (links: ReadonlyArray<{ url: string; expiresAt: number | undefined }>) => {
		const expiry = links.map((l) => l.expiresAt).find((at) => at !== undefined);
		const lead = expiry === undefined ? t('batch.links', { n: links.length }) : t('batch.linksExpire', { n: links.length, relative: discordTime(expiry, 'R') });
		return [lead, ...links.map((l) => l.url)].join('\n');
	},

	/** The card's style fact (the name arrives inert). */
	styleFact: (name: string) => t('batch.styleFact', { name }),
}));
export const BATCH_TEXT = batchTexts('en-US');
