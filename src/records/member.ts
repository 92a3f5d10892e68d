// A member's own records, the same in every server: their /imagine defaults, and one marker per image they
// made (their /history), so listing a member's images never rewrites a record that grows.
import { z } from 'zod';
import { sortableTime } from '../util/text.js';
import { ASPECT_RATIOS, MAX_COUNT } from './job.js';

/** What /imagine uses for options the member left out. Every field is checked on write and on read. */
export const memberSettingsSchema = z.object({
	v: z.literal(1),
	aspectRatio: z.enum(ASPECT_RATIOS).optional(),
	/** A style by name (resolved in the server where /imagine runs; ignored where it does not exist). */
	style: z.string().min(1).max(32).optional(),
	count: z.number().int().min(1).max(MAX_COUNT).optional(),
	private: z.boolean().optional(),
});
export type MemberSettings = z.infer<typeof memberSettingsSchema>;
export type MemberDefaults = Omit<MemberSettings, 'v'>;

/** One delivered image in a member's history; where its message is when it was posted for everyone. */
export const historyMarkerSchema = z.object({
	v: z.literal(1),
	jobId: z.string().regex(/^\d{1,20}$/),
	createdAt: z.number(),
	/** The delivered message (public images only: a private one has no link). */
	message: z.object({ guildId: z.string().nullable(), channelId: z.string(), messageId: z.string() }).optional(),
});
export type HistoryMarker = z.infer<typeof historyMarkerSchema>;

export const memberKeys = {
	settings: (userId: string) => `member:settings:${userId}`,
	/** Local stores: one marker per image, by time, so a member's newest come first in a reverse scan. */
	history: (userId: string, createdAt: number, jobId: string) => `member:history:${userId}:${sortableTime(createdAt)}:${jobId}`,
	historyPrefix: (userId: string) => `member:history:${userId}:`,
};
