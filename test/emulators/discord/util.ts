/** Constants and small helpers shared by every part of the Discord emulator. */
import { type APIUser, type UserFlags, PermissionFlagsBits } from 'discord-api-types/v10';
import type { EmulatedUser } from './types.js';

const DISCORD_EPOCH = 1_420_070_400_000n;
export const DEFAULT_ATTACHMENT_LIMIT = 10 * 1024 * 1024;
export const BOT_USERNAME = 'imagine-bot';
export const DEFAULT_USER: EmulatedUser = { id: '200000000000000001', username: 'tester' };
export const GUILD_OWNER_ID = '300000000000000001';

const bits = (...flags: bigint[]): string => flags.reduce((a, b) => a | b, 0n).toString();

export const DEFAULT_MEMBER_PERMISSIONS = bits(
	PermissionFlagsBits.ViewChannel,
	PermissionFlagsBits.SendMessages,
	PermissionFlagsBits.EmbedLinks,
	PermissionFlagsBits.AttachFiles,
	PermissionFlagsBits.ReadMessageHistory,
	PermissionFlagsBits.AddReactions,
	PermissionFlagsBits.UseApplicationCommands,
);
export const DEFAULT_APP_PERMISSIONS = bits(
	PermissionFlagsBits.ViewChannel,
	PermissionFlagsBits.SendMessages,
	PermissionFlagsBits.SendMessagesInThreads,
	PermissionFlagsBits.EmbedLinks,
	PermissionFlagsBits.AttachFiles,
	PermissionFlagsBits.ReadMessageHistory,
	PermissionFlagsBits.AddReactions,
	PermissionFlagsBits.UseExternalEmojis,
);

let lastSnowflake = 0n;
/** Strictly increasing across every emulator in the process, so interaction ids sort by dispatch order. */
export function snowflake(): string {
	const candidate = (BigInt(Date.now()) - DISCORD_EPOCH) << 22n;
	lastSnowflake = candidate > lastSnowflake ? candidate : lastSnowflake + 1n;
	return lastSnowflake.toString();
}

export function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function iso(ms: number = Date.now()): string {
	return new Date(ms).toISOString().replace('Z', '+00:00');
}

export function makeUser(u: EmulatedUser): APIUser {
	return {
		id: u.id,
		username: u.username ?? `user${u.id.slice(-4)}`,
		discriminator: '0',
		global_name: u.bot ? null : (u.username ?? null),
		avatar: null,
		...(u.bot ? { bot: true } : {}),
		public_flags: 0 as UserFlags,
	};
}
