// Ending a job: its final record and its reservation in one atomic step (commit when delivered, refund
// otherwise), counted by outcome. Idempotent: a job already ended stays as it was. Also the record that refunds
// a job whose own record is unreadable.
import type { Ledger } from '../budget/ledger.js';
import type { Metrics } from '../metrics.js';
import type { Reservation } from '../records/budget.js';
import type { Job } from '../records/job.js';

export async function closeJob(
	o: { ledger: Ledger; metrics: Metrics; now: () => number },
	job: Job,
	state: 'delivered' | 'refunded',
	outcome: string,
	at: number = o.now(),
): Promise<void> {
	const ended = await o.ledger.close({ ...job, state, outcome, updatedAt: at, finishedAt: at });
	// A repeat (another process, a resume) changed nothing: count each job once.
	if (ended === 'already-ended') return;
	o.metrics.jobs.inc({ outcome: state === 'delivered' ? 'delivered' : (outcome.split(':')[0] ?? outcome) });
}

/** A final record for a job whose own record is gone or unreadable, rebuilt from its reservation to refund it. */
export function jobFromReservation(id: string, r: Reservation | undefined, now: number): Job & { finishedAt: number } {
	return {
		v: 2,
		id,
		token: '',
		applicationId: '',
		userId: r?.userId ?? '',
		guildId: r && r.scope !== 'dm' ? r.scope : null,
		channelId: '',
		kind: 'imagine',
		prompt: r?.prompt ?? '',
		aspectRatio: r?.aspectRatio ?? '1:1',
		price: r?.amount ?? 1,
		attachmentSizeLimit: 1,
		canPostInChannel: false,
		state: 'refunded',
		outcome: 'unreadable job record',
		createdAt: r?.createdAt ?? now,
		updatedAt: now,
		finishedAt: now,
	};
}
