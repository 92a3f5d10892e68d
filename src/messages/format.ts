// How the bot formats what it shows: embed colours and Discord timestamps (rendered in each reader's time zone).

export const COLOR = { ok: 0x57f287, info: 0x5865f2, warn: 0xfee75c, error: 0xed4245 } as const;

/** Discord timestamp markup, rendered in each reader's time zone. */
export function discordTime(ms: number, style: 'R' | 'f' | 'F' | 'D' = 'f'): string {
	return `<t:${Math.floor(ms / 1000)}:${style}>`;
}

export function resetText(resetsAt: number | null): string {
	return resetsAt === null ? 'never (lifetime budget)' : `${discordTime(resetsAt)} (${discordTime(resetsAt, 'R')})`;
}
