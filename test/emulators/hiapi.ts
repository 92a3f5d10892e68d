/**
 * Test-only emulator of hiapi: async task API (POST /v1/tasks, GET /v1/tasks/:id), callbacks for tasks
 * submitted with one, the CDN that serves results, and the public pricing endpoint. Real HTTP on 127.0.0.1 with
 * an ephemeral port; every request is recorded and behaviour is scriptable per prompt.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { CallbackSender, type CallbackScript, type RecordedCallback } from './hiapi-callbacks.js';
import { defaultPricingBody, hiapiErrorBody, ASPECT_RATIOS } from './hiapi-bodies.js';
import { serveCdn } from './hiapi-cdn.js';
import { makePng } from './png.js';

export { signHiapiCallback, type CallbackScript, type RecordedCallback } from './hiapi-callbacks.js';
export { ASPECT_RATIOS, hiapiErrorBody } from './hiapi-bodies.js';

export interface HiapiBehaviour {
	/** Submits answer this (before any task is created). `body` as a string is sent raw (use it for malformed JSON). */
	submitError?: { status: number; body?: unknown; retryAfter?: string; times?: number /* default: always */ };
	/** How long the task runs (default 300 ms): 'queued' for the first third, then running statuses, then final. */
	durationMs?: number;
	/** Statuses reported while running (spread evenly over the running window). Default ['handling']. */
	runningStatuses?: string[];
	/** Final status (default 'success'); 'never' = stuck running forever. */
	final?: 'success' | 'fail' | 'failed' | 'canceled' | 'never';
	failError?: { code: string; message: string };
	/** The first `times` polls of a task answer this (default: always). */
	pollError?: { status: number; body?: unknown; times?: number; retryAfter?: string };
	/** A poll that would report success answers with a body that is not valid JSON. */
	malformedPoll?: boolean;
	/** What the CDN serves (default: a 64×64 PNG seeded by the task id). */
	image?: { width?: number; height?: number; bytes?: Buffer; contentType?: string };
	/**
	 * CDN behaviour: `status` (e.g. 403/404/410), `truncate` (Content-Length larger than the body, then the socket is
	 * destroyed), `delayMs` before answering, `chunked` (no Content-Length; 64 KiB chunks `chunkDelayMs` apart).
	 */
	cdn?: { status?: number; truncate?: boolean; delayMs?: number; chunked?: boolean; chunkDelayMs?: number };
	/** Delay before answering polls. */
	pollDelayMs?: number;
	/**
	 * For tasks submitted with a `callback`: `drop` it, send it twice in a row (`duplicate`) or at once
	 * (`concurrent`), `delayMs` after the task ends, with a corrupted signature (`badSignature`), or signed with
	 * a timestamp `staleSeconds` old.
	 */
	callback?: CallbackScript;
}

export interface RecordedHiapiRequest {
	at: number;
	method: string;
	path: string;
	headers: Record<string, string>;
	json?: unknown;
	rawBody: string;
}

export interface EmulatedTask {
	taskId: string;
	prompt: string;
	aspectRatio: string;
	idempotencyKey?: string;
	createdAt: number;
}

export type PricingConfig = { status?: number; body?: unknown } | { priceUsd: number; version?: string; model?: string };

export interface HiapiEmulator {
	url: string;
	pricingUrl: string;
	apiKey: string;
	/** The webhook signing key callbacks are signed with. */
	signingKey: string;
	requests: RecordedHiapiRequest[];
	/** Callbacks sent, in order (each attempt). */
	callbacks: RecordedCallback[];
	setDefault(b: HiapiBehaviour): void;
	script(promptIncludes: string | RegExp, b: HiapiBehaviour): void;
	/** Behaviour for tasks submitted with a matching Idempotency-Key (e.g. one image of a batch); checked before prompts. */
	scriptKey(keyMatches: string | RegExp, b: HiapiBehaviour): void;
	setPricing(p: PricingConfig): void;
	setBalance(zero: boolean): void;
	tasks(): EmulatedTask[];
	cdnBytes(taskId: string): Buffer;
	submits(): RecordedHiapiRequest[];
	reset(): void;
	close(): Promise<void>;
}

function seedOf(s: string): number {
	let h = 2166136261;
	for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
	return h >>> 0;
}

interface TaskState extends EmulatedTask {
	model: string;
	callback?: { url: string; when: 'final' };
	behaviour: HiapiBehaviour;
	polls: number;
	bytes: Buffer;
	contentType: string;
}

export async function startHiapiEmulator(opts: { apiKey?: string; signingKey?: string } = {}): Promise<HiapiEmulator> {
	const apiKey = opts.apiKey ?? 'test-hiapi-key';
	const signingKey = opts.signingKey ?? 'whsec-test-signing-key-0123456789';
	const requests: RecordedHiapiRequest[] = [];
	let defaultBehaviour: HiapiBehaviour = {};
	let scripts: Array<{ match: string | RegExp; b: HiapiBehaviour }> = [];
	let keyScripts: Array<{ match: string | RegExp; b: HiapiBehaviour }> = [];
	let pricing: PricingConfig = {};
	let balanceZero = false;
	let tasks = new Map<string, TaskState>();
	let byIdempotencyKey = new Map<string, string>();
	let submitErrorUses = new WeakMap<object, number>();
	let nextId = 1;
	const sockets = new Set<Socket>();
	const timers = new Set<NodeJS.Timeout>();

	const sleep = (ms: number) =>
		new Promise<void>((resolve) => {
			const t = setTimeout(() => {
				timers.delete(t);
				resolve();
			}, ms);
			timers.add(t);
		});

	const behaviourFor = (prompt: string, key: string | undefined): HiapiBehaviour => {
		for (const s of key === undefined ? [] : keyScripts) {
			if (typeof s.match === 'string' ? key === s.match : s.match.test(key as string)) return s.b;
		}
		for (const s of scripts) {
			if (typeof s.match === 'string' ? prompt.includes(s.match) : s.match.test(prompt)) return s.b;
		}
		return defaultBehaviour;
	};

	let baseUrl = '';
	const callbackSender = new CallbackSender(signingKey, sleep);

	const send = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
		if (res.destroyed) return;
		const text = typeof body === 'string' ? body : JSON.stringify(body);
		res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
		res.end(text);
	};

	const authorised = (req: http.IncomingMessage) => req.headers.authorization === `Bearer ${apiKey}`;

	/** The task's status at `now` (default: this moment). */
	const statusOf = (t: TaskState, now = Date.now()): { status: string; done: boolean } => {
		const b = t.behaviour;
		const duration = b.durationMs ?? 300;
		const elapsed = now - t.createdAt;
		const running = b.runningStatuses && b.runningStatuses.length > 0 ? b.runningStatuses : ['handling'];
		const final = b.final ?? 'success';
		if (final === 'never' || elapsed < duration) {
			if (elapsed < duration / 3) return { status: 'queued', done: false };
			const window = final === 'never' ? Math.max(duration - duration / 3, 1) : duration - duration / 3;
			const idx = Math.min(running.length - 1, Math.floor(((elapsed - duration / 3) / window) * running.length));
			return { status: running[Math.max(0, idx)]!, done: false };
		}
		return { status: final, done: true };
	};

	const handleSubmit = (req: http.IncomingMessage, res: http.ServerResponse, rec: RecordedHiapiRequest): void => {
		if (!authorised(req)) return send(res, 401, hiapiErrorBody(401));
		const ctype = req.headers['content-type'] ?? '';
		if (!/^application\/json\b/i.test(ctype)) return send(res, 400, hiapiErrorBody(400, 'Content-Type must be application/json'));
		const body = rec.json;
		if (body === undefined) return send(res, 400, hiapiErrorBody(400, 'body is not valid JSON'));
		const invalid = (m: string) => send(res, 400, hiapiErrorBody(400, m));
		if (!body || typeof body !== 'object' || Array.isArray(body)) return invalid('body must be an object');
		const b = body as Record<string, unknown>;
		for (const k of Object.keys(b)) if (k !== 'model' && k !== 'input' && k !== 'callback') return invalid(`unknown property: ${k}`);
		let callback: TaskState['callback'];
		if (b['callback'] !== undefined) {
			const c = b['callback'];
			if (!c || typeof c !== 'object' || Array.isArray(c)) return invalid('callback must be an object {url, when}');
			const cb = c as Record<string, unknown>;
			for (const k of Object.keys(cb)) if (k !== 'url' && k !== 'when') return invalid(`callback: unknown property: ${k}`);
			const url = cb['url'];
			if (typeof url !== 'string' || !URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol))
				return invalid('callback.url must be an absolute http(s) URL');
			if (cb['when'] !== 'final') return invalid("callback.when must be 'final'");
			callback = { url, when: 'final' };
		}
		if (typeof b['model'] !== 'string' || !b['model']) return invalid('model must be a non-empty string');
		const input = b['input'];
		if (!input || typeof input !== 'object' || Array.isArray(input)) return invalid('input must be an object');
		const i = input as Record<string, unknown>;
		for (const k of Object.keys(i)) if (k !== 'prompt' && k !== 'aspect_ratio') return invalid(`input: unknown property: ${k}`);
		if (typeof i['prompt'] !== 'string' || !i['prompt'].trim()) return invalid('input.prompt must be a non-empty string');
		if (i['aspect_ratio'] !== undefined && !(ASPECT_RATIOS as readonly unknown[]).includes(i['aspect_ratio'])) {
			return invalid(`input.aspect_ratio must be one of ${ASPECT_RATIOS.join(', ')}`);
		}
		const prompt = i['prompt'];
		const aspectRatio = (i['aspect_ratio'] as string | undefined) ?? '1:1';
		const idemHeader = req.headers['idempotency-key'];
		const behaviour = behaviourFor(prompt, typeof idemHeader === 'string' && idemHeader ? idemHeader : undefined);

		const se = behaviour.submitError;
		if (se) {
			const used = submitErrorUses.get(se) ?? 0;
			if (se.times === undefined || used < se.times) {
				submitErrorUses.set(se, used + 1);
				const headers: Record<string, string> = {};
				if (se.retryAfter !== undefined) headers['retry-after'] = se.retryAfter;
				return send(res, se.status, se.body === undefined ? hiapiErrorBody(se.status) : se.body, headers);
			}
		}
		if (balanceZero) return send(res, 402, hiapiErrorBody(402, 'insufficient balance, please top up your account'));

		const idem = req.headers['idempotency-key'];
		const idemKey = typeof idem === 'string' && idem ? idem : undefined;
		if (idemKey !== undefined) {
			const existing = byIdempotencyKey.get(idemKey);
			if (existing) return send(res, 200, { code: 200, message: 'success', data: { taskId: existing } });
		}
		const taskId = `tk-hiapi-${String(nextId++).padStart(6, '0')}-${seedOf(prompt + Date.now()).toString(36)}`;
		const img = behaviour.image ?? {};
		const bytes = img.bytes ?? makePng(img.width ?? 64, img.height ?? 64, seedOf(taskId));
		const task: TaskState = {
			taskId,
			prompt,
			aspectRatio,
			createdAt: Date.now(),
			model: b['model'],
			behaviour,
			polls: 0,
			bytes,
			contentType: img.contentType ?? 'image/png',
		};
		if (idemKey !== undefined) {
			task.idempotencyKey = idemKey;
			byIdempotencyKey.set(idemKey, taskId);
		}
		if (callback) task.callback = callback;
		tasks.set(taskId, task);
		if (callback && (behaviour.final ?? 'success') !== 'never') {
			const t = setTimeout(
				() => {
					timers.delete(t);
					void sendCallbacks(task);
				},
				(behaviour.durationMs ?? 300) + (behaviour.callback?.delayMs ?? 0),
			);
			timers.add(t);
		}
		return send(res, 200, { code: 200, message: 'success', data: { taskId } });
	};

	const handlePoll = async (req: http.IncomingMessage, res: http.ServerResponse, taskId: string) => {
		if (!authorised(req)) return send(res, 401, hiapiErrorBody(401));
		const t = tasks.get(taskId);
		if (t?.behaviour.pollDelayMs) await sleep(t.behaviour.pollDelayMs);
		if (!t) return send(res, 404, hiapiErrorBody(404, `task ${taskId} not found`, 'TASK_NOT_FOUND'));
		t.polls++;
		const pe = t.behaviour.pollError;
		if (pe && (pe.times === undefined || t.polls <= pe.times)) {
			const headers: Record<string, string> = {};
			if (pe.retryAfter !== undefined) headers['retry-after'] = pe.retryAfter;
			return send(res, pe.status, pe.body === undefined ? hiapiErrorBody(pe.status) : pe.body, headers);
		}
		const { status, done } = statusOf(t);
		if (done && status === 'success' && t.behaviour.malformedPoll) {
			return send(res, 200, `{"code":200,"message":"success","data":{"taskId":"${taskId}","status":"succ`);
		}
		return send(res, 200, { code: 200, message: 'success', data: taskData(t) });
	};

	/** The task object, as `data` of GET /v1/tasks/:id (and the body of a callback). */
	const taskData = (t: TaskState, now = Date.now()): Record<string, unknown> => {
		const { status, done } = statusOf(t, now);
		const data: Record<string, unknown> = { taskId: t.taskId, model: t.model, status, created: Math.floor(t.createdAt / 1000), completed: 0 }; // hiapi: completed is 0 until the task ends
		if (done) {
			data['completed'] = Math.floor((t.createdAt + (t.behaviour.durationMs ?? 300)) / 1000);
			if (status === 'success') {
				data['output'] = [{ url: `${baseUrl}/cdn/${t.taskId}.png`, type: 'image', expireAt: new Date(Date.now() + 3_600_000).toISOString() }];
			} else {
				const defaultCode = status === 'canceled' ? 'TASK_CANCELED' : 'GENERATION_FAILED';
				data['error'] = t.behaviour.failError ?? { code: defaultCode, message: `task ${status}` };
			}
		}
		return data;
	};

	const sendCallbacks = (t: TaskState): Promise<void> => {
		if (!t.callback) return Promise.resolve();
		// The final task: as of the moment it ended at the latest (a timer may fire a millisecond early).
		const ended = t.createdAt + (t.behaviour.durationMs ?? 300);
		return callbackSender.deliver(t.callback.url, () => JSON.stringify(taskData(t, Math.max(Date.now(), ended))), t.behaviour.callback);
	};

	const handleCdn = (res: http.ServerResponse, taskId: string) => serveCdn(res, tasks.get(taskId), sleep);

	const handlePricing = (res: http.ServerResponse) => {
		if ('priceUsd' in pricing) return send(res, 200, defaultPricingBody(pricing.priceUsd, pricing.version, pricing.model));
		return send(res, pricing.status ?? 200, pricing.body === undefined ? defaultPricingBody() : pricing.body);
	};

	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const rawBody = Buffer.concat(chunks).toString('utf8');
			const headers: Record<string, string> = {};
			for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
			const rec: RecordedHiapiRequest = { at: Date.now(), method: req.method ?? 'GET', path: req.url ?? '/', headers, rawBody };
			if (rawBody) {
				try {
					rec.json = JSON.parse(rawBody);
				} catch {
					// leave json undefined: the handler answers 400
				}
			}
			requests.push(rec);
			const path = (req.url ?? '/').split('?')[0]!;
			let m: RegExpMatchArray | null;
			let p: Promise<void> | void;
			if (rec.method === 'POST' && path === '/v1/tasks') p = handleSubmit(req, res, rec);
			else if (rec.method === 'GET' && (m = path.match(/^\/v1\/tasks\/([^/]+)$/))) p = handlePoll(req, res, decodeURIComponent(m[1]!));
			else if (rec.method === 'GET' && (m = path.match(/^\/cdn\/([^/]+)\.png$/))) p = handleCdn(res, decodeURIComponent(m[1]!));
			else if (rec.method === 'GET' && path === '/api/pricing') p = handlePricing(res);
			else p = send(res, 404, hiapiErrorBody(404, `no route for ${rec.method} ${path}`));
			Promise.resolve(p).catch((err: unknown) => {
				if (!res.headersSent) send(res, 500, hiapiErrorBody(500, String(err)));
				else res.destroy();
			});
		});
	});
	server.on('connection', (s) => {
		sockets.add(s);
		s.on('close', () => sockets.delete(s));
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve());
	});
	const port = (server.address() as AddressInfo).port;
	baseUrl = `http://127.0.0.1:${port}`;

	return {
		url: baseUrl,
		pricingUrl: `${baseUrl}/api/pricing`,
		apiKey,
		signingKey,
		requests,
		callbacks: callbackSender.sent,
		setDefault(b) {
			defaultBehaviour = b;
		},
		script(match, b) {
			scripts.push({ match, b });
		},
		scriptKey(match, b) {
			keyScripts.push({ match, b });
		},
		setPricing(p) {
			pricing = p;
		},
		setBalance(zero) {
			balanceZero = zero;
		},
		tasks() {
			return [...tasks.values()].map((t) => {
				const out: EmulatedTask = { taskId: t.taskId, prompt: t.prompt, aspectRatio: t.aspectRatio, createdAt: t.createdAt };
				if (t.idempotencyKey !== undefined) out.idempotencyKey = t.idempotencyKey;
				return out;
			});
		},
		cdnBytes(taskId) {
			const t = tasks.get(taskId);
			if (!t) throw new Error(`hiapi emulator: unknown task ${taskId}`);
			return t.bytes;
		},
		submits() {
			return requests.filter((r) => r.method === 'POST' && r.path.split('?')[0] === '/v1/tasks');
		},
		reset() {
			requests.length = 0;
			callbackSender.sent.length = 0;
			defaultBehaviour = {};
			scripts = [];
			keyScripts = [];
			pricing = {};
			balanceZero = false;
			tasks = new Map();
			byIdempotencyKey = new Map();
			submitErrorUses = new WeakMap();
		},
		async close() {
			callbackSender.close();
			for (const t of timers) clearTimeout(t);
			timers.clear();
			const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
			for (const s of sockets) s.destroy();
			server.closeAllConnections();
			await serverClosed;
		},
	};
}
