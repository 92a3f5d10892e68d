// The `/budget export` files: charges and the moderator audit log as CSV, streamed row by row to disk so memory
// stays flat however long the history, gzipped when the plain files would not fit in one Discord upload.
import { createReadStream, createWriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { stringify } from 'csv-stringify';
import { MICROS_PER_USD } from '../util/money.js';

export interface ChargeRow {
	/** Epoch ms when the charge was reserved. */
	at: number;
	userId: string;
	userName?: string;
	amountMicros: number;
	state: 'held' | 'committed' | 'refunded';
	taskId?: string;
	aspectRatio?: string;
	prompt?: string;
}

export interface AuditRow {
	at: number;
	moderatorId: string;
	targetId: string | null;
	action: string;
	old: string | null;
	new: string | null;
}

export type ExportResult =
	| { ok: true; files: Array<{ path: string; name: string; bytes: number }>; gzipped: boolean; charges: number; auditEntries: number }
	| { ok: false; reason: 'too-large'; bytes: number };

export interface ExportOptions {
	charges: AsyncIterable<ChargeRow>;
	audit: AsyncIterable<AuditRow>;
	/** A directory the caller owns (and deletes). */
	dir: string;
	/** File name stem, e.g. "charges-123-m2026-11"; the audit file gets "-audit" appended. */
	baseName: string;
	/** Upload limit for both files together. */
	maxBytes: number;
}

export const CHARGE_COLUMNS = ['time_utc', 'user_id', 'user_name', 'amount_usd', 'state', 'task_id', 'aspect_ratio', 'prompt'] as const;
export const AUDIT_COLUMNS = ['time_utc', 'moderator_id', 'target_id', 'action', 'old', 'new'] as const;

type Cell = string | undefined;

/** "0.05", "0.045", "1.00", "1234.50": like formatUsd without "$" or thousands separators, by integer math only. */
export function csvAmount(micros: number): string {
	if (!Number.isSafeInteger(micros)) throw new RangeError(`amount is not an integer number of micro-dollars: ${micros}`);
	const sign = micros < 0 ? '-' : '';
	const abs = Math.abs(micros);
	const whole = Math.floor(abs / MICROS_PER_USD);
	const fraction = String(abs % MICROS_PER_USD)
		.padStart(6, '0')
		.replace(/0+$/, '')
		.padEnd(2, '0');
	return `${sign}${whole}.${fraction}`;
}

const isoUtc = (ms: number): string => new Date(ms).toISOString();

function chargeCells(r: ChargeRow): Cell[] {
	return [isoUtc(r.at), r.userId, r.userName, csvAmount(r.amountMicros), r.state, r.taskId, r.aspectRatio, r.prompt];
}

function auditCells(r: AuditRow): Cell[] {
	return [isoUtc(r.at), r.moderatorId, r.targetId ?? undefined, r.action, r.old ?? undefined, r.new ?? undefined];
}

/** Writes one CSV file from an async iterable, one row at a time (pipeline backpressure); returns the row count. */
async function writeCsv<T>(rows: AsyncIterable<T>, toCells: (row: T) => Cell[], columns: readonly string[], path: string): Promise<number> {
	let count = 0;
	async function* cells(): AsyncGenerator<Cell[]> {
		for await (const row of rows) {
			count += 1;
			yield toCells(row);
		}
	}
	const csv = stringify({
		header: true,
		columns: [...columns],
		// Prepends ' to cells starting with = + - @ tab or CR (and their full-width forms), so a spreadsheet shows
		// a prompt like "=HYPERLINK(…)" as text instead of running it. Quoting is csv-stringify's too.
		escape_formulas: true,
		// Excel reads BOM-less UTF-8 as the local code page and garbles non-ASCII names and prompts.
		bom: true,
	});
	await pipeline(Readable.from(cells()), csv, createWriteStream(path));
	return count;
}

async function gzipFile(from: string, to: string): Promise<void> {
	await pipeline(createReadStream(from), createGzip({ level: 9 }), createWriteStream(to));
}

export async function writeExport(o: ExportOptions): Promise<ExportResult> {
	const names = [`${o.baseName}.csv`, `${o.baseName}-audit.csv`];
	const paths = names.map((n) => join(o.dir, n));
	const [chargesPath, auditPath] = paths as [string, string];
	// One after the other: the iterables may share one database cursor or connection.
	const charges = await writeCsv(o.charges, chargeCells, CHARGE_COLUMNS, chargesPath);
	const auditEntries = await writeCsv(o.audit, auditCells, AUDIT_COLUMNS, auditPath);

	const plain = await sizes(paths);
	if (sum(plain) <= o.maxBytes) {
		return { ok: true, files: files(names, paths, plain), gzipped: false, charges, auditEntries };
	}
	// Written plain first and compressed from disk afterwards, because the row iterables can be read only once.
	const gzNames = names.map((n) => `${n}.gz`);
	const gzPaths = paths.map((p) => `${p}.gz`);
	for (const [i, p] of paths.entries()) await gzipFile(p, gzPaths[i] as string);
	await Promise.all(paths.map((p) => rm(p, { force: true })));
	const gz = await sizes(gzPaths);
	if (sum(gz) > o.maxBytes) {
		await Promise.all(gzPaths.map((p) => rm(p, { force: true })));
		return { ok: false, reason: 'too-large', bytes: sum(gz) };
	}
	return { ok: true, files: files(gzNames, gzPaths, gz), gzipped: true, charges, auditEntries };
}

async function sizes(paths: string[]): Promise<number[]> {
	return Promise.all(paths.map(async (p) => (await stat(p)).size));
}

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

function files(names: string[], paths: string[], bytes: number[]): Array<{ path: string; name: string; bytes: number }> {
	return names.map((name, i) => ({ name, path: paths[i] as string, bytes: bytes[i] as number }));
}
