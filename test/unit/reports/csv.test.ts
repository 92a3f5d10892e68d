import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { csvAmount, writeExport, type AuditRow, type ChargeRow, type ExportResult } from '../../../src/reports/csv.js';

const BOM = '\uFEFF';
const CHARGE_HEADER = 'time_utc,user_id,user_name,amount_usd,state,task_id,aspect_ratio,prompt';
const AUDIT_HEADER = 'time_utc,moderator_id,target_id,action,old,new';

/** A small RFC 4180 reader: quoted fields, "" inside quotes, CRLF or LF between records. */
function parseCsv(text: string): string[][] {
	const rows: string[][] = [];
	let row: string[] = [];
	let field = '';
	let quoted = false;
	const endField = () => {
		row.push(field);
		field = '';
	};
	for (let i = text.startsWith(BOM) ? 1 : 0; i < text.length; i++) {
		const c = text[i];
		if (quoted && c === '"' && text[i + 1] === '"') {
			field += '"';
			i++;
		} else if (c === '"') {
			quoted = !quoted;
		} else if (!quoted && c === ',') {
			endField();
		} else if (!quoted && (c === '\n' || (c === '\r' && text[i + 1] === '\n'))) {
			if (c === '\r') i++;
			endField();
			rows.push(row);
			row = [];
		} else {
			field += c;
		}
	}
	if (field !== '' || row.length) {
		endField();
		rows.push(row);
	}
	return rows;
}

/** Yields each row on a later microtask, as a database cursor would. */
async function* from<T>(rows: Iterable<T>): AsyncGenerator<T> {
	for (const r of rows) yield await Promise.resolve(r);
}

let dir: string;
beforeEach(async () => {
	dir = await mkdtemp(join(tmpdir(), 'export-csv-'));
});
afterEach(async () => {
	await rm(dir, { recursive: true, force: true });
});

const T0 = Date.UTC(2026, 10, 3, 14, 5, 9, 123);
const charge = (over: Partial<ChargeRow> = {}): ChargeRow => ({ at: T0, userId: '111', amountMicros: 50_000, state: 'committed', ...over });
const audit = (over: Partial<AuditRow> = {}): AuditRow => ({
	at: T0,
	moderatorId: '999',
	targetId: '111',
	action: 'set-limit',
	old: '$5.00',
	new: '$10.00',
	...over,
});

async function run(charges: ChargeRow[], audits: AuditRow[], maxBytes = 1 << 30, baseName = 'charges-1-m2026-11'): Promise<ExportResult> {
	return writeExport({ charges: from(charges), audit: from(audits), dir, baseName, maxBytes });
}

function okFiles(r: ExportResult) {
	if (!r.ok) throw new Error(`export failed: ${JSON.stringify(r)}`);
	return r;
}

describe('csvAmount', () => {
	it('derives exact decimals from micros', () => {
		expect(csvAmount(45_000)).toBe('0.045');
		expect(csvAmount(50_000)).toBe('0.05');
		expect(csvAmount(1_000_000)).toBe('1.00');
		expect(csvAmount(0)).toBe('0.00');
		expect(csvAmount(1)).toBe('0.000001');
		expect(csvAmount(1_234_500_000)).toBe('1234.50');
		// 0.1 + 0.2 style float drift would show here: 300_000 + 1 micro
		expect(csvAmount(100_300_001)).toBe('100.300001');
		expect(() => csvAmount(0.5)).toThrow(RangeError);
	});
});

describe('writeExport', () => {
	it('writes the exact expected text for a small export', async () => {
		const r = okFiles(
			await run(
				[
					charge({ userName: 'alice', taskId: 't-1', aspectRatio: '16:9', prompt: 'a cat' }),
					charge({ at: T0 + 1000, amountMicros: 45_000, state: 'refunded' }),
				],
				[audit(), audit({ targetId: null, action: 'set-cap', old: null, new: '$100.00' })],
			),
		);
		expect(r.gzipped).toBe(false);
		expect(r.charges).toBe(2);
		expect(r.auditEntries).toBe(2);
		expect(r.files.map((f) => f.name)).toEqual(['charges-1-m2026-11.csv', 'charges-1-m2026-11-audit.csv']);
		const [c, a] = await Promise.all(r.files.map((f) => readFile(f.path, 'utf8')));
		expect(c).toBe(
			`${BOM}${CHARGE_HEADER}\n` + '2026-11-03T14:05:09.123Z,111,alice,0.05,committed,t-1,16:9,a cat\n' + '2026-11-03T14:05:10.123Z,111,,0.045,refunded,,,\n',
		);
		expect(a).toBe(`${BOM}${AUDIT_HEADER}\n2026-11-03T14:05:09.123Z,999,111,set-limit,$5.00,$10.00\n2026-11-03T14:05:09.123Z,999,,set-cap,,$100.00\n`);
		for (const f of r.files) expect(f.bytes).toBe(Buffer.byteLength(f.name.endsWith('audit.csv') ? a! : c!));
	});

	it('quotes commas, quotes and newlines so the rows parse back unchanged', async () => {
		const prompts = ['a, b, and c', 'she said "hi"', 'line one\nline two', 'crlf\r\ninside', '"", ,\n"', 'émoji 🐱 ünïcode', ''];
		const rows = prompts.map((p, i) => charge({ prompt: p, userName: `name, ${i} "q"`, taskId: `t${i}` }));
		const r = okFiles(await run(rows, [audit({ old: 'x,\ny', new: '"z"' })]));
		const [c, a] = await Promise.all(r.files.map((f) => readFile(f.path, 'utf8')));
		const parsed = parseCsv(c!);
		expect(parsed[0]!.join(',')).toBe(CHARGE_HEADER);
		expect(parsed.slice(1)).toEqual(
			rows.map((row) => [new Date(row.at).toISOString(), row.userId, row.userName, '0.05', 'committed', row.taskId, '', row.prompt]),
		);
		expect(parseCsv(a!).slice(1)).toEqual([['2026-11-03T14:05:09.123Z', '999', '111', 'set-limit', 'x,\ny', '"z"']]);
	});

	it.each(['=', '+', '-', '@', '\t', '\r'])('neutralizes a cell starting with %j', async (lead) => {
		const evil = `${lead}HYPERLINK("http://x","y")`;
		const r = okFiles(
			await run([charge({ prompt: evil, userName: evil, aspectRatio: evil })], [audit({ action: evil, old: evil, new: evil, targetId: evil })]),
		);
		const [c, a] = await Promise.all(r.files.map((f) => readFile(f.path, 'utf8')));
		const [, chargeRow] = parseCsv(c!);
		const [, auditRow] = parseCsv(a!);
		expect([chargeRow![2], chargeRow![6], chargeRow![7]]).toEqual([`'${evil}`, `'${evil}`, `'${evil}`]);
		expect(auditRow!.slice(2)).toEqual([`'${evil}`, `'${evil}`, `'${evil}`, `'${evil}`]);
		// untouched cells stay untouched
		expect(chargeRow![0]).toBe('2026-11-03T14:05:09.123Z');
		expect(chargeRow![3]).toBe('0.05');
	});

	it('leaves ordinary text alone', async () => {
		const r = okFiles(await run([charge({ prompt: 'a = b + c - d @ e', userName: "o'brien" })], []));
		const [, row] = parseCsv(await readFile(r.files[0]!.path, 'utf8'));
		expect(row![7]).toBe('a = b + c - d @ e');
		expect(row![2]).toBe("o'brien");
	});

	it('writes header-only files when there is nothing to export', async () => {
		const r = okFiles(await run([], []));
		expect(r.charges).toBe(0);
		expect(r.auditEntries).toBe(0);
		expect(await readFile(r.files[0]!.path, 'utf8')).toBe(`${BOM}${CHARGE_HEADER}\n`);
		expect(await readFile(r.files[1]!.path, 'utf8')).toBe(`${BOM}${AUDIT_HEADER}\n`);
	});

	it('gzips both files past maxBytes, and the gunzipped content is identical to the plain export', async () => {
		const rows = Array.from({ length: 2000 }, (_, i) => charge({ at: T0 + i * 1000, prompt: `prompt number ${i}, a lighthouse at dawn`, taskId: `t${i}` }));
		const audits = Array.from({ length: 50 }, (_, i) => audit({ at: T0 + i, new: `$${i}.00` }));
		const plain = okFiles(await run(rows, audits, 1 << 30, 'plain'));
		const plainTotal = plain.files.reduce((s, f) => s + f.bytes, 0);
		const gz = okFiles(await run(rows, audits, plainTotal - 1, 'small'));
		expect(gz.gzipped).toBe(true);
		expect(gz.files.map((f) => f.name)).toEqual(['small.csv.gz', 'small-audit.csv.gz']);
		expect(gz.files.reduce((s, f) => s + f.bytes, 0)).toBeLessThan(plainTotal - 1);
		for (const [i, f] of gz.files.entries()) {
			const unzipped = gunzipSync(await readFile(f.path));
			expect(unzipped.equals(await readFile(plain.files[i]!.path))).toBe(true);
			expect(f.bytes).toBe((await readFile(f.path)).length);
		}
		// the plain files of the gzipped export are gone, so the caller cannot upload the wrong ones
		await expect(readFile(join(dir, 'small.csv'))).rejects.toThrow(/ENOENT/);
		// exactly at the limit stays plain
		expect(okFiles(await run(rows, audits, plainTotal, 'exact')).gzipped).toBe(false);
	});

	it('reports too-large with the gzipped size when even gzip does not fit', async () => {
		const rows = Array.from({ length: 500 }, (_, i) => charge({ prompt: `${i} ${Math.random().toString(36).repeat(5)}` }));
		const r = await run(rows, [], 1000);
		expect(r.ok).toBe(false);
		if (r.ok) return;
		expect(r.reason).toBe('too-large');
		expect(r.bytes).toBeGreaterThan(1000);
		await expect(readFile(join(dir, 'charges-1-m2026-11.csv.gz'))).rejects.toThrow(/ENOENT/);
	});

	it('rejects when a row source fails', async () => {
		async function* broken(): AsyncGenerator<ChargeRow> {
			yield await Promise.resolve(charge());
			throw new Error('cursor died');
		}
		await expect(writeExport({ charges: broken(), audit: from([]), dir, baseName: 'b', maxBytes: 1 << 20 })).rejects.toThrow('cursor died');
	});

	it('keeps memory bounded for 200,000 rows with ~1 KB prompts', { timeout: 180_000 }, async () => {
		const ROWS = 200_000;
		const template = Buffer.alloc(1024, 'a lighthouse on a cliff at dawn, oil painting, dramatic light; ');
		const before = process.memoryUsage().heapUsed;
		let peak = before;
		async function* rows(): AsyncGenerator<ChargeRow> {
			for (let i = 0; i < ROWS; i++) {
				// A fresh flat 1 KB string per row, so an implementation that kept rows would keep ~200 MB.
				template.write(String(i).padStart(8, '0'), 0, 'latin1');
				if (i % 2000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
				yield await Promise.resolve<ChargeRow>({
					at: T0 + i,
					userId: `${100000 + (i % 500)}`,
					amountMicros: 50_000,
					state: 'committed',
					taskId: `task-${i}`,
					prompt: template.toString('latin1'),
				});
			}
		}
		const r = okFiles(await writeExport({ charges: rows(), audit: from([]), dir, baseName: 'big', maxBytes: 1 << 30 }));
		peak = Math.max(peak, process.memoryUsage().heapUsed);
		expect(r.charges).toBe(ROWS);
		expect(r.files[0]!.bytes).toBeGreaterThan(ROWS * 1024);
		const growthMb = (peak - before) / 2 ** 20;
		console.log(`export of ${ROWS} rows: ${(r.files[0]!.bytes / 2 ** 20).toFixed(0)} MiB file, peak heap growth ${growthMb.toFixed(1)} MiB`);
		expect(growthMb).toBeLessThan(50);
	});
});
