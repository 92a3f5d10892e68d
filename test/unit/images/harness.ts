// Shared parts for the job pipeline's unit tests: a real SQLite store and ledger in a temp dir, a captured log,
// a recording Delivery (the executor's port to Discord) that can be told to fail, and jobs to feed them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import { expect } from 'vitest';
import { Ledger } from '../../../src/budget/ledger.js';
import type { LedgerOptions, Who } from '../../../src/budget/ledger-core.js';
import { HiapiClient } from '../../../src/hiapi/index.js';
import type { Delivery } from '../../../src/images/delivery.js';
import { JobExecutor } from '../../../src/images/executor.js';
import type { Reply } from '../../../src/messages/reply.js';
import { replyText } from '../../support/card.js';
import { createMetrics, type Metrics } from '../../../src/metrics.js';
import type { Job } from '../../../src/records/job.js';
import { Store } from '../../../src/storage/store.js';
import { DurationHistory } from '../../../src/tasks/durations.js';
import { TaskWaiters } from '../../../src/tasks/waiters.js';
import { TaskWatch } from '../../../src/tasks/watch.js';
import { LocalVault } from '../../../src/vault/local.js';
import type { HiapiEmulator } from '../../emulators/hiapi.js';

export const GUILD = '700000000000000001';
export const MOD = '700000000000000009';
export const PRICE = 50_000; // $0.05

export interface LogLine {
	level: number;
	msg: string;
	[key: string]: unknown;
}

/** A pino logger whose lines are kept, parsed, for assertions. */
export function captureLogger(level = 'debug'): { logger: Logger; lines: LogLine[]; has: (msg: string) => boolean } {
	const lines: LogLine[] = [];
	const logger = pino({ level }, { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) });
	return { logger, lines, has: (msg) => lines.some((l) => l.msg === msg) };
}

export interface World {
	dir: string;
	store: Store;
	ledger: Ledger;
	metrics: Metrics;
	logger: Logger;
	logs: LogLine[];
	close(): Promise<void>;
}

/** A fresh SQLite file with the real LocalVault and Ledger on it. */
export async function openWorld(options: Partial<LedgerOptions> = {}): Promise<World> {
	const dir = mkdtempSync(join(tmpdir(), 'images-'));
	const { logger, lines } = captureLogger();
	const store = await Store.open(`sqlite://${join(dir, 'bot.sqlite')}`, logger);
	const ledger = new Ledger(store, new LocalVault(store), { period: 'monthly', defaultLimit: 1_000_000, globalLimit: undefined, logger, ...options });
	return {
		dir,
		store,
		ledger,
		metrics: createMetrics(),
		logger,
		logs: lines,
		async close() {
			await store.close();
			rmSync(dir, { recursive: true, force: true });
		},
	};
}

let seq = 0;
/** A fresh snowflake-shaped id (interaction ids, user ids). */
export function newId(prefix = '8'): string {
	seq += 1;
	return `${prefix}${String(process.pid % 100000).padStart(5, '0')}${String(seq).padStart(12, '0')}`;
}

/** A job as start.ts builds it (state 'reserved'), not yet stored. */
export function makeJob(over: Partial<Job> = {}): Job {
	const at = Date.now();
	return {
		v: 2,
		id: newId(),
		token: `token-${newId()}`,
		applicationId: '100000000000000042',
		userId: newId('2'),
		userName: 'tester',
		roleIds: [],
		guildId: GUILD,
		channelId: '700000000000000010',
		kind: 'imagine',
		prompt: 'a red fox in the snow',
		aspectRatio: '1:1',
		price: PRICE,
		attachmentSizeLimit: 10 * 1024 * 1024,
		canPostInChannel: true,
		state: 'reserved',
		createdAt: at,
		updatedAt: at,
		...over,
	};
}

export const whoOf = (job: Job): Who => ({ guildId: job.guildId, userId: job.userId, roleIds: job.roleIds ?? [] });

/** Opens the job through the ledger (price held, job stored), as start.ts does. */
export async function openJob(ledger: Ledger, over: Partial<Job> = {}): Promise<Job> {
	const job = makeJob(over);
	const opened = await ledger.open(job, whoOf(job));
	expect(opened.status).toBe('created');
	return job;
}

export type DeliveryOp = 'edit' | 'post' | 'followUp';
export interface DeliveryCall {
	op: DeliveryOp;
	jobId: string;
	reply: Reply;
	ephemeral?: boolean;
	/** The error the call was answered with, when it was told to fail. */
	failed?: unknown;
}

/** The executor's port to Discord, recording every call; `fail` makes the next calls of one kind throw. */
export class RecordingDelivery implements Delivery {
	readonly calls: DeliveryCall[] = [];
	private readonly faults: Array<{ op: DeliveryOp; error: unknown; left: number }> = [];
	/** Runs inside every call before it is answered (await a gate here to hold a call in flight). */
	onCall: ((call: DeliveryCall) => void | Promise<void>) | undefined;

	/** The next `times` calls of `op` throw `error` (Infinity: all of them). */
	fail(op: DeliveryOp, error: unknown, times = 1): void {
		this.faults.push({ op, error, left: times });
	}

	editOriginal(job: Job, reply: Reply): Promise<void> {
		return this.record({ op: 'edit', jobId: job.id, reply });
	}

	postInChannel(job: Job, reply: Reply): Promise<void> {
		return this.record({ op: 'post', jobId: job.id, reply });
	}

	followUp(job: Job, reply: Reply, options: { ephemeral: boolean }): Promise<void> {
		return this.record({ op: 'followUp', jobId: job.id, reply, ephemeral: options.ephemeral });
	}

	/** Calls for one job (all of them, or one kind), in order. */
	of(jobId: string, op?: DeliveryOp): DeliveryCall[] {
		return this.calls.filter((c) => c.jobId === jobId && (op === undefined || c.op === op));
	}

	/** The content of the job's successful calls of `op`. */
	contents(jobId: string, op: DeliveryOp = 'edit'): string[] {
		return this.of(jobId, op)
			.filter((c) => c.failed === undefined)
			.map((c) => replyText(c.reply));
	}

	private async record(call: DeliveryCall): Promise<void> {
		const fault = this.faults.find((f) => f.op === call.op && f.left > 0);
		if (fault) {
			fault.left -= 1;
			call.failed = fault.error;
		}
		this.calls.push(call);
		await this.onCall?.(call);
		if (fault) throw fault.error;
	}
}

/** The real HiapiClient and TaskWatch against the hiapi emulator, and a JobExecutor over them. */
export function executorFor(
	world: World,
	hiapiEmu: Pick<HiapiEmulator, 'url' | 'apiKey'>,
	delivery: Delivery,
	o: { taskTimeoutMs?: number; now?: () => number } = {},
): { executor: JobExecutor; hiapi: HiapiClient; close: () => Promise<void> } {
	const hiapi = new HiapiClient({ baseUrl: hiapiEmu.url, apiKey: hiapiEmu.apiKey, model: 'flux-1.1-pro', logger: world.logger, downloadHosts: ['127.0.0.1'] });
	const history = new DurationHistory(world.store, world.logger);
	const tasks = new TaskWatch({ hiapi, history, waiters: new TaskWaiters(), logger: world.logger, metrics: world.metrics, maxGapMs: 20, callbacks: false });
	const executor = new JobExecutor({
		ledger: world.ledger,
		hiapi,
		delivery,
		logger: world.logger,
		metrics: world.metrics,
		tasks,
		taskTimeoutMs: o.taskTimeoutMs ?? 5000,
		...(o.now ? { now: o.now } : {}),
	});
	return {
		executor,
		hiapi,
		close: async () => {
			await history.flush();
			await hiapi.close();
		},
	};
}

/** Polls `check` until it returns something truthy (real I/O settles; no timing is asserted). */
export async function until<T>(check: () => T | Promise<T>, what: string, timeoutMs = 5000): Promise<NonNullable<T>> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 10));
	}
}

/** A promise with its resolve, to hold a call in flight. */
export function gate(): { promise: Promise<void>; open: () => void } {
	let open: () => void = () => undefined;
	const promise = new Promise<void>((r) => (open = r));
	return { promise, open };
}

/** The value of a prom-client counter for one label set (0 when never incremented). */
export async function counterValue(metric: { get(): Promise<{ values: Array<{ value: number; labels: object }> }> }, labels: object = {}): Promise<number> {
	const { values } = await metric.get();
	const match = values.find((v) => Object.entries(labels).every(([k, val]) => (v.labels as Record<string, unknown>)[k] === val));
	return match?.value ?? 0;
}
