// The vault on Redis, for a fleet of bot processes sharing one Redis instance. `open`, `close`, `save`,
// `prune` and `resetSpend` are each one Lua script (redis-scripts.ts), so their checks and writes happen at
// once across every process. Money is integer micro-dollars in hash fields (HINCRBY-able, never JSON); the
// job is JSON under its own key. Key layout (prefix `ib:` by default; `*` is the operator's global scope):
//
//   acct:{scope}:{period}:{user}  HASH spent reserved images name   a member's account
//   pool:{scope}:{period}         HASH spent reserved images        a server's (or DMs') pool; pool:*:{period} is global
//   res:{id}                      HASH the Reservation's fields     state held | committed | refunded
//   rx:{scope}:{period}           ZSET createdAt → id               a period's charges in order
//   spent:{scope}:{period}        ZSET spent → userId               the leaders (`top`)
//   day:{scope}:{YYYY-MM-DD}      HASH spent images                 committed spend per UTC day
//   notes:{scope}:{period}        SET 80 | 100                      cap notes already sent
//   job:{id}                      STRING the job as JSON
//   jobs:open                     ZSET createdAt → id               open jobs (what a restart resumes)
//   jobs:done                     ZSET finishedAt → id              finished jobs (what retention prunes)
//   active:{user}                 SET open job ids                  MAX_JOBS_PER_USER across the fleet
import { createHash } from 'node:crypto';
import type { RedisClientType } from '@keyv/redis';
import { jobSchema, type Job } from '../records/job.js';
import { GLOBAL_SCOPE, heldReservation, reservationSchema, utcDay, type Reservation } from '../records/budget.js';
import { CORRUPT, type Read } from '../records/read.js';
import { CLOSE, OPEN, PRUNE, RESET_SPEND, SAVE } from './redis-scripts.js';
import type { CloseRequest, CloseResult, Counter, Counters, OpenRequest, OpenResult, RefusalReason, TopRow, Vault } from './vault.js';

export interface RedisVaultOptions {
	/** Put before every key; default `ib:`. */
	prefix?: string;
}

/** A script with its SHA1, run by EVALSHA (the script text is sent only when the server does not know it). */
class Script {
	readonly sha: string;
	constructor(readonly source: string) {
		this.sha = createHash('sha1').update(source).digest('hex');
	}
}

const SCRIPTS = {
	open: new Script(OPEN),
	close: new Script(CLOSE),
	save: new Script(SAVE),
	prune: new Script(PRUNE),
	resetSpend: new Script(RESET_SPEND),
};

const PRUNE_BATCH = 200;
const CHARGES_PAGE = 500;
/** How many members tied with the last leader `top` reads to order them by images. */
const TOP_TIES = 1000;

type Field = string | null | undefined;

/** A stored counter field: absent is 0; anything but a non-negative integer below 2^53 is undefined (corrupt). */
function field(value: Field): number | undefined {
	if (value === null || value === undefined) return 0;
	return /^\d{1,15}$/.test(value) ? Number(value) : undefined;
}

function counter(raw: readonly unknown[]): Counter | undefined {
	// HMGET answers strings or nil; anything else is not a counter.
	const [spent, reserved, images] = raw.slice(0, 3).map((v) => (typeof v === 'string' || v === null || v === undefined ? field(v) : undefined));
	if (spent === undefined || reserved === undefined || images === undefined) return undefined;
	return { spent, reserved, images };
}

const empty = (): Counter => ({ spent: 0, reserved: 0, images: 0 });

/** Account (spent, reserved, images, name), pool (3) and global (3) fields as read from Redis. */
function parseCounters(raw: readonly unknown[]): Counters {
	const account = counter(raw.slice(0, 3));
	const name = raw[3];
	const pool = counter(raw.slice(4, 7));
	const global = counter(raw.slice(7, 10));
	return {
		account: { ...(account ?? empty()), ...(typeof name === 'string' ? { name } : {}) },
		pool: pool ?? empty(),
		global: global ?? empty(),
		corrupt: !account || !pool || !global,
	};
}

function asArray(reply: unknown): unknown[] {
	if (!Array.isArray(reply)) throw new Error(`unexpected reply from a vault script: ${JSON.stringify(reply)}`);
	return reply as unknown[];
}

/** `undefined` → '' (none); otherwise a non-negative safe integer, as Lua reads it with tonumber. */
function limitArg(name: string, value: number | undefined): string {
	if (value === undefined) return '';
	if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
	return String(value);
}

const NUMERIC_RESERVATION_FIELDS = new Set(['v', 'amount', 'createdAt', 'endedAt']);

const byTop = (a: TopRow, b: TopRow) => b.spent - a.spent || b.images - a.images;

export class RedisVault implements Vault {
	readonly kind = 'redis' as const;
	private readonly prefix: string;

	constructor(
		private readonly client: RedisClientType,
		options: RedisVaultOptions = {},
	) {
		this.prefix = options.prefix ?? 'ib:';
	}

	private key(...parts: string[]): string {
		return this.prefix + parts.join(':');
	}

	private async run(script: Script, args: string[]): Promise<unknown> {
		const all = [this.prefix, ...args];
		try {
			return await this.client.evalSha(script.sha, { arguments: all });
		} catch (error) {
			if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
			return this.client.eval(script.source, { arguments: all });
		}
	}

	async open(request: OpenRequest): Promise<OpenResult> {
		const { job, scope, periodKey, limits, now } = request;
		const amount = job.price;
		if (!Number.isSafeInteger(amount) || amount <= 0) throw new RangeError(`reservation amount must be a positive integer, got ${amount}`);
		const reservation: Reservation = heldReservation(job, scope, periodKey, now);
		const pairs = Object.entries(reservation).flatMap(([k, v]) => (v === undefined ? [] : [k, String(v)]));
		const reply = asArray(
			await this.run(SCRIPTS.open, [
				job.id,
				scope,
				periodKey,
				job.userId,
				String(amount),
				String(now),
				limitArg('limits.user', limits.user),
				limitArg('limits.guildCap', limits.guildCap),
				limitArg('limits.global', limits.global),
				limitArg('maxActivePerUser', request.maxActivePerUser),
				JSON.stringify(job),
				String(job.createdAt),
				job.userName ?? '',
				...pairs,
			]),
		);
		const [status, reason] = reply;
		if (status === 'duplicate') return { status: 'duplicate' };
		const counters = parseCounters(reply.slice(2));
		if (status === 'created') return { status: 'created', counters };
		if (status === 'busy') return { status: 'busy', counters };
		if (status === 'refused' && (reason === 'user' || reason === 'guild' || reason === 'global' || reason === 'corrupt')) {
			return { status: 'refused', reason: reason satisfies RefusalReason, counters };
		}
		throw new Error(`unexpected reply from the open script: ${JSON.stringify(reply)}`);
	}

	async close(request: CloseRequest): Promise<CloseResult> {
		const { job, guildCap } = request;
		const ended = job.state === 'delivered' ? 'committed' : job.state === 'refunded' ? 'refunded' : undefined;
		if (!ended) throw new RangeError(`close needs a delivered or refunded job, got state ${job.state}`);
		if (!Number.isFinite(job.finishedAt)) throw new RangeError(`close needs finishedAt, got ${job.finishedAt}`);
		const reply = asArray(
			await this.run(SCRIPTS.close, [
				job.id,
				ended,
				String(job.finishedAt),
				utcDay(job.finishedAt),
				JSON.stringify(job),
				job.userId,
				limitArg('guildCap', guildCap),
			]),
		);
		const [status] = reply;
		if (status === 'missing') return { status: 'missing' };
		if (status === 'already-closed') return { status: 'already-closed' };
		if (status !== 'closed') throw new Error(`unexpected reply from the close script: ${JSON.stringify(reply)}`);
		const capNotes = reply.slice(3).filter((t): t is 80 | 100 => t === 80 || t === 100);
		return { status: 'closed', ended, capNotes, poolSpent: field(typeof reply[2] === 'string' ? reply[2] : null) ?? 0 };
	}

	async save(job: Job): Promise<void> {
		if (job.state === 'delivered' || job.state === 'refunded') throw new RangeError(`save is for open jobs; close ends job ${job.id}`);
		await this.run(SCRIPTS.save, [job.id, JSON.stringify(job), job.taskId ?? '']);
	}

	async job(id: string): Promise<Read<Job>> {
		const raw = await this.client.get(this.key('job', id));
		if (raw === null) return undefined;
		let value: unknown;
		try {
			value = JSON.parse(raw);
		} catch {
			return CORRUPT;
		}
		const parsed = jobSchema.safeParse(value);
		return parsed.success ? parsed.data : CORRUPT;
	}

	async openJobs(): Promise<Array<{ id: string; createdAt: number }>> {
		const rows = await this.client.zRangeWithScores(this.key('jobs', 'open'), 0, -1);
		return rows.map(({ value, score }) => ({ id: value, createdAt: score }));
	}

	async prune(cutoff: number): Promise<number> {
		if (Number.isNaN(cutoff)) throw new RangeError('prune cutoff must be a number');
		let pruned = 0;
		for (;;) {
			const n = Number(await this.run(SCRIPTS.prune, [String(cutoff), String(PRUNE_BATCH)]));
			pruned += n;
			if (n < PRUNE_BATCH) return pruned;
		}
	}

	async counters(scope: string, periodKey: string, userId: string): Promise<Counters> {
		// MULTI: the three are read at one instant.
		const replies = await this.client
			.multi()
			.hmGet(this.key('acct', scope, periodKey, userId), ['spent', 'reserved', 'images', 'name'])
			.hmGet(this.key('pool', scope, periodKey), ['spent', 'reserved', 'images'])
			.hmGet(this.key('pool', GLOBAL_SCOPE, periodKey), ['spent', 'reserved', 'images'])
			.exec();
		return parseCounters(replies.flatMap((r) => asArray(r)));
	}

	async reservation(id: string): Promise<Reservation | undefined> {
		const raw = await this.client.hGetAll(this.key('res', id));
		if (Object.keys(raw).length === 0) return undefined;
		const value: Record<string, unknown> = {};
		for (const [k, v] of Object.entries(raw)) value[k] = NUMERIC_RESERVATION_FIELDS.has(k) && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v;
		const parsed = reservationSchema.safeParse(value);
		// Unreadable reads as absent: the interface has no CORRUPT here, and close treats it as missing too.
		return parsed.success ? parsed.data : undefined;
	}

	async top(scope: string, periodKey: string, limit: number): Promise<TopRow[]> {
		if (limit <= 0) return [];
		const board = this.key('spent', scope, periodKey);
		const head = await this.client.zRangeWithScores(board, 0, limit - 1, { REV: true });
		const ids = head.map((e) => e.value);
		const last = head.at(-1);
		if (head.length === limit && last) {
			// Members tied with the last leader compete on images; the board orders ties by id.
			const ties = await this.client.zRangeByScore(board, last.score, last.score, { LIMIT: { offset: 0, count: TOP_TIES } });
			const seen = new Set(ids);
			for (const id of ties) if (!seen.has(id)) ids.push(id);
		}
		const accounts = await Promise.all(ids.map((id) => this.client.hmGet(this.key('acct', scope, periodKey, id), ['spent', 'images', 'name'])));
		const rows: TopRow[] = [];
		ids.forEach((userId, i) => {
			const [spentRaw, imagesRaw, name] = accounts[i] ?? [];
			const spent = field(spentRaw);
			const images = field(imagesRaw);
			if (spent === undefined || images === undefined || (spent === 0 && images === 0)) return;
			rows.push({ userId, ...(typeof name === 'string' ? { name } : {}), spent, images });
		});
		return rows.sort(byTop).slice(0, limit);
	}

	async *charges(scope: string, periodKey: string): AsyncGenerator<Reservation> {
		const index = this.key('rx', scope, periodKey);
		for (let start = 0; ; start += CHARGES_PAGE) {
			const ids = await this.client.zRange(index, start, start + CHARGES_PAGE - 1);
			const page = await Promise.all(ids.map((id) => this.reservation(id)));
			for (const reservation of page) if (reservation) yield reservation;
			if (ids.length < CHARGES_PAGE) return;
		}
	}

	async day(scope: string, date: string): Promise<{ spent: number; images: number }> {
		const [spent, images] = await this.client.hmGet(this.key('day', scope, date), ['spent', 'images']);
		return { spent: field(spent) ?? 0, images: field(images) ?? 0 };
	}

	async resetSpend(scope: string, periodKey: string, userId: string): Promise<number | 'corrupt'> {
		const old = Number(await this.run(SCRIPTS.resetSpend, [scope, periodKey, userId]));
		return old < 0 ? 'corrupt' : old;
	}

	/** The store owns the client and closes it. */
	async dispose(): Promise<void> {}

	// ── Import: records copied from the embedded layout (migrate-store, or an older Redis store) ────────

	/** A member's account (`userId` set) or a pool, as it stood; the leaders board follows accounts. */
	async importCounter(scope: string, periodKey: string, userId: string | undefined, c: Counter & { name?: string | undefined }): Promise<void> {
		const fields: Record<string, string> = {
			spent: String(c.spent),
			reserved: String(c.reserved),
			images: String(c.images),
			...(c.name ? { name: c.name } : {}),
		};
		if (userId === undefined) {
			await this.client.hSet(this.key('pool', scope, periodKey), fields);
			return;
		}
		await this.client
			.multi()
			.hSet(this.key('acct', scope, periodKey, userId), fields)
			.zAdd(this.key('spent', scope, periodKey), { score: c.spent, value: userId })
			.exec();
	}

	async importReservation(r: Reservation): Promise<void> {
		const pairs = Object.fromEntries(Object.entries(r).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]]))) as Record<string, string>;
		await this.client
			.multi()
			.hSet(this.key('res', r.id), pairs)
			.zAdd(this.key('rx', r.scope, r.periodKey), { score: r.createdAt, value: r.id })
			.exec();
	}

	async importDay(scope: string, date: string, d: { spent: number; images: number }): Promise<void> {
		await this.client.hSet(this.key('day', scope, date), { spent: String(d.spent), images: String(d.images) });
	}

	async importCapNotes(scope: string, periodKey: string, sent: ReadonlyArray<80 | 100>): Promise<void> {
		if (sent.length > 0) await this.client.sAdd(this.key('notes', scope, periodKey), sent.map(String));
	}

	/** A job, open (to be picked up by the fleet) or finished (for its buttons and retention). */
	async importJob(job: Job, open: boolean): Promise<void> {
		const tx = this.client.multi().set(this.key('job', job.id), JSON.stringify(job));
		if (open) tx.zAdd(this.key('jobs', 'open'), { score: job.createdAt, value: job.id }).sAdd(this.key('active', job.userId), job.id);
		else tx.zAdd(this.key('jobs', 'done'), { score: job.finishedAt ?? job.updatedAt, value: job.id });
		await tx.exec();
	}

	/** True when the vault holds any job or reservation (an import target must start empty). */
	async isEmpty(): Promise<boolean> {
		for (const pattern of [this.key('job', '*'), this.key('res', '*')]) {
			for await (const keys of this.client.scanIterator({ MATCH: pattern, COUNT: 1000 })) if (keys.length > 0) return false;
		}
		return true;
	}
}
