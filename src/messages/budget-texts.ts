// /budget's replies, refusals and embeds, by subcommand (a moderator reads them, in their locale; member names are shown inert).
import type { APIEmbed, APIEmbedField } from 'discord.js';
import type { Standing } from '../budget/ledger-core.js';
import type { PriceSource } from '../budget/pricing.js';
import type { AuditEntry } from '../records/audit.js';
import type { GuildSettings } from '../records/budget.js';
import type { TopRow } from '../vault/vault.js';
import { inert, resetText } from './format.js';
import { perLocale, type MessageKey } from './i18n.js';
import { auditLine, limitSourceText } from './texts.js';

/** The parts of a /budget embed the catalogue words (the command adds the colour). */
export type BudgetEmbed = Pick<APIEmbed, 'title' | 'description' | 'fields'>;

/** The member a subcommand is about: `username` as Discord gives it (shown inert). */
export interface Target {
	id: string;
	username: string;
}

/** What `/budget settings` shows; amounts in micro-dollars. */
export interface SettingsView {
	settings: GuildSettings;
	botDefault: number;
	price: number;
	priceSource: PriceSource;
	terms: number;
	resetsAt: number | null;
}

const PRICE_SOURCE: Record<PriceSource, MessageKey> = {
	config: 'budget.priceConfig',
	live: 'budget.priceLive',
	'last-known': 'budget.priceLastKnown',
	fallback: 'budget.priceFallback',
};

const field = (name: string, value: string, inline: boolean): APIEmbedField => ({ name, value, inline });

/** `budgetTexts(interaction.locale)` in a handler; BUDGET is the English one. */
export const budgetTexts = perLocale(({ locale, t, usd }) => ({
	onlyInServer: t('budget.onlyInServer'),
	needsManageServer: t('budget.needsManageServer'),
	/** `raw` as the moderator typed it (shown inert). */
	badAmount: (raw: string, allowOff: boolean) => t('budget.badAmount', { raw: inert(raw), allowOff: allowOff ? 'yes' : 'no' }),
	botTarget: t('budget.botTarget'),

	show: (target: Target, st: Standing, price: number): BudgetEmbed => ({
		title: t('budget.showTitle', { name: inert(target.username) }),
		description: `<@${target.id}>`,
		fields: [
			field(t('budget.spent'), usd(st.spent), true),
			field(t('budget.inProgress'), usd(st.reserved), true),
			field(t('budget.limit'), t('budget.amountWithSource', { amount: usd(st.limit), source: limitSourceText(st.limitSource, 'moderator', locale) }), true),
			field(t('budget.remaining'), usd(st.remaining), true),
			field(t('budget.images'), String(st.images), true),
			field(t('budget.pricePerImage'), usd(price), true),
			field(t('budget.resets'), resetText(st.period.resetsAt, locale), false),
			...(st.guild ? [field(t('budget.serverCap'), t('budget.serverCapValue', { spent: usd(st.guild.spent), cap: usd(st.guild.limit ?? 0) }), false)] : []),
			...(st.corrupt ? [field(t('budget.unreadableTitle'), t('budget.unreadable'), false)] : []),
		],
	}),
	set: (userId: string, limit: number, e: AuditEntry): BudgetEmbed => ({
		title: t('budget.setTitle'),
		description: t('budget.set', { userId, limit: usd(limit), old: e.old ?? t('budget.notOverridden') }),
	}),
	clear: (userId: string, e: AuditEntry): BudgetEmbed => ({
		title: t('budget.clearTitle'),
		description: t('budget.clear', { userId, old: e.old ?? t('budget.notSet') }),
	}),
	reset: (userId: string, e: AuditEntry): BudgetEmbed => ({
		title: t('budget.resetTitle'),
		description: t('budget.reset', { userId, zero: usd(0), old: e.old ?? '—' }),
	}),
	/** A member's changes, or without one the server's. */
	history: (target: Target | null, entries: readonly AuditEntry[]): BudgetEmbed => ({
		title: target ? t('budget.historyMember', { name: inert(target.username) }) : t('budget.historyServer'),
		description: entries.length ? entries.map((e) => auditLine(e, locale)).join('\n') : t('budget.noChanges'),
	}),

	defaultSet: (e: AuditEntry): BudgetEmbed => ({ title: t('budget.defaultTitle'), description: t('budget.change', { old: e.old ?? '—', new: e.new ?? '—' }) }),
	capSet: (e: AuditEntry): BudgetEmbed => ({ title: t('budget.capTitle'), description: t('budget.change', { old: e.old ?? '—', new: e.new ?? '—' }) }),
	roleSet: (roleId: string, removed: boolean, e: AuditEntry): BudgetEmbed => ({
		title: t(removed ? 'budget.roleRemovedTitle' : 'budget.roleSetTitle'),
		description: t('budget.role', { roleId, old: e.old ?? '—', new: e.new ?? '—' }),
	}),
	settings: (v: SettingsView): BudgetEmbed => {
		const s = v.settings;
		const roles = Object.entries(s.roleLimits ?? {}).sort(([, a], [, b]) => b - a);
		const roleLines = roles.map(([id, limit]) => `<@&${id}> ${usd(limit)}`).join('\n');
		return {
			title: t('budget.settingsTitle'),
			fields: [
				field(t('budget.defaultPerMember'), s.defaultLimit === undefined ? t('budget.botDefault', { amount: usd(v.botDefault) }) : usd(s.defaultLimit), true),
				field(t('budget.serverCap'), s.cap === undefined ? t('budget.none') : usd(s.cap), true),
				field(t('budget.pricePerImage'), t('budget.amountWithSource', { amount: usd(v.price), source: t(PRICE_SOURCE[v.priceSource]) }), true),
				field(t('budget.roleLimits'), roles.length ? roleLines.slice(0, 1024) : t('budget.none'), false),
				field(t('budget.imageMaking'), t(s.paused ? 'budget.pausedState' : 'budget.runningState'), true),
				field(t('budget.logChannel'), s.logChannelId ? `<#${s.logChannelId}>` : t('budget.off'), true),
				field(t('budget.blocklist'), t('budget.terms', { count: v.terms }), true),
				field(t('budget.period'), t('budget.resetsAt', { reset: resetText(v.resetsAt, locale) }), false),
			],
		};
	},
	paused: (e: AuditEntry): BudgetEmbed => ({ title: t('budget.pausedTitle'), description: t('budget.paused', { old: e.old ?? '—', new: e.new ?? '—' }) }),
	resumed: (e: AuditEntry): BudgetEmbed => ({ title: t('budget.resumedTitle'), description: t('budget.resumed', { old: e.old ?? '—', new: e.new ?? '—' }) }),
	logChannelRefused: (channelId: string) => t('budget.logChannelRefused', { channelId }),
	logSet: (on: boolean, e: AuditEntry): BudgetEmbed => ({
		title: t(on ? 'budget.logSetTitle' : 'budget.logOffTitle'),
		description: t('budget.logChange', { old: e.old ?? '—', new: e.new ?? '—' }),
	}),

	exportTooLarge: (which: string, bytes: number) => t('budget.exportTooLarge', { which, mib: bytes / 1_048_576 }),
	exported: (which: string, periodKey: string, charges: number, auditEntries: number, gzipped: boolean) =>
		t('budget.exported', { which, periodKey, charges, auditEntries, gzipped: gzipped ? 'yes' : 'no' }),
	top: (rows: readonly TopRow[]): BudgetEmbed => ({
		title: t('budget.topTitle'),
		description: rows.length
			? rows.map((r, i) => t('budget.topRow', { rank: i + 1, userId: r.userId, spent: usd(r.spent), images: r.images })).join('\n')
			: t('budget.topEmpty'),
	}),
}));
export const BUDGET = budgetTexts('en-US');
