// What a member reads about a batch (`/imagine count:`): the refusal that says how many would fit, progress
// ("2 of 4 ready"), the note on a card where some images failed, and the links to images too large to attach.
import type { HiapiErrorKind } from '../hiapi/index.js';
import { formatUsd } from '../util/money.js';
import { discordTime } from './format.js';

/** N images did not fit every limit, but `fits` (≥ 1) would: nothing was reserved or submitted. */
export function batchRefusal(fits: number, count: number, price: number): string {
	const images = (n: number) => `${n} image${n === 1 ? '' : 's'}`;
	return [
		`There is budget for ${fits} of the ${count} images right now (${formatUsd(price)} each), so none were made.`,
		`Ask for ${images(fits)} or fewer. You were not charged.`,
	].join('\n');
}

export function batchProgressText(
	phase: 'waiting' | 'submitting' | 'queued' | 'running',
	elapsedMs: number,
	count: number,
	ready: number,
	position?: number,
): string {
	const elapsed = `${Math.floor(elapsedMs / 1000)} s`;
	switch (phase) {
		case 'waiting':
			return `⏳ Waiting for a free slot: you are #${position ?? 1} in line (${elapsed}).`;
		case 'submitting':
			return `⏳ Sending your ${count} prompts to the image service… (${elapsed})`;
		case 'queued':
		case 'running':
			return `🎨 Generating your ${count} images… ${ready} of ${count} ready (${elapsed})`;
	}
}

/** Why one image of a batch failed, in a few words (the card says it once per reason). */
export function batchFailReason(kind: HiapiErrorKind | 'internal', contentFilter: boolean): string {
	switch (kind) {
		case 'task_failed':
			return contentFilter ? "the image service's content filter rejected it" : "the image service couldn't generate it";
		case 'invalid_input':
			return 'the image service rejected the prompt';
		case 'timeout':
			return 'it took too long';
		case 'download_failed':
		case 'too_large':
			return "it couldn't be fetched from the image service";
		case 'rate_limited':
		case 'unavailable':
			return 'the image service was busy';
		case 'internal':
			return "something went wrong on the bot's side";
		case 'auth':
		case 'out_of_credit':
			return 'the image service refused the bot (tell a moderator)';
		case 'bad_response':
		case 'not_found':
			return 'the image service answered in a way the bot did not understand';
	}
}

/** On a card where some images failed: "3 of 4 images made; 1 failed: <why>. You were not charged for it." */
export function batchFailedNote(made: number, count: number, reasons: readonly string[]): string {
	const failed = count - made;
	const why = [...new Set(reasons)].join('; ');
	return `⚠️ ${made} of ${count} images made; ${failed} failed: ${why}. You were not charged for ${failed === 1 ? 'it' : 'them'}.`;
}

/** Images too large (together) to attach here: links, with when they expire. */
export function batchLinksNote(links: ReadonlyArray<{ url: string; expiresAt: number | undefined }>): string {
	const expiry = links.map((l) => l.expiresAt).find((t) => t !== undefined);
	const when = expiry === undefined ? '' : ` (they expire ${discordTime(expiry, 'R')})`;
	return [
		`${links.length === 1 ? 'One image is' : `${links.length} images are`} larger than Discord allows here, so here are links${when}:`,
		...links.map((l) => l.url),
	].join('\n');
}

/** The card's style fact. */
export const styleFact = (name: string) => `Style ${name}`;
