// The ledger as commands see it: the money side (core.ts) plus the moderators' operations, each one write
// block that changes a setting and records who did it, so the change and its audit entry land together.
import type { AuditEntry } from '../records/audit.js';
import { formatUsd } from '../util/money.js';
import { type Tx } from '../storage/store.js';
import { CORRUPT } from '../records/read.js';
import { LedgerCore } from './ledger-core.js';
import { guildSettingsSchema, keys, userLimitSchema, type GuildSettings } from '../records/budget.js';

export class Ledger extends LedgerCore {
	/** Sets (or with `null` removes) a user's override. */
	setUserLimit(guildId: string, moderatorId: string, userId: string, limit: number | null): Promise<AuditEntry> {
		return this.store.write(async (tx) => {
			const key = keys.userLimit(guildId, userId);
			const before = await tx.get(key, userLimitSchema);
			const old = before === undefined ? null : before === CORRUPT ? 'unreadable' : formatUsd(before.limit);
			if (limit === null) await tx.delete(key);
			else await tx.set(key, { v: 1, limit });
			return this.audit.record(tx, {
				guildId,
				moderatorId,
				targetId: userId,
				action: limit === null ? 'clear' : 'set',
				old,
				new: limit === null ? null : formatUsd(limit),
			});
		});
	}

	/** Zeroes the user's spend in the current period: an allowance refund; guild and global totals keep the real spend. */
	async resetUser(guildId: string, moderatorId: string, userId: string): Promise<AuditEntry> {
		const before = await this.vault.resetSpend(guildId, this.currentPeriod().key, userId);
		const old = before === 'corrupt' ? 'unreadable' : formatUsd(before);
		return this.store.write((tx) =>
			this.audit.record(tx, { guildId, moderatorId, targetId: userId, action: 'reset', old: `spent ${old}`, new: `spent ${formatUsd(0)}` }),
		);
	}

	/** The guild's default per-user limit; `null` returns to the bot's default. */
	setGuildDefault(guildId: string, moderatorId: string, limit: number | null): Promise<AuditEntry> {
		const show = (v: number | undefined) => (v === undefined ? `bot default ${formatUsd(this.defaultLimit)}` : formatUsd(v));
		return this.updateGuild(guildId, moderatorId, null, 'default', (s) => {
			const old = show(s.defaultLimit);
			if (limit === null) delete s.defaultLimit;
			else s.defaultLimit = limit;
			return { old, new: show(limit ?? undefined) };
		});
	}

	/** The guild's total per period; `null` removes the cap. */
	setGuildCap(guildId: string, moderatorId: string, cap: number | null): Promise<AuditEntry> {
		const show = (v: number | undefined) => (v === undefined ? 'no cap' : formatUsd(v));
		return this.updateGuild(guildId, moderatorId, null, 'cap', (s) => {
			const old = show(s.cap);
			if (cap === null) delete s.cap;
			else s.cap = cap;
			return { old, new: show(cap ?? undefined) };
		});
	}

	/** The limit per period for members with a role; `null` removes it (0 is a real limit: no images). */
	setRoleLimit(guildId: string, moderatorId: string, roleId: string, limit: number | null): Promise<AuditEntry> {
		const show = (v: number | undefined) => (v === undefined ? 'none' : formatUsd(v));
		return this.updateGuild(guildId, moderatorId, roleId, 'role', (s) => {
			const roles = { ...s.roleLimits };
			const old = show(roles[roleId]);
			if (limit === null) delete roles[roleId];
			else roles[roleId] = limit;
			s.roleLimits = roles;
			return { old, new: show(limit ?? undefined) };
		});
	}

	/** Stops (or resumes) every new image in the guild; running jobs finish. */
	setPaused(guildId: string, moderatorId: string, paused: boolean): Promise<AuditEntry> {
		return this.updateGuild(guildId, moderatorId, null, paused ? 'pause' : 'resume', (s) => {
			const old = s.paused ? 'paused' : 'running';
			if (paused) s.paused = true;
			else delete s.paused;
			return { old, new: paused ? 'paused' : 'running' };
		});
	}

	/** Where budget changes and cap notes are posted; `null` stops posting. */
	setLogChannel(guildId: string, moderatorId: string, channelId: string | null): Promise<AuditEntry> {
		const show = (v: string | undefined) => (v === undefined ? 'off' : `<#${v}>`);
		return this.updateGuild(guildId, moderatorId, null, 'log', (s) => {
			const old = show(s.logChannelId);
			if (channelId === null) delete s.logChannelId;
			else s.logChannelId = channelId;
			return { old, new: show(channelId ?? undefined) };
		});
	}

	private updateGuild(
		guildId: string,
		moderatorId: string,
		targetId: string | null,
		action: AuditEntry['action'],
		change: (settings: GuildSettings) => { old: string; new: string },
	): Promise<AuditEntry> {
		return this.store.write(async (tx: Tx) => {
			const key = keys.guild(guildId);
			const stored = await tx.get(key, guildSettingsSchema);
			const next: GuildSettings = stored === undefined || stored === CORRUPT ? { v: 1 } : { ...stored };
			const shown = change(next);
			await tx.set(key, next);
			return this.audit.record(tx, { guildId, moderatorId, targetId, action, old: stored === CORRUPT ? 'unreadable' : shown.old, new: shown.new });
		});
	}
}
