// messages/: every text a member or moderator reads (per locale: i18n.ts and locales/), the image card, and UserError.
// Everything a member or moderator reads: short, specific, friendly, never a stack trace or upstream text.
// Each function takes the reader's locale last (a raw Discord locale is fine; absent or unknown is English).
import type { CapNote, Standing } from '../budget/ledger-core.js';
import type { LimitSource } from '../budget/limits.js';
import type { HiapiErrorKind } from '../hiapi/index.js';
import type { AuditEntry } from '../records/audit.js';
import type { RefusalReason } from '../vault/vault.js';
import { discordTime, inert, resetText } from './format.js';
import { perLocale, translator, type MessageKey } from './i18n.js';
import { styleAuditText } from './style-texts.js';

export function refusalMessage(reason: RefusalReason, s: Standing, price: number, locale?: string | null): string {
	const { t, usd } = translator(locale);
	const reset = resetText(s.period.resetsAt, locale);
	switch (reason) {
		case 'user':
			return [
				t('refusal.user', { price: usd(price) }),
				t('refusal.userSpent', { spent: usd(s.spent), reserved: s.reserved ? usd(s.reserved) : 'none', limit: usd(s.limit), reset }),
			].join('\n');
		case 'guild':
			return t('refusal.guild', { limit: usd(s.guild?.limit ?? 0), reset });
		case 'global':
			return t('refusal.global', { reset });
		case 'corrupt':
			return t('refusal.corrupt');
	}
}

const FAILURE: Record<Exclude<HiapiErrorKind, 'task_failed' | 'timeout'> | 'undeliverable', MessageKey> = {
	invalid_input: 'failure.invalidInput',
	rate_limited: 'failure.busy',
	unavailable: 'failure.busy',
	auth: 'failure.auth',
	out_of_credit: 'failure.outOfCredit',
	download_failed: 'failure.download',
	too_large: 'failure.download',
	bad_response: 'failure.badResponse',
	not_found: 'failure.badResponse',
	undeliverable: 'failure.undeliverable',
};

/** The message for a job that ended without an image, by what went wrong. */
export function failureMessage(
	kind: HiapiErrorKind | 'internal' | 'undeliverable',
	ref: string,
	detail?: { contentFilter?: boolean; download?: boolean },
	locale?: string | null,
): string {
	const { t } = translator(locale);
	const text =
		kind === 'internal'
			? t('failure.internal', { ref })
			: kind === 'task_failed'
				? t(detail?.contentFilter ? 'failure.contentFilter' : 'failure.taskFailed')
				: kind === 'timeout'
					? // The image was made; fetching it from the image service ran out of time.
						t(detail?.download ? 'failure.downloadTimeout' : 'failure.timeout')
					: t(FAILURE[kind]);
	return `⚠️ ${text} ${t('failure.notCharged')}`;
}

export function progressText(phase: 'waiting' | 'submitting' | 'queued' | 'running', elapsedMs: number, position?: number, locale?: string | null): string {
	const { t } = translator(locale);
	const seconds = Math.floor(elapsedMs / 1000);
	return phase === 'waiting' ? t('progress.waiting', { position: position ?? 1, seconds }) : t(`progress.${phase}`, { seconds });
}

/** Short replies and refusals; `texts(locale)` in a handler, TEXT (English) where no locale is at hand. */
export const texts = perLocale(({ t }) => ({
	internalError: (ref: string) => t('text.internalError', { ref }),
	unknownCommand: t('text.unknownCommand'),
	restarting: t('text.restarting'),
	tooOld: t('text.tooOld'),
	notOurs: t('text.notOurs'),
	unreadableJob: t('text.unreadableJob'),
	notHere: t('text.notHere'),
	everyoneRole: t('text.everyoneRole'),
	paused: t('text.paused'),
	storeDown: t('text.storeDown'),
	tooMany: (max: number) => t('text.tooMany', { max }),
	onlyRequesterDeletes: (requesterId: string | undefined) =>
		requesterId ? t('text.onlyRequesterDeletes', { requesterId }) : t('text.onlyRequesterDeletesAnon'),
	blocked: (term: string | undefined) => (term === undefined ? t('text.blockedHidden') : t('text.blockedTerm', { term: inert(term) })),
	badPrompt: (length: number, max: number) => (length === 0 ? t('text.promptEmpty') : t('text.promptTooLong', { length, max })),
	badRatio: (ratios: readonly string[]) => t('text.badRatio', { ratios: ratios.join(', ') }),
	badCount: (max: number) => t('text.badCount', { max }),
}));
export const TEXT = texts('en-US');

/** /blocklist's answers. Terms are shown as the moderator typed them, inert. */
export const blocklistTexts = perLocale(({ t }) => ({
	onlyInServer: t('blocklist.onlyInServer'),
	needsManageServer: t('blocklist.needsManageServer'),
	badLength: (max: number) => t('blocklist.badLength', { max }),
	neverMatches: t('blocklist.neverMatches'),
	already: (term: string) => t('blocklist.already', { term: inert(term) }),
	full: (max: number) => t('blocklist.full', { max }),
	notListed: (term: string) => t('blocklist.notListed', { term: inert(term) }),
	added: (term: string, count: number, max: number) => t('blocklist.added', { term: inert(term), count, max }),
	removed: (term: string, count: number) => t('blocklist.removed', { term: inert(term), count }),
	addedTitle: t('blocklist.addedTitle'),
	removedTitle: t('blocklist.removedTitle'),
	listTitle: (count: number, max: number) => t('blocklist.listTitle', { count, max }),
	list: (terms: readonly string[]) => (terms.length ? terms.map((term) => `• ${inert(term)}`).join('\n') : t('blocklist.empty')),
}));
export const BLOCKLIST_TEXT = blocklistTexts('en-US');

/** Where a member's limit comes from, worded for the member or for a moderator. Role mentions ping nobody. */
export function limitSourceText(source: LimitSource, audience: 'member' | 'moderator', locale?: string | null): string {
	const { t } = translator(locale);
	const who = audience === 'member' ? 'Member' : 'Moderator';
	return source.kind === 'role' ? t('limitSource.role', { roleId: source.roleId }) : t(`limitSource.${source.kind}${who}`);
}

/** The private note after an image leaves its requester with less than 20 % of their limit. */
export function lowBudgetText(remaining: number, limit: number, price: number, resetsAt: number | null, locale?: string | null): string {
	const { t, usd } = translator(locale);
	const left = Math.floor(remaining / Math.max(1, price));
	return t('lowBudget', { remaining: usd(remaining), limit: usd(limit), left, reset: resetText(resetsAt, locale) });
}

/**
 * One audit entry as moderators read it (history, log channel). Mentions ping nobody; blocklist terms are shown inert.
 * The action (`limit`, `cap`…) and the old and new values are the audit record's own words, as recorded.
 */
export function auditLine(e: AuditEntry, locale?: string | null): string {
	const { t } = translator(locale);
	const target = e.targetId === null ? '' : e.action === 'role' ? ` <@&${e.targetId}>` : ` <@${e.targetId}>`;
	const what =
		styleAuditText(e, locale) ??
		(e.action === 'blocklist-add'
			? t('audit.blocked', { term: inert(e.new ?? '') })
			: e.action === 'blocklist-remove'
				? t('audit.unblocked', { term: inert(e.old ?? '') })
				: `${e.old ?? '—'} → ${e.new ?? '—'}`);
	return `${discordTime(e.at)} <@${e.moderatorId}> **${e.action}**${target}: ${what}`;
}

/** The log channel's posts (in the server's language): its first message, each change, and the 80 % / 100 % cap notes. */
export const modLogTexts = perLocale(({ locale, t, usd }) => ({
	hello: (moderatorId: string) => t('modLog.hello', { moderatorId }),
	changeTitle: t('modLog.changeTitle'),
	capTitle: (threshold: number) => t('modLog.capTitle', { threshold }),
	cap: (note: CapNote) => {
		const values = { threshold: note.threshold, spent: usd(note.spent), cap: usd(note.cap), reset: resetText(note.period.resetsAt, locale) };
		return note.threshold === 100 ? t('modLog.capFull', values) : t('modLog.capNear', values);
	},
	auditLine: (e: AuditEntry) => auditLine(e, locale),
}));
