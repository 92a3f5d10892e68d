/**
 * The HTTP front of the emulator: reads and records every request, applies scripted faults, serves
 * attachment downloads, hands /api requests to the router, and writes the reply.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseBody } from './multipart.js';
import type { Recorder } from './recording.js';
import { type Reply, FormErrors, NOT_FOUND } from './replies.js';
import { type Route, runRoute } from './router.js';
import type { EmulatorState } from './state.js';
import type { BodyCheck, RecordedRequest } from './types.js';

export class HttpFront {
	private readonly state: EmulatorState;
	private readonly recorder: Recorder;
	private readonly routes: readonly Route[];
	private readonly checkBody: BodyCheck | undefined;

	constructor(state: EmulatorState, recorder: Recorder, routes: readonly Route[], checkBody?: BodyCheck) {
		this.state = state;
		this.recorder = recorder;
		this.routes = routes;
		this.checkBody = checkBody;
	}

	/** The server's request listener. */
	async onHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
		try {
			await this.handleHttp(req, res);
		} catch (error) {
			// An emulator bug must fail loudly rather than look like a hang.
			console.error('discord emulator: request handler failed', error);
			if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ message: `emulator error: ${String(error)}`, code: 0 }));
		}
	}

	private async handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const at = Date.now();
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		const raw = Buffer.concat(chunks);

		const url = req.url ?? '/';
		const queryStart = url.indexOf('?');
		const rawPathname = queryStart < 0 ? url : url.slice(0, queryStart);
		const query = Object.fromEntries(new URLSearchParams(queryStart < 0 ? '' : url.slice(queryStart + 1)));
		const headers: Record<string, string> = {};
		for (const [key, value] of Object.entries(req.headers)) {
			if (value !== undefined) headers[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
		}
		// Decode per segment so an encoded '/' inside a token cannot split it.
		const rawSegments = rawPathname.split('/').filter(Boolean);
		const segments = rawSegments.map((s) => {
			try {
				return decodeURIComponent(s);
			} catch {
				return s;
			}
		});
		const isApi = segments[0] === 'api';
		const apiSegments = isApi ? segments.slice(1) : segments;
		const method = (req.method ?? 'GET').toUpperCase();
		const parsed = parseBody(raw, req.headers['content-type']);

		const record: RecordedRequest = {
			at,
			method,
			path: `/${apiSegments.join('/')}`,
			rawPath: rawPathname,
			query,
			headers,
			...(parsed.json === undefined ? {} : { json: parsed.json }),
			files: parsed.files,
			status: 0,
		};

		const issues = isApi && parsed.json !== undefined && !parsed.fromFields ? this.checkBody?.(method, record.path, parsed.json) : undefined;
		if (issues?.length) record.bodyIssues = issues;

		let reply: Reply;
		const fault = this.recorder.faultFor(method, record);
		if (fault) {
			reply = fault;
		} else if (parsed.error) {
			reply = parsed.error;
		} else if (!isApi) {
			reply = this.serveAttachment(method, segments);
		} else if (issues?.length) {
			const errors = new FormErrors();
			for (const issue of issues) errors.add(issue.path, issue.code, issue.message);
			reply = errors.reply()!;
		} else {
			reply = runRoute(this.routes, this.state.token, method, apiSegments, {
				params: {},
				query,
				headers,
				json: parsed.json,
				files: parsed.files,
			});
		}
		if (reply.interactionId === undefined) {
			const interactionId = this.interactionIdFor(apiSegments);
			if (interactionId) reply.interactionId = interactionId;
		}

		record.status = reply.status;
		if (reply.interactionId !== undefined) record.interactionId = reply.interactionId;
		this.send(res, reply);
		this.recorder.record(record);
	}

	private send(res: ServerResponse, reply: Reply): void {
		const headers: Record<string, string> = { ...reply.headers };
		if (reply.raw) {
			res.writeHead(reply.status, { ...headers, 'content-type': reply.raw.contentType });
			res.end(reply.raw.data);
		} else if (reply.status === 204 || reply.body === undefined) {
			res.writeHead(reply.status, headers);
			res.end();
		} else {
			res.writeHead(reply.status, { ...headers, 'content-type': 'application/json' });
			res.end(JSON.stringify(reply.body));
		}
	}

	/** Interaction a callback/webhook path refers to, by interaction id or by token. */
	private interactionIdFor(apiSegments: string[]): string | undefined {
		const [, kind, first, second] = apiSegments;
		if (kind === 'interactions' && first !== undefined) return this.state.interactions.get(first)?.id;
		if (kind === 'webhooks' && second !== undefined) return this.state.interactionsByToken.get(second)?.id;
		return undefined;
	}

	private serveAttachment(method: string, segments: string[]): Reply {
		const [kind, , id] = segments;
		const file = id === undefined ? undefined : this.state.attachmentsById.get(id);
		if (method !== 'GET' || kind !== 'attachments' || !file) return NOT_FOUND();
		return { status: 200, raw: { data: file.data, contentType: file.contentType } };
	}
}
