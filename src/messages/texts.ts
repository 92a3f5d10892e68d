// messages/: every text a member or moderator reads, the image card, and UserError.
// Everything a member or moderator reads: short, specific, friendly, never a stack trace or upstream text.
import type { CapNote, Standing } from '../budget/ledger-core.js';
import type { LimitSource } from '../budget/limits.js';
import type { HiapiErrorKind } from '../hiapi/index.js';
import type { AuditEntry } from '../records/audit.js';
import { formatUsd } from '../util/money.js';
import type { RefusalReason } from '../vault/vault.js';
import { discordTime, inert, resetText } from './format.js';
import { styleAuditText } from './style-texts.js';

export function refusalMessage(reason: RefusalReason, s: Standing, price: number): string {
	switch (reason) {
		case 'user':
			return [
				`You don't have enough budget left for an image (${formatUsd(price)} each).`,
				`Spent ${formatUsd(s.spent)}${s.reserved ? ` (+${formatUsd(s.reserved)} in progress)` : ''} of your ${formatUsd(s.limit)} limit; it resets ${resetText(s.period.resetsAt)}.`,
			].join('\n');
		case 'guild':
			return `This server's image budget is used up for now (${formatUsd(s.guild?.limit ?? 0)} per period); it resets ${resetText(s.period.resetsAt)}.`;
		case 'global':
			return `The bot has reached its operator's spending ceiling for now; it resets ${resetText(s.period.resetsAt)}.`;
		case 'corrupt':
			return 'Your budget record could not be read, so nothing can be charged to it. A moderator can fix it with `/budget reset`.';
	}
}

const NOT_CHARGED = 'You were not charged.';

/** The message for a job that ended without an image, by what went wrong. */
export function failureMessage(
	kind: HiapiErrorKind | 'internal' | 'undeliverable',
	ref: string,
	detail?: { contentFilter?: boolean; download?: boolean },
): string {
	const text = (() => {
		switch (kind) {
			case 'invalid_input':
				return 'The image service rejected this prompt. Try rewording it.';
			case 'task_failed':
				return detail?.contentFilter
					? "The image service's content filter rejected this prompt. Try a different one."
					: "The image couldn't be generated this time. Try again, or try a different prompt.";
			case 'rate_limited':
			case 'unavailable':
				return 'The image service is busy right now. Try again in a minute.';
			case 'timeout':
				// The image was made; fetching it from the image service ran out of time.
				if (detail?.download) return "The image was made but the bot couldn't fetch it from the image service in time. Try again.";
				return 'The image took too long to generate, so the bot gave up.';
			case 'auth':
				return 'The bot is misconfigured (its image service key was refused). Please tell a moderator.';
			case 'out_of_credit':
				return "The bot's image service account is out of credit. Please tell a moderator.";
			case 'download_failed':
			case 'too_large':
				return "The image was made but the bot couldn't fetch it from the image service. Try again.";
			case 'bad_response':
			case 'not_found':
				return 'The image service answered in a way the bot did not understand. Try again shortly.';
			case 'undeliverable':
				return 'The image could not be delivered here.';
			case 'internal':
				return `Something went wrong on the bot's side (ref \`${ref}\`).`;
		}
	})();
	return `⚠️ ${text} ${NOT_CHARGED}`;
}

export function progressText(phase: 'waiting' | 'submitting' | 'queued' | 'running', elapsedMs: number, position?: number): string {
	const elapsed = `${Math.floor(elapsedMs / 1000)} s`;
	switch (phase) {
		case 'waiting':
			return `⏳ Waiting for a free slot: you are #${position ?? 1} in line (${elapsed}).`;
		case 'submitting':
			return `⏳ Sending your prompt to the image service… (${elapsed})`;
		case 'queued':
			return `⏳ Queued at the image service… (${elapsed})`;
		case 'running':
			return `🎨 Generating your image… (${elapsed})`;
	}
}

export const TEXT = {
	internalError: (ref: string) => `Something went wrong on the bot's side. If it keeps happening, tell a moderator (ref \`${ref}\`).`,
	unknownCommand: "This command isn't available any more. The bot's commands may need redeploying.",
	restarting: 'The bot is restarting. Try again in a few seconds.',
	tooOld: 'This image is too old for its buttons to work any more. Use `/imagine` to make a new one.',
	notOurs: "This button isn't one the bot knows any more. Use `/imagine` to make a new image.",
	unreadableJob: "This image's record could not be read, so its buttons can't be used. Use `/imagine` instead.",
	notHere: "This button isn't available here. Use `/imagine` to make a new image.",
	everyoneRole: 'Every member has `@everyone`, so its limit is the server default: set it with `/budget default` instead.',
	paused: 'Image making is paused in this server.',
	storeDown: "The bot can't reach its database right now. Try again shortly. You were not charged.",
	tooMany: (max: number) => `You already have ${max} image${max === 1 ? '' : 's'} in progress. Wait for one to finish.`,
	onlyRequesterDeletes: (requesterId: string | undefined) =>
		requesterId ? `Only <@${requesterId}> or a moderator can delete this.` : 'Only the person who made this image or a moderator can delete it.',
	blocked: (term: string | undefined) =>
		term === undefined
			? "Your prompt contains a term this server doesn't allow. Try a different prompt. You were not charged."
			: `Your prompt matches the blocked term "${inert(term)}" (shown because you can manage this server). You were not charged.`,
	badPrompt: (length: number, max: number) =>
		length === 0 ? 'Your prompt is empty. Describe the image you want.' : `Your prompt is too long (${length} characters; the limit is ${max}).`,
	badRatio: (ratios: readonly string[]) => `Aspect ratio must be one of ${ratios.join(', ')}.`,
	badCount: (max: number) => `Count must be a whole number from 1 to ${max}.`,
} as const;

/** /blocklist's answers. Terms are shown as the moderator typed them, inert. */
export const BLOCKLIST_TEXT = {
	onlyInServer: '`/blocklist` works only in a server.',
	needsManageServer: 'You need the Manage Server permission to change the blocklist.',
	badLength: (max: number) => `A term must be 1–${max} characters.`,
	neverMatches: 'That term has no letters or digits, so it would never match anything.',
	already: (term: string) => `"${inert(term)}" is already on the list.`,
	full: (max: number) => `The list is full (${max} terms). Remove one first.`,
	notListed: (term: string) => `"${inert(term)}" is not on the list.`,
	added: (term: string, count: number, max: number) =>
		`Prompts containing **${inert(term)}** (in any case, with accents, invisible characters or look-alike letters, as whole words) are now refused. ${count} of ${max} terms used.`,
	removed: (term: string, count: number) => `**${inert(term)}** is no longer blocked. ${count} term${count === 1 ? '' : 's'} left.`,
	addedTitle: 'Term blocked',
	removedTitle: 'Term allowed again',
	listTitle: (count: number, max: number) => `Blocked terms (${count} of ${max})`,
	list: (terms: readonly string[]) => (terms.length ? terms.map((t) => `• ${inert(t)}`).join('\n') : 'No terms are blocked. Add one with `/blocklist add`.'),
} as const;

/** Where a member's limit comes from, worded for the member or for a moderator. Role mentions ping nobody. */
export function limitSourceText(source: LimitSource, audience: 'member' | 'moderator'): string {
	switch (source.kind) {
		case 'override':
			return audience === 'member' ? 'set for you by a moderator' : 'override';
		case 'role':
			return `role <@&${source.roleId}>`;
		case 'guild':
			return audience === 'member' ? "this server's default" : 'server default';
		case 'default':
			return audience === 'member' ? "the bot's default" : 'bot default';
	}
}

/** The private note after an image leaves its requester with less than 20 % of their limit. */
export function lowBudgetText(remaining: number, limit: number, price: number, resetsAt: number | null): string {
	const left = Math.floor(remaining / Math.max(1, price));
	return `💡 You have ${formatUsd(remaining)} of your ${formatUsd(limit)} image budget left (about ${left} more image${left === 1 ? '' : 's'}). It resets ${resetText(resetsAt)}.`;
}

/** One audit entry as moderators read it (history, log channel). Mentions ping nobody; blocklist terms are shown inert. */
export function auditLine(e: AuditEntry): string {
	const target = e.targetId === null ? '' : e.action === 'role' ? ` <@&${e.targetId}>` : ` <@${e.targetId}>`;
	const what =
		styleAuditText(e) ??
		(e.action === 'blocklist-add'
			? `blocked "${inert(e.new ?? '')}"`
			: e.action === 'blocklist-remove'
				? `unblocked "${inert(e.old ?? '')}"`
				: `${e.old ?? '—'} → ${e.new ?? '—'}`);
	return `${discordTime(e.at)} <@${e.moderatorId}> **${e.action}**${target}: ${what}`;
}

/** The log channel's posts: its first message, each budget or blocklist change, and the 80 % / 100 % cap notes. */
export const MOD_LOG_TEXT = {
	hello: (moderatorId: string) => `📒 Budget changes and cap notes for this server will be posted here (set by <@${moderatorId}>).`,
	changeTitle: '📒 Budget change',
	capTitle: (threshold: number) => `⚠️ ${threshold} % of the cap`,
	cap: (note: CapNote) =>
		note.threshold === 100
			? `This server has used its whole image budget for the period: ${formatUsd(note.spent)} of ${formatUsd(note.cap)}. New images are refused until it resets ${resetText(note.period.resetsAt)}.`
			: `This server has used ${note.threshold} % of its image budget for the period: ${formatUsd(note.spent)} of ${formatUsd(note.cap)}. It resets ${resetText(note.period.resetsAt)}.`,
} as const;
