// A lock on Redis for work only one process of the fleet may do at a time (the store's migration at start-up, a
// server's style list change):
// SET NX PX with a random token, its expiry pushed back while the work runs (so a long step keeps it and a dead
// holder loses it), released only by its holder (compare-and-delete), and a bounded wait for anyone else.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RedisClientType } from '@keyv/redis';
import { StoreError } from './store-errors.js';

const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
const EXTEND = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;

export interface RedisLockOptions {
	/** How long the lock outlives a holder that stops answering; pushed back every third of it while held. */
	ttlMs: number;
	/** How long to wait for another holder before giving up with a StoreError. */
	waitMs: number;
	/** How often a waiter tries again. */
	pollMs?: number;
	/** What the lock guards, for the error when waiting gives up (e.g. "a store migration"). */
	purpose: string;
	/** Told once when the lock is taken by someone else (so the wait is explained in the log). */
	onWait?: () => void;
}

/** Runs `fn` holding the lock `key`; waits up to `waitMs` for it, then throws a StoreError naming the key. */
export async function withRedisLock<T>(client: RedisClientType, key: string, o: RedisLockOptions, fn: () => Promise<T>): Promise<T> {
	const token = randomUUID();
	const giveUpAt = Date.now() + o.waitMs;
	let told = false;
	while ((await client.set(key, token, { condition: 'NX', expiration: { type: 'PX', value: o.ttlMs } })) !== 'OK') {
		if (Date.now() >= giveUpAt) {
			throw new StoreError(
				`another process has held the lock ${key} for over ${Math.round(o.waitMs / 1000)} s (${o.purpose}); if no bot process is running, delete that key and start again`,
			);
		}
		if (!told) o.onWait?.();
		told = true;
		await sleep(o.pollMs ?? 250);
	}
	const keepAlive = setInterval(
		() => void client.eval(EXTEND, { keys: [key], arguments: [token, String(o.ttlMs)] }).catch(() => undefined),
		Math.max(10, Math.floor(o.ttlMs / 3)),
	);
	keepAlive.unref();
	try {
		return await fn();
	} finally {
		clearInterval(keepAlive);
		// Never another holder's: after an expiry someone else may hold it now.
		await client.eval(RELEASE, { keys: [key], arguments: [token] }).catch(() => undefined);
	}
}
