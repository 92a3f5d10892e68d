// The vault on Redis, for a fleet of bot processes sharing one instance: `open`, `close`, `save`, `prune` and
// `resetSpend` are each one Lua script (redis-scripts.ts), so they act at once across every process; keys: redis-keys.ts.
import type { RedisClientType } from '@keyv/redis';
import { taskIdsOf, type Job } from '../records/job.js';
import { GLOBAL_SCOPE, heldReservation, utcDay, type Reservation } from '../records/budget.js';
import { type Read } from '../records/read.js';
import { asArray, field, limitArg, parseCounters, parseJob, parseReservation } from './redis-codec.js';
import { runScript, SCRIPTS, type Script } from './redis-eval.js';
import { DEFAULT_PREFIX, vaultKey } from './redis-keys.js';
import {
	checkClose,
	checkOpen,
	checkSave,
	filedAs,
	type CloseRequest,
	type CloseResult,
	type Counter,
	type Counters,
	type OpenRequest,
	type OpenResult,
	type RefusalReason,
	type TopRow,
	type Vault,
} from './vault.js';

export interface RedisVaultOptions {
	/** Put before every key; default `ib:`. */
	prefix?: string;
}

const PRUNE_BATCH = 200;
const CHARGES_PAGE = 500;
/** How many members tied with the last leader `top` reads to order them by images. */
const TOP_TIES = 1000;

const byTop = (a: TopRow, b: TopRow) => b.spent - a.spent || b.images - a.images;

export class RedisVault implements Vault {
	readonly kind = 'redis' as const;
	private readonly prefix: string;

	constructor(
		private readonly client: RedisClientType,
		options: RedisVaultOptions = {},
	) {
		this.prefix = options.prefix ?? DEFAULT_PREFIX;
	}

	private key(...parts: string[]): string {
		return vaultKey(this.prefix, ...parts);
	}

	private run(script: Script, args: string[]): Promise<unknown> {
		return runScript(this.client, script, [this.prefix, ...args]);
	}

	async open(request: OpenRequest): Promise<OpenResult> {
		const { job, scope, periodKey, limits, now } = request;
		const amount = checkOpen(request);
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
		const { ended, images, charge } = checkClose(request);
		const { job, guildCap } = request;
		const reply = asArray(
			await this.run(SCRIPTS.close, [
				job.id,
				ended,
				String(job.finishedAt),
				utcDay(job.finishedAt),
				JSON.stringify(filedAs(job, 'committed')),
				JSON.stringify(filedAs(job, 'refunded')),
				job.userId,
				limitArg('guildCap', guildCap),
				taskIdsOf(job) ?? '',
				String(charge),
				String(images),
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
		checkSave(job);
		await this.run(SCRIPTS.save, [job.id, JSON.stringify(job), taskIdsOf(job) ?? '']);
	}

	async job(id: string): Promise<Read<Job>> {
		const raw = await this.client.get(this.key('job', id));
		return raw === null ? undefined : parseJob(raw);
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
		return parseReservation(await this.client.hGetAll(this.key('res', id)));
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
