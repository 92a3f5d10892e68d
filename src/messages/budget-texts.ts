// /budget's replies, refusals and embeds, by subcommand (a moderator reads them; member names are shown inert).
import type { APIEmbed, APIEmbedField } from 'discord.js';
import type { Standing } from '../budget/ledger-core.js';
import type { PriceSource } from '../budget/pricing.js';
import type { AuditEntry } from '../records/audit.js';
import type { GuildSettings } from '../records/budget.js';
import type { TopRow } from '../vault/vault.js';
import { formatUsd } from '../util/money.js';
import { inert, resetText } from './format.js';
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

const PRICE_SOURCE: Record<PriceSource, string> = {
	config: 'set by the operator',
	live: "hiapi's price",
	'last-known': "hiapi's last known price",
	fallback: 'fallback',
};

const field = (name: string, value: string, inline: boolean): APIEmbedField => ({ name, value, inline });

export const BUDGET = {
	onlyInServer: '`/budget` works only in a server.',
	needsManageServer: 'You need the Manage Server permission to manage budgets.',
	/** `raw` as the moderator typed it (shown inert). */
	badAmount: (raw: string, allowOff: boolean) =>
		`"${inert(raw)}" is not a valid amount: use dollars from 0 to 10,000 with at most 2 decimals (e.g. 5 or 2.50)${allowOff ? ", or 'off'" : ''}.`,
	botTarget: 'Bots do not have image budgets.',

	show: (target: Target, st: Standing, price: number): BudgetEmbed => ({
		title: `Budget of ${inert(target.username)}`,
		description: `<@${target.id}>`,
		fields: [
			field('Spent', formatUsd(st.spent), true),
			field('In progress', formatUsd(st.reserved), true),
			field('Limit', `${formatUsd(st.limit)} (${limitSourceText(st.limitSource, 'moderator')})`, true),
			field('Remaining', formatUsd(st.remaining), true),
			field('Images', String(st.images), true),
			field('Price per image', formatUsd(price), true),
			field('Resets', resetText(st.period.resetsAt), false),
			...(st.guild ? [field('Server cap', `${formatUsd(st.guild.spent)} spent of ${formatUsd(st.guild.limit ?? 0)}`, false)] : []),
			...(st.corrupt ? [field('⚠️ Unreadable record', 'Use `/budget reset` to repair it.', false)] : []),
		],
	}),
	set: (userId: string, limit: number, e: AuditEntry): BudgetEmbed => ({
		title: 'Limit set',
		description: `<@${userId}> may now spend ${formatUsd(limit)} per period (was ${e.old ?? 'not overridden'}).`,
	}),
	clear: (userId: string, e: AuditEntry): BudgetEmbed => ({
		title: 'Override removed',
		description: `<@${userId}> is back on their role, server or bot limit (override was ${e.old ?? 'not set'}).`,
	}),
	reset: (userId: string, e: AuditEntry): BudgetEmbed => ({
		title: 'Spend reset',
		description: `<@${userId}>'s spend this period is now $0.00 (${e.old}).`,
	}),
	/** A member's changes, or without one the server's. */
	history: (target: Target | null, entries: readonly AuditEntry[]): BudgetEmbed => ({
		title: target ? `Budget changes for ${inert(target.username)}` : 'Server-wide changes',
		description: entries.length ? entries.map(auditLine).join('\n') : 'No changes recorded.',
	}),

	defaultSet: (e: AuditEntry): BudgetEmbed => ({ title: 'Server default updated', description: `${e.old} → **${e.new}** per period.` }),
	capSet: (e: AuditEntry): BudgetEmbed => ({ title: 'Server cap updated', description: `${e.old} → **${e.new}** per period.` }),
	roleSet: (roleId: string, removed: boolean, e: AuditEntry): BudgetEmbed => ({
		title: removed ? 'Role limit removed' : 'Role limit set',
		description: `<@&${roleId}>: ${e.old} → **${e.new}** per period. A member's highest role limit applies, unless they have an override.`,
	}),
	settings: (v: SettingsView): BudgetEmbed => {
		const s = v.settings;
		const roles = Object.entries(s.roleLimits ?? {}).sort(([, a], [, b]) => b - a);
		const roleLines = roles.map(([id, limit]) => `<@&${id}> ${formatUsd(limit)}`).join('\n');
		return {
			title: 'Budget settings for this server',
			fields: [
				field('Default per member', s.defaultLimit === undefined ? `${formatUsd(v.botDefault)} (bot default)` : formatUsd(s.defaultLimit), true),
				field('Server cap', s.cap === undefined ? 'none' : formatUsd(s.cap), true),
				field('Price per image', `${formatUsd(v.price)} (${PRICE_SOURCE[v.priceSource]})`, true),
				field('Role limits', roles.length ? roleLines.slice(0, 1024) : 'none', false),
				field('Image making', s.paused ? '⏸️ paused' : '▶️ running', true),
				field('Log channel', s.logChannelId ? `<#${s.logChannelId}>` : 'off', true),
				field('Blocklist', `${v.terms} term${v.terms === 1 ? '' : 's'}`, true),
				field('Period', `resets ${resetText(v.resetsAt)}`, false),
			],
		};
	},
	paused: (e: AuditEntry): BudgetEmbed => ({
		title: '⏸️ Image making paused',
		description: `No new images in this server until \`/budget resume\`. Images already in progress finish. (${e.old} → ${e.new})`,
	}),
	resumed: (e: AuditEntry): BudgetEmbed => ({ title: '▶️ Image making resumed', description: `Members can make images again. (${e.old} → ${e.new})` }),
	logChannelRefused: (channelId: string) => `I can't post in <#${channelId}>. Give me View Channel, Send Messages and Embed Links there, then try again.`,
	logSet: (on: boolean, e: AuditEntry): BudgetEmbed => ({ title: on ? 'Log channel set' : 'Log channel off', description: `${e.old} → **${e.new}**` }),

	exportTooLarge: (which: string, bytes: number) =>
		`The ${which} period's export is too large to attach (${(bytes / 1_048_576).toFixed(1)} MiB even compressed).`,
	exported: (which: string, periodKey: string, charges: number, auditEntries: number, gzipped: boolean) =>
		`Charges (${charges}) and changes (${auditEntries}) for the ${which} period (${periodKey}, UTC)${gzipped ? ', compressed to fit' : ''}.`,
	top: (rows: readonly TopRow[]): BudgetEmbed => ({
		title: 'Top spenders this period',
		description: rows.length
			? rows.map((r, i) => `${i + 1}. <@${r.userId}> ${formatUsd(r.spent)} (${r.images} image${r.images === 1 ? '' : 's'})`).join('\n')
			: 'Nobody has spent anything this period.',
	}),
} as const;
