// records/: stored shapes and their keys, validated on read (CORRUPT when not), and the custom ids on messages; no I/O.
// The stored job: what one image request is. The vaults keep it (with one marker per open or finished job
// locally, so no write rewrites a growing list).
import { z } from 'zod';
import { sortableTime } from '../util/text.js';
import { CORRUPT, type Read } from './read.js';

export const JOB_KINDS = ['imagine', 'reroll', 'remix'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

/** At most this many images per request (Discord's gallery holds 10; hiapi bills each). */
export const MAX_COUNT = 4;

/** The image shapes /imagine offers (and a member's default may name). */
export const ASPECT_RATIOS = ['1:1', '16:9', '9:16', '4:3', '3:4'] as const;

export const styleSnapshotSchema = z.object({
	name: z.string().min(1).max(32),
	/** The prompt template; `{prompt}` stands for the member's words. */
	template: z.string().min(1).max(500),
});
export type StyleSnapshot = z.infer<typeof styleSnapshotSchema>;

/** One image of a batch: its hiapi task once submitted, and how it ended (only 'delivered' is charged). */
export const batchImageSchema = z.object({
	state: z.enum(['pending', 'submitted', 'delivered', 'failed']),
	taskId: z.string().optional(),
	/** Why it failed (an error kind), for the log and the card. */
	outcome: z.string().max(64).optional(),
});
export type BatchImage = z.infer<typeof batchImageSchema>;

export const jobSchema = z.object({
	/** 1: written before buttons existed (no kind); 3: may carry count, style and private; all read the same way. */
	v: z.union([z.literal(1), z.literal(2), z.literal(3)]),
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
	/** The member's own words: shown on the card and in /history, prefilled by Remix, reused by Reroll. */
	prompt: z.string(),
	aspectRatio: z.string(),
	/** The style used, as it was when asked (a later edit or removal changes nothing for this job). */
	style: styleSnapshotSchema.optional(),
	/** Images asked for at once (1–4); absent on records from before batches. */
	count: z.number().int().min(1).max(MAX_COUNT).optional(),
	/** The whole exchange is only for the member (ephemeral reply, nothing posted in the channel). */
	private: z.boolean().optional(),
	/** A batch's images (count > 1), stored before the step that needs them; absent until its tasks are submitted. */
	images: z.array(batchImageSchema).max(MAX_COUNT).optional(),
	/** The requester's Discord locale (private texts), and the server's (public card, log channel); absent before localization. */
	locale: z.string().max(16).optional(),
	guildLocale: z.string().max(16).optional(),
	/** Price of ONE image; the reservation holds price × count. */
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

/** What hiapi is asked to draw: the style's template with the member's words in it, or the words alone. */
export function finalPrompt(prompt: string, style: StyleSnapshot | undefined): string {
	// A function, not the string: `$&` or `$'` in a prompt must arrive as typed, not as a replacement pattern.
	return style ? style.template.replaceAll('{prompt}', () => prompt) : prompt;
}

/** What the reservation holds: the price of every image asked for. */
export const heldAmount = (job: Pick<Job, 'price' | 'count'>): number => job.price * (job.count ?? 1);

/** The hiapi Idempotency-Key of image `i`: the interaction id for a single image (as before batches), else one per image. */
export const idempotencyKeyOf = (job: Pick<Job, 'id' | 'count'>, i: number): string => ((job.count ?? 1) > 1 ? `${job.id}-${i}` : job.id);

/** How many images a closing job is charged for: none when refunded, a batch's delivered ones, else its one image. */
export function chargedImages(job: Pick<Job, 'state' | 'images'>): number {
	if (job.state !== 'delivered') return 0;
	return job.images ? job.images.filter((i) => i.state === 'delivered').length : 1;
}

/** The job's hiapi task id(s), as the reservation notes them for the export (a batch's, space-separated). */
export function taskIdsOf(job: Pick<Job, 'taskId' | 'images'>): string | undefined {
	if (job.taskId) return job.taskId;
	const ids = (job.images ?? []).flatMap((i) => (i.taskId ? [i.taskId] : []));
	return ids.length > 0 ? ids.join(' ') : undefined;
}

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
