// The stored job: what one image request is, and the small indexes that find open and old jobs.
// One record per job plus one marker per open or finished job, so no write rewrites a growing list.
import { z } from 'zod';
import { CORRUPT, type Read, type Store, type Tx } from './store.js';

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
	createdAt: z.number(),
	updatedAt: z.number(),
	submittedAt: z.number().optional(),
	finishedAt: z.number().optional(),
});
export type Job = z.infer<typeof jobSchema>;
export type NewJob = Omit<Job, 'v' | 'state' | 'createdAt' | 'updatedAt' | 'kind'> & { kind?: JobKind };

const markerSchema = z.object({ v: z.literal(1) });
const MARKER = { v: 1 } as const;
const pad = (ms: number) => String(Math.max(0, Math.floor(ms))).padStart(13, '0');

export const jobKeys = {
	job: (id: string) => `jobs:${id}`,
	/** One per open job: what a restart resumes. */
	open: (id: string) => `jobs:open:${id}`,
	openPrefix: 'jobs:open:',
	/** One per finished job, by finish time: what retention prunes, oldest first. */
	done: (finishedAt: number, id: string) => `jobs:done:${pad(finishedAt)}:${id}`,
	donePrefix: 'jobs:done:',
};

export async function readJob(store: Store | Tx, id: string): Promise<Read<Job>> {
	return store.get(jobKeys.job(id), jobSchema);
}

/** Writes a new job and marks it open. */
export async function insertJob(tx: Tx, job: Job): Promise<void> {
	await tx.set(jobKeys.job(job.id), job);
	await tx.set(jobKeys.open(job.id), MARKER);
}

/** Writes the final record, closes the job and files it for retention. */
export async function closeJob(tx: Tx, job: Job & { finishedAt: number }): Promise<void> {
	await tx.set(jobKeys.job(job.id), job);
	await tx.delete(jobKeys.open(job.id));
	await tx.set(jobKeys.done(job.finishedAt, job.id), MARKER);
}

/** Ids of open jobs, oldest id first. */
export async function openJobIds(store: Store): Promise<string[]> {
	const ids: string[] = [];
	for await (const { key } of store.scan(jobKeys.openPrefix, markerSchema)) ids.push(key.slice(jobKeys.openPrefix.length));
	// Snowflakes: a shorter id is older; equal lengths compare as text.
	return ids.sort((a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Deletes finished jobs that ended before `cutoff`, `batch` at a time (one short write each, so jobs and
 * commands are never held up for long). Their buttons then answer "too old". Returns how many went.
 */
export async function pruneJobs(store: Store, cutoff: number, batch = 200): Promise<number> {
	let pruned = 0;
	for (;;) {
		const keys: string[] = [];
		for await (const { key } of store.scan(jobKeys.donePrefix, markerSchema, { batch })) {
			const finishedAt = Number(key.slice(jobKeys.donePrefix.length, jobKeys.donePrefix.length + 13));
			if (finishedAt >= cutoff || keys.length >= batch) break;
			keys.push(key);
		}
		if (keys.length === 0) return pruned;
		await store.write(async (tx) => {
			for (const key of keys) {
				await tx.delete(jobKeys.job(key.slice(jobKeys.donePrefix.length + 14)));
				await tx.delete(key);
			}
		});
		pruned += keys.length;
		if (keys.length < batch) return pruned;
	}
}

export function isJob(read: Read<Job>): read is Job {
	return read !== undefined && read !== CORRUPT;
}
