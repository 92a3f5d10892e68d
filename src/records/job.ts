// records/: stored shapes and their keys, validated on read (CORRUPT when not), and the custom ids on messages; no I/O.
// The stored job: what one image request is. The vaults keep it (with one marker per open or finished job
// locally, so no write rewrites a growing list).
import { z } from 'zod';
import { sortableTime } from '../util/text.js';
import { CORRUPT, type Read } from './read.js';

export const JOB_KINDS = ['imagine', 'reroll', 'remix'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

export const jobSchema = z.object({
	/** 1: written before buttons existed (no kind); read the same way. */
	v: z.union([z.literal(1), z.literal(2)]),
	/** The interaction id: also the reservation id and the hiapi Idempotency-Key. */
	id: z.string(),
	token: z.string(),
	applicationId: z.string(),
	userId: z.string(),
	/** Shown in exports; absent on records from before it was kept. */
	userName: z.string().optional(),
	/** The member's roles when they asked (role limits), from the interaction payload. */
	roleIds: z.array(z.string()).optional(),
	guildId: z.string().nullable(),
	channelId: z.string(),
	kind: z.enum(JOB_KINDS).default('imagine'),
	/** The job whose button started this one (Reroll, Remix). */
	sourceJobId: z.string().optional(),
	prompt: z.string(),
	aspectRatio: z.string(),
	price: z.number().int().positive(),
	attachmentSizeLimit: z.number().int().positive(),
	/** The bot may post with attachments in the channel (from the interaction's app_permissions). */
	canPostInChannel: z.boolean(),
	state: z.enum(['reserved', 'submitted', 'delivered', 'refunded']),
	taskId: z.string().optional(),
	outcome: z.string().optional(),
	/**
	 * Set on an open job whose image was delivered but whose commit failed ("delivered, commit pending"): it is
	 * committed from the resume path and never run or delivered again. Absent on every record before it existed.
	 */
	deliveredAt: z.number().optional(),
	createdAt: z.number(),
	updatedAt: z.number(),
	submittedAt: z.number().optional(),
	finishedAt: z.number().optional(),
});
export type Job = z.infer<typeof jobSchema>;

export const jobKeys = {
	job: (id: string) => `jobs:${id}`,
	/** One per open job: what a restart resumes. */
	open: (id: string) => `jobs:open:${id}`,
	openPrefix: 'jobs:open:',
	/** One per finished job, by finish time: what retention prunes, oldest first. */
	done: (finishedAt: number, id: string) => `jobs:done:${sortableTime(finishedAt)}:${id}`,
	donePrefix: 'jobs:done:',
};

export function isJob(read: Read<Job>): read is Job {
	return read !== undefined && read !== CORRUPT;
}
