// Which limit applies to a member: their override, else the highest limit among their roles that have one,
// else the server default, else the bot default. Pure, so the precedence is easy to see and test.
import type { GuildSettings } from '../records/budget.js';

export type LimitSource = { kind: 'override' } | { kind: 'role'; roleId: string } | { kind: 'guild' } | { kind: 'default' };

export interface ResolvedLimit {
	limit: number;
	source: LimitSource;
}

export function resolveLimit(o: {
	override: number | undefined;
	roleIds: readonly string[];
	settings: GuildSettings | undefined;
	botDefault: number;
}): ResolvedLimit {
	if (o.override !== undefined) return { limit: o.override, source: { kind: 'override' } };
	let best: { roleId: string; limit: number } | undefined;
	const roleLimits = o.settings?.roleLimits ?? {};
	for (const roleId of o.roleIds) {
		const limit = roleLimits[roleId];
		// A role at 0 is a real limit: it only loses to another role of the member with a higher one.
		if (limit !== undefined && (best === undefined || limit > best.limit)) best = { roleId, limit };
	}
	if (best) return { limit: best.limit, source: { kind: 'role', roleId: best.roleId } };
	if (o.settings?.defaultLimit !== undefined) return { limit: o.settings.defaultLimit, source: { kind: 'guild' } };
	return { limit: o.botDefault, source: { kind: 'default' } };
}
