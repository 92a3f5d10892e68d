/**
 * The request log and what tests query it with (callbacks, edits, follow-ups, channel messages, waitFor),
 * plus scripted faults: the next matching requests get a chosen status instead of being handled.
 */
import type { Reply } from './replies.js';
import type { FaultMatch, RecordedRequest } from './types.js';
import { isRecord } from './util.js';

interface Waiter {
	pred: (r: RecordedRequest) => boolean;
	resolve: (r: RecordedRequest) => void;
	reject: (e: Error) => void;
	timer: NodeJS.Timeout;
}

interface Fault {
	method?: string;
	pathIncludes: string;
	status: number;
	body?: unknown;
	remaining: number;
}

export class Recorder {
	readonly requests: RecordedRequest[] = [];

	private readonly faults: Fault[] = [];
	private readonly waiters = new Set<Waiter>();

	callbacks(interactionId: string): RecordedRequest[] {
		return this.requests.filter((r) => r.interactionId === interactionId && r.method === 'POST' && r.path.endsWith('/callback'));
	}

	edits(interactionId: string): RecordedRequest[] {
		return this.requests.filter((r) => r.interactionId === interactionId && r.method === 'PATCH' && r.path.endsWith('/messages/@original'));
	}

	followUps(interactionId: string): RecordedRequest[] {
		return this.requests.filter((r) => r.interactionId === interactionId && r.method === 'POST' && /^\/v10\/webhooks\/[^/]+\/[^/]+$/.test(r.path));
	}

	channelMessages(channelId: string): RecordedRequest[] {
		return this.requests.filter((r) => r.method === 'POST' && r.path === `/v10/channels/${channelId}/messages`);
	}

	waitFor(pred: (r: RecordedRequest) => boolean, timeoutMs = 5_000): Promise<RecordedRequest> {
		const existing = this.requests.find(pred);
		if (existing) return Promise.resolve(existing);
		return new Promise((resolve, reject) => {
			const waiter: Waiter = {
				pred,
				resolve,
				reject,
				timer: setTimeout(() => {
					this.waiters.delete(waiter);
					const recent = this.requests
						.slice(-10)
						.map((r) => `${r.method} ${r.path} -> ${r.status}`)
						.join('\n  ');
					reject(new Error(`discord emulator: no matching request within ${timeoutMs} ms; last requests:\n  ${recent || '(none)'}`));
				}, timeoutMs),
			};
			this.waiters.add(waiter);
		});
	}

	failNext(match: FaultMatch, status: number, body?: unknown, times = 1): void {
		this.faults.push({
			...(match.method ? { method: match.method.toUpperCase() } : {}),
			pathIncludes: match.pathIncludes,
			status,
			...(body === undefined ? {} : { body }),
			remaining: times,
		});
	}

	/** Appends a handled request to the log and resolves the waitFor() calls it matches. */
	record(record: RecordedRequest): void {
		this.requests.push(record);
		for (const waiter of [...this.waiters]) {
			if (!waiter.pred(record)) continue;
			clearTimeout(waiter.timer);
			this.waiters.delete(waiter);
			waiter.resolve(record);
		}
	}

	/** The scripted fault reply for the request, if a fault matches it (using up one of its times). */
	faultFor(method: string, record: RecordedRequest): Reply | undefined {
		const fault = this.takeFault(method, record);
		return fault ? this.faultReply(fault) : undefined;
	}

	/** Rejects every pending waitFor(). */
	close(): void {
		for (const waiter of this.waiters) {
			clearTimeout(waiter.timer);
			waiter.reject(new Error('discord emulator closed'));
		}
		this.waiters.clear();
	}

	private takeFault(method: string, record: RecordedRequest): Fault | undefined {
		const fault = this.faults.find(
			(f) =>
				f.remaining > 0 && (f.method === undefined || f.method === method) && (record.path.includes(f.pathIncludes) || record.rawPath.includes(f.pathIncludes)),
		);
		if (!fault) return undefined;
		fault.remaining--;
		if (fault.remaining === 0) this.faults.splice(this.faults.indexOf(fault), 1);
		return fault;
	}

	private faultReply(fault: Fault): Reply {
		if (fault.status === 429) {
			// What Discord sends for a per-route limit; @discordjs/rest waits Retry-After (seconds) then retries.
			const body = isRecord(fault.body) ? fault.body : {};
			const retryAfter = typeof body.retry_after === 'number' ? body.retry_after : 0.1;
			const global = body.global === true;
			return {
				status: 429,
				body: { message: 'You are being rate limited.', retry_after: retryAfter, global, ...body },
				headers: {
					'retry-after': String(retryAfter),
					'x-ratelimit-limit': '5',
					'x-ratelimit-remaining': '0',
					'x-ratelimit-reset': String((Date.now() / 1000 + retryAfter).toFixed(3)),
					'x-ratelimit-reset-after': String(retryAfter),
					'x-ratelimit-scope': typeof body.scope === 'string' ? body.scope : global ? 'global' : 'user',
					...(global ? { 'x-ratelimit-global': 'true' } : {}),
				},
			};
		}
		const fallback = fault.status >= 500 ? `${fault.status}: Internal Server Error` : `${fault.status}: Emulated failure`;
		return { status: fault.status, body: fault.body ?? { message: fallback, code: 0 } };
	}
}
