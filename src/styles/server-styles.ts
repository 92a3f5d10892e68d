// styles/: prompt templates, built in and per server: their rules, storage, and finding one by name.
// A server's own styles: one small record per server (at most 25, so one read answers autocomplete), changed
// only inside a store write with its audit entry; on Redis, under a per-server lock, so two processes of the
// fleet never both add the 25th style.
import { z } from 'zod';
import type { Audit } from '../budget/audit.js';
import { CORRUPT } from '../records/read.js';
import { withRedisLock } from '../storage/redis-lock.js';
import type { Store, Tx } from '../storage/store.js';
import { DEFAULT_PREFIX, vaultKey } from '../vault/redis-keys.js';
import { styleTexts } from '../messages/style-texts.js';
import { BUILT_IN_STYLES } from './built-in.js';
import { checkName, checkTemplate, MAX_SERVER_STYLES, NAME_MAX, nameKey, TEMPLATE_MAX } from './rules.js';

const storedStyleSchema = z.object({
	name: z.string().min(1).max(NAME_MAX),
	template: z.string().min(1).max(TEMPLATE_MAX),
	addedBy: z.string(),
	at: z.number(),
});
export type ServerStyle = z.infer<typeof storedStyleSchema>;
const listSchema = z.object({ v: z.literal(1), styles: z.array(storedStyleSchema).max(MAX_SERVER_STYLES * 2) });
type StoredList = z.infer<typeof listSchema>;

export const stylesKey = (guildId: string) => `styles:${guildId}`;
const lockKey = (guildId: string) => vaultKey(DEFAULT_PREFIX, 'lock', 'styles', guildId);
/** The change itself takes milliseconds; an interaction must be answered within 3 s. */
const LOCK = { ttlMs: 5_000, waitMs: 1_500, pollMs: 20, purpose: "a change to a server's styles" } as const;

export type StyleChange = { ok: true; style: ServerStyle; count: number } | { ok: false; why: string };

/** The audit entry's text for a style: its name and template, as the moderator gave them. */
export const auditText = (s: Pick<ServerStyle, 'name' | 'template'>) => `${s.name}: ${s.template}`;

export class ServerStyles {
	constructor(
		private readonly store: Store,
		private readonly audit: Audit,
		private readonly now: () => number = Date.now,
	) {}

	/** The server's styles by name (one read); an unreadable list reads as empty (the store logs it). */
	async list(guildId: string): Promise<ServerStyle[]> {
		const stored = await this.store.get(stylesKey(guildId), listSchema);
		return stored === undefined || stored === CORRUPT ? [] : sortByName(stored.styles);
	}

	/** Refusals are worded in `locale` (the moderator's). */
	add(guildId: string, moderatorId: string, rawName: string, rawTemplate: string, locale?: string | null): Promise<StyleChange> {
		const text = styleTexts(locale);
		const name = checkName(rawName, locale);
		if (!name.ok) return Promise.resolve(name);
		const template = checkTemplate(rawTemplate, locale);
		if (!template.ok) return Promise.resolve(template);
		const key = nameKey(name.value);
		if (BUILT_IN_STYLES.some((s) => nameKey(s.name) === key)) return Promise.resolve({ ok: false, why: text.builtInName(name.value) });
		return this.change(guildId, async (tx) => {
			const list = await this.read(guildId, tx);
			if (list.styles.some((s) => nameKey(s.name) === key)) return { ok: false, why: text.already(name.value) };
			if (list.styles.length >= MAX_SERVER_STYLES) return { ok: false, why: text.full(MAX_SERVER_STYLES) };
			const style: ServerStyle = { name: name.value, template: template.value, addedBy: moderatorId, at: this.now() };
			list.styles.push(style);
			await tx.set(stylesKey(guildId), list);
			await this.audit.record(tx, { guildId, moderatorId, targetId: null, action: 'style-add', old: null, new: auditText(style) });
			return { ok: true, style, count: list.styles.length };
		});
	}

	remove(guildId: string, moderatorId: string, rawName: string, locale?: string | null): Promise<StyleChange> {
		const text = styleTexts(locale);
		const key = nameKey(rawName);
		const shown = rawName.trim().slice(0, 100);
		if (BUILT_IN_STYLES.some((s) => nameKey(s.name) === key)) return Promise.resolve({ ok: false, why: text.builtInRemove(shown) });
		return this.change(guildId, async (tx) => {
			const list = await this.read(guildId, tx);
			const found = key ? list.styles.find((s) => nameKey(s.name) === key) : undefined;
			if (!found) return { ok: false, why: text.notListed(shown) };
			list.styles = list.styles.filter((s) => s !== found);
			await tx.set(stylesKey(guildId), list);
			await this.audit.record(tx, { guildId, moderatorId, targetId: null, action: 'style-remove', old: auditText(found), new: null });
			return { ok: true, style: found, count: list.styles.length };
		});
	}

	/** A read-modify-write of the server's list: alone in this process (the store's write), and in the fleet (the lock). */
	private change(guildId: string, fn: (tx: Tx) => Promise<StyleChange>): Promise<StyleChange> {
		const redis = this.store.redis;
		if (!redis) return this.store.write(fn);
		return withRedisLock(redis, lockKey(guildId), LOCK, () => this.store.write(fn));
	}

	private async read(guildId: string, tx: Pick<Tx, 'get'>): Promise<StoredList> {
		const stored = await tx.get(stylesKey(guildId), listSchema);
		return stored === undefined || stored === CORRUPT ? { v: 1, styles: [] } : stored;
	}
}

function sortByName(styles: readonly ServerStyle[]): ServerStyle[] {
	return [...styles].sort((a, b) => nameKey(a.name).localeCompare(nameKey(b.name)));
}
