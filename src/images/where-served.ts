// Where an interaction is served, from what Discord says about it (context, guild, authorizing_integration_owners):
// the one place that tells a server that added the bot from a user install elsewhere, and refuses the unexpected.

/** Interaction contexts (docs: Interaction Object, Interaction Context Types). */
const GUILD = 0;
const BOT_DM = 1;
const PRIVATE_CHANNEL = 2;
/** Keys of authorizing_integration_owners: GUILD_INSTALL and USER_INSTALL. */
const GUILD_INSTALL = '0';
const USER_INSTALL = '1';

const SNOWFLAKE = /^\d{17,20}$/;

export type Served =
	/** A server that added the bot: its settings, caps, pause, blocklist and channel apply. */
	| { kind: 'server'; guildId: string }
	/** The bot's own DM: the member's personal scope; the bot may DM. */
	| { kind: 'dm' }
	/**
	 * A user install where the bot is not present (a server that did not add it, or a group DM): the member's
	 * personal scope, answered through the interaction's webhook only (no guild or channel REST), ≤ 5 follow-ups.
	 */
	| { kind: 'personal'; where: 'foreign-server' | 'group-dm' }
	/** Not served: `off` = a user install while USER_INSTALL is off; `unexpected` = a payload the bot does not expect. */
	| { kind: 'refused'; why: 'off' | 'unexpected'; detail: string };

/** What the decision reads, as Discord sent it (discord.js keeps the raw owners map). */
export interface Arrival {
	context: unknown;
	guildId: string | null;
	userId: string;
	owners: unknown;
}

/** True for a served kind whose money goes to the member's personal scope (ledger guildId null). */
export function isPersonal(served: Served): boolean {
	return served.kind === 'dm' || served.kind === 'personal';
}

export function whereServed(a: Arrival, userInstall: boolean): Served {
	const unexpected = (detail: string): Served => ({ kind: 'refused', why: 'unexpected', detail });
	const owners = ownersMap(a.owners);
	if (owners === undefined) return unexpected('owners map malformed');
	const byGuild = owners.get(GUILD_INSTALL);
	const byUser = owners.get(USER_INSTALL);
	if (byGuild === undefined && byUser === undefined) return unexpected('owners map empty');
	// '1' names the user who installed the app; for a command that is the member using it. A click by someone
	// else on a user-installed message would carry the installer's id: not served (their install, not the clicker's).
	if (byUser !== undefined && byUser !== a.userId && byGuild === undefined) return unexpected('user install of someone else');
	if (byUser !== undefined && !SNOWFLAKE.test(byUser)) return unexpected('user owner not an id');
	const personal = (where: 'foreign-server' | 'group-dm'): Served =>
		userInstall ? { kind: 'personal', where } : { kind: 'refused', why: 'off', detail: `user install in a ${where} while USER_INSTALL is off` };

	switch (a.context) {
		case GUILD: {
			if (a.guildId === null || !SNOWFLAKE.test(a.guildId)) return unexpected('guild context without a guild');
			if (byGuild === a.guildId) return { kind: 'server', guildId: a.guildId };
			if (byGuild !== undefined) return unexpected('guild owner is another server');
			return personal('foreign-server');
		}
		case BOT_DM: {
			if (a.guildId !== null) return unexpected('bot DM context with a guild');
			// A server install used in the bot's DM is keyed "0" → "0" (docs: Authorizing Integration Owners Object).
			if (byGuild !== undefined && byGuild !== '0') return unexpected('bot DM with a server owner');
			if (byUser !== undefined && byUser !== a.userId) return unexpected('bot DM of someone else');
			return { kind: 'dm' };
		}
		case PRIVATE_CHANNEL: {
			if (a.guildId !== null) return unexpected('group DM context with a guild');
			// Only a user install reaches a group DM; the user is the member using it.
			if (byGuild !== undefined || byUser !== a.userId) return unexpected('group DM without the user install');
			return personal('group-dm');
		}
		default:
			return unexpected(`unknown context ${String(a.context)}`);
	}
}

/** The owners map as string → string, keys '0' and '1' only; undefined when it is anything else. */
function ownersMap(raw: unknown): Map<string, string> | undefined {
	if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
	const map = new Map<string, string>();
	for (const [key, value] of Object.entries(raw)) {
		if ((key !== GUILD_INSTALL && key !== USER_INSTALL) || typeof value !== 'string') return undefined;
		map.set(key, value);
	}
	return map;
}

/** The fields of a discord.js interaction the decision reads. */
export interface ArrivingInteraction {
	context: unknown;
	guildId: string | null;
	user: { id: string };
	authorizingIntegrationOwners: unknown;
}

/** Reads an interaction as Discord sent it: discord.js keeps the raw owners map on a hidden `data` field. */
export function arrivalOf(interaction: ArrivingInteraction): Arrival {
	const owners = interaction.authorizingIntegrationOwners as { data?: unknown } | null | undefined;
	return { context: interaction.context, guildId: interaction.guildId, userId: interaction.user.id, owners: owners?.data };
}

export function servedOf(interaction: ArrivingInteraction, userInstall: boolean): Served {
	return whereServed(arrivalOf(interaction), userInstall);
}

/** The ledger's guild for a served interaction: the server that added the bot, else null (the personal scope). */
export function ledgerGuildId(served: Served): string | null {
	return served.kind === 'server' ? served.guildId : null;
}
