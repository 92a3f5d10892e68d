// Where a member's history markers live: Store records on a local store (a reverse key scan reads the newest
// first), a sorted set per member on Redis (Keyv's Redis adapter can only scan the whole namespace). Either way
// one small write per image, and each member's list is trimmed to the newest MAX_KEPT.
import type { Logger } from '../log.js';
import { historyMarkerSchema, memberKeys, type HistoryMarker } from '../records/member.js';
import { CORRUPT } from '../records/read.js';
import type { RedisClient, Store } from '../storage/store.js';
import { DEFAULT_PREFIX, vaultKey } from '../vault/redis-keys.js';

/** Markers kept per member (history shows 25; the rest covers images pruned or unreadable since). */
export const MAX_KEPT = 50;

export interface HistoryIndex {
	add(userId: string, marker: HistoryMarker): Promise<void>;
	/** The member's newest markers first, at most `limit`; unreadable ones are dropped as they are met. */
	newest(userId: string, limit: number): Promise<HistoryMarker[]>;
	/** Forgets markers whose image is gone (pruned, or its record unreadable). */
	remove(userId: string, markers: readonly HistoryMarker[]): Promise<void>;
}

export function createHistoryIndex(store: Store, logger: Logger): HistoryIndex {
	return store.redis ? new RedisHistoryIndex(store.redis, logger) : new LocalHistoryIndex(store, logger);
}

export class LocalHistoryIndex implements HistoryIndex {
	constructor(
		private readonly store: Store,
		private readonly logger: Logger,
	) {}

	add(userId: string, marker: HistoryMarker): Promise<void> {
		return this.store.write((tx) => tx.set(memberKeys.history(userId, marker.createdAt, marker.jobId), marker));
	}

	async newest(userId: string, limit: number): Promise<HistoryMarker[]> {
		const found: HistoryMarker[] = [];
		const unreadable: string[] = [];
		const beyond: string[] = [];
		for await (const { key, value } of this.store.scan(memberKeys.historyPrefix(userId), historyMarkerSchema, { reverse: true, batch: limit + 10 })) {
			if (value === CORRUPT || value === undefined) unreadable.push(key);
			else if (found.length < limit) found.push(value);
			else if (found.length + beyond.length < MAX_KEPT) beyond.push(key);
			else {
				// Older than the newest MAX_KEPT: trimmed here rather than on the hot path.
				unreadable.push(key);
				if (unreadable.length > 500) break;
			}
		}
		if (unreadable.length > 0) {
			this.logger.debug({ userId, dropped: unreadable.length }, 'history markers dropped (unreadable or beyond the kept)');
			await this.store.write(async (tx) => {
				for (const key of unreadable) await tx.delete(key);
			});
		}
		return found;
	}

	async remove(userId: string, markers: readonly HistoryMarker[]): Promise<void> {
		if (markers.length === 0) return;
		await this.store.write(async (tx) => {
			for (const m of markers) await tx.delete(memberKeys.history(userId, m.createdAt, m.jobId));
		});
	}
}

/**
 * ZSET ib:hist:{user}, score createdAt, member the marker as JSON (it names its job, so each is unique).
 * Sits beside the fleet vault's keys (vault/redis-keys.ts).
 */
export class RedisHistoryIndex implements HistoryIndex {
	constructor(
		private readonly client: RedisClient,
		private readonly logger: Logger,
		private readonly prefix = DEFAULT_PREFIX,
	) {}

	/** The exact stored member of each marker read, so removing one never depends on re-encoding it. */
	private readonly raw = new WeakMap<HistoryMarker, string>();

	key(userId: string): string {
		return vaultKey(this.prefix, 'hist', userId);
	}

	async add(userId: string, marker: HistoryMarker): Promise<void> {
		const key = this.key(userId);
		await this.client
			.multi()
			.zAdd(key, { score: marker.createdAt, value: JSON.stringify(marker) })
			.zRemRangeByRank(key, 0, -MAX_KEPT - 1)
			.exec();
	}

	async newest(userId: string, limit: number): Promise<HistoryMarker[]> {
		const raw = await this.client.zRange(this.key(userId), 0, limit - 1, { REV: true });
		const found: HistoryMarker[] = [];
		const unreadable: string[] = [];
		for (const member of raw) {
			const parsed = historyMarkerSchema.safeParse(parseJson(member));
			if (parsed.success) {
				found.push(parsed.data);
				this.raw.set(parsed.data, member);
			} else unreadable.push(member);
		}
		if (unreadable.length > 0) {
			this.logger.warn({ userId, dropped: unreadable.length }, 'unreadable history markers dropped');
			await this.client.zRem(this.key(userId), unreadable);
		}
		return found;
	}

	async remove(userId: string, markers: readonly HistoryMarker[]): Promise<void> {
		if (markers.length === 0) return;
		await this.client.zRem(
			this.key(userId),
			markers.map((m) => this.raw.get(m) ?? JSON.stringify(m)),
		);
	}
}

function parseJson(text: string): unknown {
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return undefined;
	}
}
