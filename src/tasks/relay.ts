// In a fleet, hiapi's callback reaches whichever process the operator's proxy picks, while the job waiting for
// that task may run on another. A verified callback that wakes nobody here is published on Redis, and every
// process hands it to its own waiters (which wake a job at most once, and ignore tasks they do not know).
import type { RedisClientType } from '@keyv/redis';
import { z } from 'zod';
import type { TaskSnapshot } from '../hiapi/index.js';
import type { Logger } from '../log.js';
import type { TaskWaiters } from './waiters.js';

const CHANNEL = 'ib:callbacks';

// What crosses Redis is validated like anything else that crosses a boundary.
const messageSchema = z.object({
	at: z.number(),
	task: z.object({
		taskId: z.string().min(1),
		status: z.string(),
		phase: z.enum(['queued', 'running', 'success', 'failed']),
		output: z.array(z.object({ url: z.string(), type: z.string().optional(), expireAt: z.union([z.string(), z.number()]).optional() })),
		error: z.object({ code: z.string().optional(), message: z.string().optional() }).optional(),
	}),
});

export class CallbackRelay {
	private subscriber: RedisClientType | undefined;

	constructor(
		private readonly client: RedisClientType,
		private readonly waiters: TaskWaiters,
		private readonly logger: Logger,
	) {}

	async start(): Promise<void> {
		const subscriber = this.client.duplicate();
		subscriber.on('error', (error: unknown) => this.logger.debug({ err: error }, 'callback relay connection error'));
		await subscriber.connect();
		await subscriber.subscribe(CHANNEL, (message) => this.receive(message));
		this.subscriber = subscriber;
	}

	/** A verified callback arrived here: wake the job if it waits on this process, else tell the fleet. */
	deliver(task: TaskSnapshot, at: number): string {
		const result = this.waiters.deliver(task, at);
		if (result !== 'unknown') return result;
		this.client
			.publish(CHANNEL, JSON.stringify({ task, at }))
			.catch((error: unknown) => this.logger.warn({ err: error, taskId: task.taskId }, 'could not relay a callback'));
		return 'relayed';
	}

	private receive(message: string): void {
		let raw: unknown;
		try {
			raw = JSON.parse(message);
		} catch {
			raw = undefined;
		}
		const parsed = messageSchema.safeParse(raw);
		if (!parsed.success) {
			this.logger.warn('ignored a malformed relayed callback');
			return;
		}
		const { task, at } = parsed.data;
		const snapshot: TaskSnapshot = {
			taskId: task.taskId,
			status: task.status,
			phase: task.phase,
			output: task.output.map((o) => ({
				url: o.url,
				...(o.type !== undefined ? { type: o.type } : {}),
				...(o.expireAt !== undefined ? { expireAt: o.expireAt } : {}),
			})),
			...(task.error
				? {
						error: {
							...(task.error.code !== undefined ? { code: task.error.code } : {}),
							...(task.error.message !== undefined ? { message: task.error.message } : {}),
						},
					}
				: {}),
		};
		this.waiters.deliver(snapshot, at);
	}

	async stop(): Promise<void> {
		await this.subscriber?.quit().catch(() => undefined);
	}
}
