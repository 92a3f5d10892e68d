// A member's role ids as the interaction payload carried them (role limits need no member fetch and no
// privileged intent). discord.js keeps them on a cached member as `_roles`; its `roles.cache` would
// also need the guild's role cache, which the bot does not rely on.
import { z } from 'zod';

const roleIds = z.array(z.string().regex(/^\d{17,20}$/));

/** `member` is what discord.js gives (a GuildMember, or the raw API member when the guild is not cached). */
export function memberRoleIds(member: unknown): string[] {
	if (!member || typeof member !== 'object') return [];
	const raw: unknown = 'roles' in member && Array.isArray(member.roles) ? member.roles : Reflect.get(member, '_roles');
	const parsed = roleIds.safeParse(raw);
	return parsed.success ? parsed.data : [];
}
