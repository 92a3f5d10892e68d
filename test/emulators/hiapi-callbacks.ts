/**
 * hiapi's callbacks, as the hiapi emulator sends them: the final task object POSTed to the URL given on submit,
 * signed with the account's webhook signing key (X-HiAPI-Timestamp: Unix seconds; X-HiAPI-Signature: hex
 * HMAC-SHA256(key, `<timestamp>.<raw body>`)), at least once: retried on connection errors and 5xx.
 */
import { createHmac } from 'node:crypto';

/** How one task's callback misbehaves (default: sent once, promptly, correctly signed). */
export interface CallbackScript {
	/** Never sent. */
	drop?: boolean;
	/** Sent twice, one after the other. */
	duplicate?: boolean;
	/** Sent twice at the same moment. */
	concurrent?: boolean;
	/** Sent this long after the task ends. */
	delayMs?: number;
	/** Signed with a wrong signature. */
	badSignature?: boolean;
	/** Signed with a timestamp this many seconds old. */
	staleSeconds?: number;
}

export interface RecordedCallback {
	taskId: string;
	url: string;
	/** Date.now() when the POST was sent. */
	sentAt: number;
	/** The status the receiver answered, or 0 when the request failed. */
	status: number;
	body: string;
	headers: Record<string, string>;
}

export function signHiapiCallback(signingKey: string, timestamp: string, body: string): string {
	return createHmac('sha256', signingKey).update(`${timestamp}.${body}`).digest('hex');
}

const ATTEMPTS = 3;

export class CallbackSender {
	readonly sent: RecordedCallback[] = [];
	private closed = false;

	constructor(
		private readonly signingKey: string,
		private readonly sleep: (ms: number) => Promise<void>,
	) {}

	/** Sends the task object (`body()`, built when sent) to `url`, as the script says. */
	async deliver(url: string, body: () => string, script: CallbackScript = {}): Promise<void> {
		if (script.drop) return;
		if (script.concurrent) {
			await Promise.all([this.post(url, body(), script), this.post(url, body(), script)]);
			return;
		}
		await this.post(url, body(), script);
		if (script.duplicate) await this.post(url, body(), script);
	}

	close(): void {
		this.closed = true;
	}

	private async post(url: string, body: string, script: CallbackScript): Promise<void> {
		for (let attempt = 1; attempt <= ATTEMPTS && !this.closed; attempt++) {
			const timestamp = String(Math.floor(Date.now() / 1000) - (script.staleSeconds ?? 0));
			let signature = signHiapiCallback(this.signingKey, timestamp, body);
			if (script.badSignature) signature = `${signature.startsWith('0') ? '1' : '0'}${signature.slice(1)}`;
			const headers = {
				'content-type': 'application/json',
				'x-hiapi-timestamp': timestamp,
				'x-hiapi-signature': signature,
				'user-agent': 'hiapi-webhooks/1.0',
			};
			const record: RecordedCallback = { taskId: String((JSON.parse(body) as { taskId?: unknown }).taskId), url, sentAt: Date.now(), status: 0, body, headers };
			this.sent.push(record);
			try {
				const res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) });
				record.status = res.status;
				await res.arrayBuffer();
				if (res.status < 500) return;
			} catch {
				// connection refused or reset: retried
			}
			await this.sleep(500 * attempt);
		}
	}
}
