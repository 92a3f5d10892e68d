// v5's step: every delivered job the store still keeps gets its marker in its member's /history (without a
// message link: older records never noted the message). Pruning later drops them like any other.
import { isJob, jobKeys, jobSchema, type Job } from '../records/job.js';
import { memberKeys } from '../records/member.js';
import type { Logger } from '../log.js';
import { RedisHistoryIndex } from '../members/history-index.js';
import type { Store, Tx } from '../storage/store.js';
import { DEFAULT_PREFIX, vaultKey } from '../vault/redis-keys.js';

const PAGE = 500;
const delivered = (job: Job) => job.state === 'delivered' || job.deliveredAt !== undefined;

export async function backfillHistory(store: Store, tx: Tx, log: Logger): Promise<Record<string, number>> {
	let filed = 0;
	if (!store.redis) {
		const isJobRecord = (key: string) => !key.startsWith(jobKeys.openPrefix) && !key.startsWith(jobKeys.donePrefix);
		for await (const { value } of store.scan('jobs:', jobSchema, { keys: isJobRecord })) {
			if (!isJob(value) || !delivered(value)) continue;
			await tx.set(memberKeys.history(value.userId, value.createdAt, value.id), { v: 1, jobId: value.id, createdAt: value.createdAt });
			filed += 1;
		}
		return { historyEntries: filed };
	}
	// The fleet vault files every finished job in one sorted set; read it a page at a time.
	const client = store.redis;
	const index = new RedisHistoryIndex(client, log);
	const done = vaultKey(DEFAULT_PREFIX, 'jobs', 'done');
	for (let start = 0; ; start += PAGE) {
		const ids = await client.zRange(done, start, start + PAGE - 1);
		for (const id of ids) {
			const raw = await client.get(vaultKey(DEFAULT_PREFIX, 'job', id));
			const parsed = raw === null ? undefined : jobSchema.safeParse(parseJson(raw));
			if (!parsed?.success || !delivered(parsed.data)) continue;
			await index.add(parsed.data.userId, { v: 1, jobId: id, createdAt: parsed.data.createdAt });
			filed += 1;
		}
		if (ids.length < PAGE) break;
	}
	return { historyEntries: filed };
}

function parseJson(text: string): unknown {
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return undefined;
	}
}
