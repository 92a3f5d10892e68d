// In a fleet, hiapi's callback reaches whichever process the operator's proxy picks, while the job waiting for
// that task may run on another. A verified callback that wakes nobody here is published on Redis as hiapi signed
// it (raw body, timestamp, signature), and every process verifies it again with the webhook secret before waking
// its own waiters: any client of the Redis server can publish, so a message proves nothing by its shape.
import type { RedisClientType } from '@keyv/redis';
import { z } from 'zod';
import { CALLBACK_MAX_BYTES, verifyCallback, type SignedCallback, type TaskSnapshot } from '../hiapi/index.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { NAMESPACE } from '../storage/open-store.js';
import { LogThrottle } from '../util/log-throttle.js';
import type { TaskWaiters } from './waiters.js';

/** The fleet's channel, under the store's namespace (as its keys are: `imagine-bot:…`). */
export const RELAY_CHANNEL = `${NAMESPACE}:callbacks`;
const REFUSAL_LOG_WINDOW_MS = 10_000;

// What crosses Redis is validated like anything else that crosses a boundary, then authenticated.
const messageSchema = z.object({
	v: z.literal(2),
	body: z.base64().max(Math.ceil(CALLBACK_MAX_BYTES / 3) * 4),
	timestamp: z.string().max(20),
	signature: z.string().max(128),
});

export interface RelayOptions {
	secret: string;
	logger: Logger;
	metrics?: Metrics;
	/** Default RELAY_CHANNEL (tests isolate themselves with another). */
	channel?: string;
	now?: () => number;
}

export class CallbackRelay {
	private subscriber: RedisClientType | undefined;
	private readonly channel: string;
	private readonly now: () => number;
	private readonly refusals: LogThrottle;

	constructor(
		private readonly client: RedisClientType,
		private readonly waiters: TaskWaiters,
		private readonly o: RelayOptions,
	) {
		this.channel = o.channel ?? RELAY_CHANNEL;
		this.now = o.now ?? Date.now;
		this.refusals = new LogThrottle(REFUSAL_LOG_WINDOW_MS, this.now);
	}

	async start(): Promise<void> {
		const subscriber = this.client.duplicate();
		subscriber.on('error', (error: unknown) => this.o.logger.debug({ err: error }, 'callback relay connection error'));
		await subscriber.connect();
		await subscriber.subscribe(this.channel, (message) => this.receive(message));
		this.subscriber = subscriber;
	}

	/** A verified callback arrived here: wake the job if it waits on this process, else tell the fleet. */
	deliver(task: TaskSnapshot, at: number, signed: SignedCallback): string {
		const result = this.waiters.deliver(task, at);
		if (result !== 'unknown') return result;
		const message = { v: 2, body: signed.rawBody.toString('base64'), timestamp: signed.timestamp, signature: signed.signature };
		this.client
			.publish(this.channel, JSON.stringify(message))
			.catch((error: unknown) => this.o.logger.warn({ err: error, taskId: task.taskId }, 'could not relay a callback'));
		return 'relayed';
	}

	/** Woken only by what hiapi signed, within the same time window as the HTTP route; the time is this process's. */
	private receive(message: string): void {
		const at = this.now();
		let raw: unknown;
		try {
			raw = JSON.parse(message);
		} catch {
			raw = undefined;
		}
		const parsed = messageSchema.safeParse(raw);
		if (!parsed.success) return this.refuse('malformed');
		const { body, timestamp, signature } = parsed.data;
		const verdict = verifyCallback({ rawBody: Buffer.from(body, 'base64'), timestamp, signature, secret: this.o.secret, now: at });
		if (!verdict.ok) return this.refuse(verdict.reason);
		this.waiters.deliver(verdict.task, at);
	}

	private refuse(reason: string): void {
		this.o.metrics?.callbacks.inc({ result: 'relay_refused' });
		const line = this.refusals.take(reason);
		if (line.log)
			this.o.logger.warn({ reason, channel: this.channel, ...(line.suppressed ? { suppressed: line.suppressed } : {}) }, 'relayed callback refused');
	}

	async stop(): Promise<void> {
		await this.subscriber?.quit().catch(() => undefined);
	}
}
