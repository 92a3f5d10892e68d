/**
 * What interactions refer to: guild roles (created on first reference, announced with GUILD_ROLE_CREATE so
 * discord.js's role cache agrees with member.roles), the channel an interaction happens in, and data.resolved
 * for USER, ROLE, MENTIONABLE and CHANNEL options.
 */
import {
	type APIApplicationCommandInteractionDataOption,
	type APIInteractionDataResolved,
	type APIInteractionDataResolvedChannel,
	type APIRole,
	type APIUser,
	type RoleFlags,
	ApplicationCommandOptionType,
	GatewayDispatchEvents,
} from 'discord-api-types/v10';
import { memberBase, textChannel } from './payloads.js';
import type { EmulatorState } from './state.js';
import type { EmulatedRole, EmulatedUser } from './types.js';
import { DEFAULT_MEMBER_PERMISSIONS, makeUser } from './util.js';

/** A gateway dispatch to send before the interaction that needed it. */
export interface PendingDispatch {
	t: GatewayDispatchEvents;
	d: unknown;
}

export function makeRole(r: EmulatedRole): APIRole {
	const color = r.color ?? 0;
	return {
		id: r.id,
		name: r.name ?? `role-${r.id.slice(-4)}`,
		color,
		colors: { primary_color: color, secondary_color: null, tertiary_color: null },
		hoist: false,
		icon: null,
		unicode_emoji: null,
		position: r.position ?? 1,
		permissions: r.permissions ?? '0',
		managed: false,
		mentionable: false,
		flags: 0 as RoleFlags,
	};
}

/**
 * The guild's roles for `ids`, creating the ones it lacks (described by `described`, else generated) and
 * updating ones `described` changes; each creation/update is queued as GUILD_ROLE_CREATE/UPDATE.
 */
export function ensureRoles(state: EmulatorState, guildId: string, ids: Iterable<string>, described: EmulatedRole[], pending: PendingDispatch[]): APIRole[] {
	let roles = state.guildRoles.get(guildId);
	if (!roles) {
		roles = new Map();
		state.guildRoles.set(guildId, roles);
	}
	const out: APIRole[] = [];
	for (const id of new Set(ids)) {
		// @everyone (id = guild id) and the bot's managed role come with GUILD_CREATE; a ROLE option naming
		// @everyone still gets it in data.resolved.roles, as Discord sends it.
		if (id === guildId) out.push(makeRole({ id, name: '@everyone', position: 0, permissions: DEFAULT_MEMBER_PERMISSIONS }));
		if (id === guildId || id === state.botRoleIds.get(guildId)) continue;
		const description = described.find((r) => r.id === id);
		const existing = roles.get(id);
		let role = existing;
		if (!existing || (description && JSON.stringify(makeRole(description)) !== JSON.stringify(existing))) {
			role = makeRole(description ?? { id });
			roles.set(id, role);
			pending.push({ t: existing ? GatewayDispatchEvents.GuildRoleUpdate : GatewayDispatchEvents.GuildRoleCreate, d: { guild_id: guildId, role } });
		}
		if (role) out.push(role);
	}
	return out;
}

/** The guild text channel an interaction happens in, built as GET /channels/:id builds it (unknown ids get the next position). */
export function guildChannel(state: EmulatorState, guildId: string, channelId: string): ReturnType<typeof textChannel> {
	const guild = state.guilds.find((g) => g.id === guildId);
	const position = guild?.channelIds.indexOf(channelId) ?? -1;
	return textChannel(guildId, channelId, position >= 0 ? position : (guild?.channelIds.length ?? 0));
}

export interface ResolveInput {
	options: APIApplicationCommandInteractionDataOption[];
	guildId: string | null;
	/** The invoking member's permissions: resolved members' and channels' `permissions`. */
	permissions: string;
	users: EmulatedUser[];
	roles: EmulatedRole[];
}

/** data.resolved for USER, ROLE, MENTIONABLE and CHANNEL options: given entries first, generated ones for other ids. */
export function resolveOptions(state: EmulatorState, input: ResolveInput, pending: PendingDispatch[]): APIInteractionDataResolved | null {
	const users = new Map<string, APIUser>();
	for (const u of input.users) users.set(u.id, makeUser(u));
	const roleIds: string[] = [];
	const channelIds: string[] = [];
	const isRole = (id: string): boolean =>
		input.roles.some((r) => r.id === id) || (input.guildId !== null && state.guildRoles.get(input.guildId)?.has(id) === true);
	const addUser = (id: string): void => {
		if (!users.has(id)) users.set(id, state.knownUsers.get(id) ?? makeUser({ id }));
	};
	const walk = (options: APIApplicationCommandInteractionDataOption[]): void => {
		for (const option of options) {
			if (option.type === ApplicationCommandOptionType.User) addUser(option.value);
			if (option.type === ApplicationCommandOptionType.Role) roleIds.push(option.value);
			if (option.type === ApplicationCommandOptionType.Mentionable) {
				if (isRole(option.value)) roleIds.push(option.value);
				else addUser(option.value);
			}
			if (option.type === ApplicationCommandOptionType.Channel) channelIds.push(option.value);
			if ('options' in option && option.options) walk(option.options);
		}
	};
	walk(input.options);
	if (users.size === 0 && roleIds.length === 0 && channelIds.length === 0) return null;

	const resolved: APIInteractionDataResolved = {};
	if (users.size > 0) {
		for (const u of users.values()) state.knownUsers.set(u.id, u);
		resolved.users = Object.fromEntries(users);
		if (input.guildId !== null) {
			const { user: _user, ...member } = memberBase(state);
			const guildId = input.guildId;
			resolved.members = Object.fromEntries(
				[...users.keys()].map((id) => [id, { ...member, roles: state.memberRoles.get(`${guildId}:${id}`) ?? [], permissions: input.permissions }]),
			);
		}
	}
	if (roleIds.length > 0 && input.guildId !== null) {
		resolved.roles = Object.fromEntries(ensureRoles(state, input.guildId, roleIds, input.roles, pending).map((r) => [r.id, r]));
	}
	if (channelIds.length > 0 && input.guildId !== null) {
		const guildId = input.guildId;
		resolved.channels = Object.fromEntries(
			channelIds.map((id) => {
				const { permission_overwrites: _overwrites, ...channel } = guildChannel(state, guildId, id);
				const partial: APIInteractionDataResolvedChannel = { ...channel, permissions: input.permissions };
				return [id, partial];
			}),
		);
	}
	return resolved;
}
