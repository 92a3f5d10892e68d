// Charges without a Discord side, for tests and benches: a bare job around each reservation, opened and
// closed through the same Ledger.open/close the bot uses.
import { Ledger } from '../../src/budget/ledger.js';
import type { EndResult, Standing, Who } from '../../src/budget/ledger-core.js';
import { jobSchema, type Job } from '../../src/records/job.js';
import { CORRUPT } from '../../src/records/read.js';
import type { RefusalReason } from '../../src/vault/vault.js';

/** What was asked, kept with the charge for the export. */
export interface ChargeDetails {
	userName?: string;
	prompt?: string;
	aspectRatio?: string;
}

export type ReserveResult = { ok: true; standing: Standing } | { ok: false; reason: RefusalReason; standing: Standing };

export class TestLedger extends Ledger {
	/** Takes `amount` from every applicable limit at once, or from none. Idempotent per id. */
	async reserve(id: string, who: Who, amount: number, details: ChargeDetails = {}): Promise<ReserveResult> {
		if (!Number.isSafeInteger(amount) || amount <= 0) throw new RangeError(`reservation amount must be a positive integer, got ${amount}`);
		const at = this.now();
		const job: Job = jobSchema.parse({
			v: 2,
			id,
			token: '',
			applicationId: '',
			userId: who.userId,
			...(details.userName ? { userName: details.userName } : {}),
			roleIds: [...(who.roleIds ?? [])],
			guildId: who.guildId,
			channelId: '',
			prompt: details.prompt ?? '',
			aspectRatio: details.aspectRatio ?? '1:1',
			price: amount,
			attachmentSizeLimit: 1,
			canPostInChannel: false,
			state: 'reserved',
			createdAt: at,
			updatedAt: at,
		});
		const result = await this.open(job, who);
		if (result.status === 'duplicate') return { ok: true, standing: await this.standing(who) };
		if (result.status === 'created') return { ok: true, standing: result.standing };
		return { ok: false, reason: result.status === 'busy' ? 'user' : result.reason, standing: result.standing };
	}

	commit(id: string): Promise<EndResult<'committed'>> {
		return this.end(id, 'delivered') as Promise<EndResult<'committed'>>;
	}

	refund(id: string): Promise<EndResult<'refunded'>> {
		return this.end(id, 'refunded') as Promise<EndResult<'refunded'>>;
	}

	private async end(id: string, state: 'delivered' | 'refunded'): Promise<EndResult<'committed' | 'refunded'>> {
		const job = await this.vault.job(id);
		if (job === undefined || job === CORRUPT) return 'missing';
		const at = this.now();
		return this.close({ ...job, state, updatedAt: at, finishedAt: at });
	}
}
