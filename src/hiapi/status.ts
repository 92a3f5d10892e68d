// hiapi task status: raw status strings → phases, and parsed task data → the snapshot callers see.
import type { TaskData } from './schemas.js';

export type TaskPhase = 'queued' | 'running' | 'success' | 'failed';

export interface TaskSnapshot {
	taskId: string;
	/** Raw status string from hiapi. */
	status: string;
	phase: TaskPhase;
	output: Array<{ url: string; type?: string; expireAt?: string | number }>;
	error?: { code?: string; message?: string };
	/** hiapi's `created` and `completed`, Unix seconds on hiapi's clock, when it sent them (completed only once ended). */
	created?: number;
	completed?: number;
}

const QUEUED_STATUSES = new Set(['queued']);
const RUNNING_STATUSES = new Set(['handling', 'archiving', 'pending', 'processing']);
const SUCCESS_STATUSES = new Set(['success']);
const FAILED_STATUSES = new Set(['fail', 'failed', 'canceled', 'cancelled']);

/** Maps a raw hiapi status to a phase; `known` is false for statuses we have never seen (treated as running). */
export function statusPhase(status: string): { phase: TaskPhase; known: boolean } {
	const s = status.trim().toLowerCase();
	if (QUEUED_STATUSES.has(s)) return { phase: 'queued', known: true };
	if (RUNNING_STATUSES.has(s)) return { phase: 'running', known: true };
	if (SUCCESS_STATUSES.has(s)) return { phase: 'success', known: true };
	if (FAILED_STATUSES.has(s)) return { phase: 'failed', known: true };
	return { phase: 'running', known: false };
}

/** Builds the snapshot from validated task data; `taskId` is used when hiapi leaves its own out. */
export function toSnapshot(d: TaskData, taskId: string, phase: TaskPhase): TaskSnapshot {
	const snap: TaskSnapshot = {
		taskId: d.taskId || taskId,
		status: d.status,
		phase,
		output: d.output.map((o) => {
			const item: TaskSnapshot['output'][number] = { url: o.url };
			if (o.type != null) item.type = o.type;
			if (o.expireAt != null) item.expireAt = o.expireAt;
			return item;
		}),
	};
	if (d.created !== undefined) snap.created = d.created;
	if (d.completed !== undefined) snap.completed = d.completed;
	if (d.error) {
		const error: NonNullable<TaskSnapshot['error']> = {};
		if (d.error.code != null) error.code = String(d.error.code);
		if (d.error.message != null) error.message = d.error.message;
		snap.error = error;
	}
	return snap;
}

/** When an output link expires, as epoch ms: hiapi sends seconds, milliseconds or an ISO date; undefined if unreadable. */
export function expiresAtMs(expireAt: string | number | undefined): number | undefined {
	if (expireAt === undefined) return undefined;
	const ms = new Date(typeof expireAt === 'number' && expireAt < 1e12 ? expireAt * 1000 : expireAt).getTime();
	return Number.isFinite(ms) ? ms : undefined;
}
