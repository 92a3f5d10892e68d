// moderation/: the server's blocklist and its log channel.
// Terms a server's moderators refuse in prompts. Matching ignores case, accents, punctuation, invisible
// characters and look-alike letters, and works on whole words or phrases: "red fox" matches "A RED  Fox!",
// "réd fox" and "red f\u200Box", "gore" matches Cyrillic "gоre", "fox" does not match "foxglove".
import unhomoglyph from 'unhomoglyph';
import { z } from 'zod';
import type { Audit } from '../budget/audit.js';
import { type Store } from '../storage/store.js';
import { CORRUPT } from '../records/read.js';

export const MAX_TERMS = 200;
export const MAX_TERM_LENGTH = 100;

const listSchema = z.object({
	v: z.literal(1),
	terms: z.array(z.object({ term: z.string(), addedBy: z.string(), at: z.number() })).max(MAX_TERMS * 2),
});
type StoredList = z.infer<typeof listSchema>;
const key = (guildId: string) => `blocklist:${guildId}`;

/** Invisible characters (zero-width, soft hyphen, word joiner, variation selectors, tags...) and combining marks (accents). */
const DROPPED = /[\p{Default_Ignorable_Code_Point}\p{M}]+/gu;
const SEPARATORS = /[^\p{L}\p{N}]+/gu;
/** Rounds until a fixed point; every code point settles within 3 (test/unit/moderation/blocklist.test.ts checks them all). */
const MAX_ROUNDS = 4;

/** Compatibility forms split (full-width, ligatures), accents and invisibles dropped, case folded. */
function fold(text: string): string {
	// Upper then lower folds ß to ss as case folding does; JS lowercases a final Σ to ς, which folds to σ.
	return text.normalize('NFKD').replace(DROPPED, '').toUpperCase().toLowerCase().replaceAll('ς', 'σ');
}

/**
 * Words are runs of letters and digits of the text as written; each is then folded to its Unicode confusables
 * skeleton (Cyrillic "о" → "o", "0" → "o", "1" → "l", "m" → "rn"), after case folding, so that upper case
 * letters keep matching their lower case ("I" would otherwise read as "l") and both sides fold alike.
 */
function round(text: string): string {
	return fold(unhomoglyph(fold(text).replace(SEPARATORS, ' ')))
		.replace(SEPARATORS, ' ')
		.trim();
}

/** The form terms and prompts are compared in: folded words separated by one space. Idempotent. */
export function normalize(text: string): string {
	let current = text;
	for (let i = 0; i < MAX_ROUNDS; i++) {
		const next = round(current);
		if (next === current) break;
		current = next;
	}
	return current;
}

/** Terms are normalized once per process, not once per prompt (a list holds up to 200). */
const normalizedTerms = new Map<string, string>();
const MAX_CACHED_TERMS = 10_000;
function normalizeTerm(term: string): string {
	let found = normalizedTerms.get(term);
	if (found === undefined) {
		found = normalize(term);
		if (normalizedTerms.size >= MAX_CACHED_TERMS) normalizedTerms.clear();
		normalizedTerms.set(term, found);
	}
	return found;
}

/** Why a change was refused, as a code: /blocklist words it in the moderator's language (limits: MAX_*). */
export type BlocklistRefusal = 'badLength' | 'neverMatches' | 'already' | 'full' | 'notListed';

/** The term as stored terms are compared, or why it cannot be one. */
export function checkTerm(raw: string): { ok: true; normalized: string } | { ok: false; why: BlocklistRefusal } {
	const term = raw.trim();
	if (term.length === 0 || term.length > MAX_TERM_LENGTH) return { ok: false, why: 'badLength' };
	const normalized = normalize(term);
	if (!normalized) return { ok: false, why: 'neverMatches' };
	return { ok: true, normalized };
}

/** The first listed term that appears in the prompt as whole words, or undefined. */
export function findBlocked(prompt: string, terms: readonly string[]): string | undefined {
	const haystack = ` ${normalize(prompt)} `;
	return terms.find((t) => {
		const needle = normalizeTerm(t);
		return needle.length > 0 && haystack.includes(` ${needle} `);
	});
}

export type ChangeResult = { ok: true; count: number } | { ok: false; why: BlocklistRefusal };

export class Blocklist {
	constructor(
		private readonly store: Store,
		private readonly audit: Audit,
		private readonly now: () => number = Date.now,
	) {}

	async terms(guildId: string): Promise<string[]> {
		const stored = await this.store.get(key(guildId), listSchema);
		// An unreadable list blocks nothing but is logged by the store; refusing every prompt would be worse.
		return stored === undefined || stored === CORRUPT ? [] : stored.terms.map((t) => t.term);
	}

	/** The blocked term the prompt contains, if any (one read per prompt; lists are small). */
	async match(guildId: string, prompt: string): Promise<string | undefined> {
		const terms = await this.terms(guildId);
		return terms.length === 0 ? undefined : findBlocked(prompt, terms);
	}

	add(guildId: string, moderatorId: string, raw: string): Promise<ChangeResult> {
		const checked = checkTerm(raw);
		if (!checked.ok) return Promise.resolve(checked);
		const term = raw.trim();
		return this.store.write(async (tx) => {
			const list = await this.read(guildId, tx);
			if (list.terms.some((t) => normalize(t.term) === checked.normalized)) return { ok: false, why: 'already' };
			if (list.terms.length >= MAX_TERMS) return { ok: false, why: 'full' };
			list.terms.push({ term, addedBy: moderatorId, at: this.now() });
			await tx.set(key(guildId), list);
			await this.audit.record(tx, { guildId, moderatorId, targetId: null, action: 'blocklist-add', old: null, new: term });
			return { ok: true, count: list.terms.length };
		});
	}

	remove(guildId: string, moderatorId: string, raw: string): Promise<ChangeResult> {
		const normalized = normalize(raw);
		return this.store.write(async (tx) => {
			const list = await this.read(guildId, tx);
			const found = list.terms.find((t) => normalize(t.term) === normalized);
			if (!found || !normalized) return { ok: false, why: 'notListed' };
			list.terms = list.terms.filter((t) => t !== found);
			await tx.set(key(guildId), list);
			await this.audit.record(tx, { guildId, moderatorId, targetId: null, action: 'blocklist-remove', old: found.term, new: null });
			return { ok: true, count: list.terms.length };
		});
	}

	private async read(guildId: string, tx: { get: Store['get'] }): Promise<StoredList> {
		const stored = await tx.get(key(guildId), listSchema);
		return stored === undefined || stored === CORRUPT ? { v: 1, terms: [] } : stored;
	}
}
