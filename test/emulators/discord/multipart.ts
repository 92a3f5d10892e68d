/** Request body parsing: JSON and multipart/form-data (binary-safe, so uploaded files keep every byte). */
import { type Reply, apiError } from './replies.js';
import type { RecordedFile } from './types.js';

export interface ParsedBody {
	json?: unknown;
	/** The json came from plain form fields (strings), not from JSON or payload_json. */
	fromFields?: true;
	files: RecordedFile[];
	error?: Reply;
}

interface MultipartPart {
	name: string;
	filename?: string;
	contentType?: string;
	data: Buffer;
}

/** undici's FormData escapes '"', CR and LF in names as %22, %0D, %0A. */
function unescapeFormName(value: string): string {
	return value.replace(/%22/g, '"').replace(/%0D/gi, '\r').replace(/%0A/gi, '\n');
}

function parseMultipart(body: Buffer, boundary: string): MultipartPart[] {
	const delimiter = Buffer.from(`--${boundary}`);
	const separator = Buffer.from(`\r\n--${boundary}`);
	const parts: MultipartPart[] = [];
	let pos = body.indexOf(delimiter);
	if (pos < 0) throw new Error('multipart boundary not found');
	for (;;) {
		pos += delimiter.length;
		if (body[pos] === 0x2d && body[pos + 1] === 0x2d) break; // closing "--boundary--"
		if (body[pos] === 0x0d && body[pos + 1] === 0x0a) pos += 2;
		const headerEnd = body.indexOf('\r\n\r\n', pos);
		if (headerEnd < 0) throw new Error('multipart part without header terminator');
		const headers = body.subarray(pos, headerEnd).toString('utf8').split('\r\n');
		const dataStart = headerEnd + 4;
		const next = body.indexOf(separator, dataStart);
		if (next < 0) throw new Error('multipart part without closing boundary');
		const part: MultipartPart = { name: '', data: Buffer.from(body.subarray(dataStart, next)) };
		for (const line of headers) {
			const colon = line.indexOf(':');
			if (colon < 0) continue;
			const key = line.slice(0, colon).trim().toLowerCase();
			const value = line.slice(colon + 1).trim();
			if (key === 'content-disposition') {
				const name = /(?:^|;)\s*name="((?:[^"\\]|\\.)*)"/i.exec(value);
				const filename = /(?:^|;)\s*filename="((?:[^"\\]|\\.)*)"/i.exec(value);
				if (name?.[1] !== undefined) part.name = unescapeFormName(name[1]);
				if (filename?.[1] !== undefined) part.filename = unescapeFormName(filename[1]);
			} else if (key === 'content-type') {
				part.contentType = value;
			}
		}
		parts.push(part);
		pos = next + 2;
	}
	return parts;
}

export function parseBody(raw: Buffer, contentType: string | undefined): ParsedBody {
	const invalidJson = (): ParsedBody => ({
		files: [],
		error: apiError(400, 50109, 'The request body contains invalid JSON.'),
	});
	if (raw.length === 0) return { files: [] };
	const type = (contentType ?? '').toLowerCase();
	if (type.startsWith('multipart/form-data')) {
		const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
		const boundaryValue = boundary?.[1] ?? boundary?.[2];
		if (!boundaryValue) return { files: [], error: apiError(400, 0, '400: Bad Request') };
		let parts: MultipartPart[];
		try {
			parts = parseMultipart(raw, boundaryValue);
		} catch {
			return { files: [], error: apiError(400, 0, '400: Bad Request') };
		}
		const files: RecordedFile[] = [];
		const fields: Record<string, unknown> = {};
		let json: unknown;
		for (const part of parts) {
			if (part.filename !== undefined) {
				files.push({
					field: part.name,
					filename: part.filename,
					contentType: part.contentType ?? 'application/octet-stream',
					data: part.data,
				});
			} else if (part.name === 'payload_json') {
				try {
					json = JSON.parse(part.data.toString('utf8'));
				} catch {
					return invalidJson();
				}
			} else {
				fields[part.name] = part.data.toString('utf8');
			}
		}
		// Bodies sent with appendToFormData put their fields next to the files instead of in payload_json.
		if (json === undefined && Object.keys(fields).length > 0) return { json: fields, fromFields: true, files };
		return json === undefined ? { files } : { json, files };
	}
	try {
		return { json: JSON.parse(raw.toString('utf8')), files: [] };
	} catch {
		return invalidJson();
	}
}
