// The store contract on both adapters: typed reads, corrupt records, serialized writes.
// SQLite always; Redis against a real redis-server (installed by .ci/run; required when CI=true).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../e2e/harness.js';
import { hasRedis, startRedis, type RedisServer } from '../../support/redis-server.js';
import { z } from 'zod';
import { TestLedger as Ledger } from '../../support/test-ledger.js';
import { createVault } from '../../../src/vault/create.js';
import { Store } from '../../../src/storage/store.js';
import { CORRUPT } from '../../../src/records/read.js';

const logger = pino({ level: 'silent' });
if (!hasRedis) process.stderr.write('store.test: redis-server not found; testing SQLite only (apt-get install redis-server to include Redis)\n');

let dir: string;
let redis: RedisServer | undefined;
let redisUrl = '';

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), 'store-'));
	if (hasRedis) {
		redis = await startRedis();
		redisUrl = redis.url;
	}
});

afterAll(async () => {
	await redis?.close();
	rmSync(dir, { recursive: true, force: true });
});

const backends = [
	{ name: 'sqlite', url: () => `sqlite://${join(dir, `s-${Math.random()}.sqlite`)}` },
	...(hasRedis ? [{ name: 'redis', url: () => redisUrl }] : []),
];

describe.each(backends)('store on $name', ({ url }) => {
	it('round-trips typed records and flags corrupt ones', async () => {
		const store = await Store.open(url(), logger);
		try {
			const schema = z.object({ v: z.literal(1), n: z.number() });
			const key = `t:${Math.random()}`;
			expect(await store.get(key, schema)).toBeUndefined();
			await store.write((tx) => tx.set(key, { v: 1, n: 7 }));
			expect(await store.get(key, schema)).toEqual({ v: 1, n: 7 });
			await store.write((tx) => tx.set(key, { v: 1, n: 'seven' }));
			expect(await store.get(key, schema)).toBe(CORRUPT);
			await store.write((tx) => tx.delete(key));
			expect(await store.get(key, schema)).toBeUndefined();
			expect(await store.ping()).toBe(true);
		} finally {
			await store.close();
		}
	});

	it('rolls back a failed write block on SQLite; the error reaches the caller on both', async () => {
		const store = await Store.open(url(), logger);
		try {
			const schema = z.object({ n: z.number() });
			const key = `rb:${Math.random()}`;
			await expect(
				store.write(async (tx) => {
					await tx.set(key, { n: 1 });
					throw new Error('boom');
				}),
			).rejects.toThrow('boom');
			if (store.kind === 'sqlite') expect(await store.get(key, schema)).toBeUndefined();
			// The queue keeps working after a failure.
			await store.write((tx) => tx.set(key, { n: 2 }));
			expect(await store.get(key, schema)).toEqual({ n: 2 });
		} finally {
			await store.close();
		}
	});

	it('a failing block among concurrent ones (one commit on SQLite) rolls back alone, and order is kept', async () => {
		const store = await Store.open(url(), logger);
		try {
			const schema = z.object({ n: z.number() });
			const key = `batch:${Math.random()}`;
			const order: number[] = [];
			const committed: number[] = [];
			const writes = [1, 2, 3, 4].map((n) =>
				store.write(async (tx) => {
					order.push(n);
					tx.afterCommit(() => committed.push(n));
					await tx.set(`${key}:${n}`, { n });
					const last = await tx.get(`${key}:last`, schema);
					await tx.set(`${key}:last`, { n: (last === undefined || last === CORRUPT ? 0 : last.n) * 10 + n });
					if (n === 2) throw new Error('block 2 fails');
				}),
			);
			const results = await Promise.allSettled(writes);
			expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
			expect(order).toEqual([1, 2, 3, 4]);
			expect(committed).toEqual([1, 3, 4]); // after-commit hooks: never for the block that rolled back
			if (store.kind === 'sqlite') {
				expect(await store.get(`${key}:2`, schema)).toBeUndefined();
				expect(await store.get(`${key}:last`, schema)).toEqual({ n: 134 });
			}
			expect(await store.get(`${key}:4`, schema)).toEqual({ n: 4 });
		} finally {
			await store.close();
		}
	});

	it('lists records by key prefix, in order or reversed, across pages, skipping filtered keys unvalidated', async () => {
		const store = await Store.open(url(), logger);
		try {
			const schema = z.object({ n: z.number() });
			const p = `scan${Math.random().toString(36).slice(2)}:`;
			await store.write(async (tx) => {
				for (let n = 0; n < 23; n++) await tx.set(`${p}${String(n).padStart(3, '0')}`, { n });
				await tx.set(`${p}skip:x`, 'not a record');
				await tx.set(`${p.slice(0, -1)}X:001`, { n: 99 }); // same start, other prefix
			});
			const list = async (options: Parameters<Store['scan']>[2]) => {
				const out: unknown[] = [];
				for await (const { value } of store.scan(p, schema, options)) out.push(value === CORRUPT ? 'corrupt' : value?.n);
				return out;
			};
			const all = Array.from({ length: 23 }, (_, n) => n);
			const keys = (k: string) => !k.includes(':skip:');
			expect(await list({ batch: 5, keys })).toEqual(all);
			expect(await list({ batch: 4, reverse: true, keys })).toEqual([...all].reverse());
			expect(await list({ batch: 100 })).toContain('corrupt');
		} finally {
			await store.close();
		}
	});

	it('never overspends under concurrent reservations in one process', async () => {
		const store = await Store.open(url(), logger);
		try {
			const ledger = new Ledger(store, createVault(store), { period: 'monthly', defaultLimit: 500_000, globalLimit: undefined, logger });
			const userId = `u${Math.random()}`;
			const results = await Promise.all(Array.from({ length: 100 }, (_, i) => ledger.reserve(`${userId}-${i}`, { guildId: '1', userId }, 50_000)));
			expect(results.filter((r) => r.ok)).toHaveLength(10);
		} finally {
			await store.close();
		}
	});
});

it('fails with an actionable message when Redis is unreachable', async () => {
	const port = await freePort();
	await expect(Store.open(`redis://127.0.0.1:${port}`, logger)).rejects.toThrow(/STORE_URL: cannot reach Redis/);
});
