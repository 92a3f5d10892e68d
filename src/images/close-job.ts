// Ending a job: its final record and its reservation in one atomic step (commit when delivered, refund
// otherwise), counted by outcome. Idempotent: a job already ended stays as it was.
import type { Ledger } from '../budget/ledger.js';
import type { Metrics } from '../metrics.js';
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
