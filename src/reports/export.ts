// /budget export: a period's charges and audit entries as CSV files in a temporary folder, streamed from
// the store so memory stays bounded however long the period. The caller attaches them, then cleans up.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditRow, ChargeRow, ExportResult } from './csv.js';
import type { Ledger } from '../budget/ledger.js';
import type { Period } from '../util/period.js';

export interface PeriodExport {
	period: Period;
	result: ExportResult;
	/** Removes the temporary files. */
	cleanup(): Promise<void>;
}

export async function exportPeriod(ledger: Ledger, guildId: string, which: 'current' | 'previous', maxBytes: number): Promise<PeriodExport> {
	const period = which === 'current' ? ledger.currentPeriod() : ledger.previousPeriod();
	const dir = await mkdtemp(join(tmpdir(), 'imagine-export-'));
	const cleanup = () => rm(dir, { recursive: true, force: true });
	try {
		const charges = (async function* (): AsyncGenerator<ChargeRow> {
			for await (const r of ledger.vault.charges(guildId, period.key)) {
				yield {
					at: r.createdAt,
					userId: r.userId,
					amountMicros: r.amount,
					state: r.state,
					...(r.userName ? { userName: r.userName } : {}),
					...(r.taskId ? { taskId: r.taskId } : {}),
					...(r.aspectRatio ? { aspectRatio: r.aspectRatio } : {}),
					...(r.prompt ? { prompt: r.prompt } : {}),
				};
			}
		})();
		const audit = (async function* (): AsyncGenerator<AuditRow> {
			yield* ledger.audit.between(guildId, period.start, period.resetsAt ?? Number.MAX_SAFE_INTEGER);
		})();
		const { writeExport } = await import('./csv.js');
		const result = await writeExport({ charges, audit, dir, baseName: `charges-${guildId}-${period.key}`, maxBytes });
		return { period, result, cleanup };
	} catch (error) {
		await cleanup();
		throw error;
	}
}
