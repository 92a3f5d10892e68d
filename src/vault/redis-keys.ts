// The Redis vault's key layout, one place for RedisVault's reads and imports; the Lua scripts in
// redis-scripts.ts build the same keys from the prefix they are given.

/** Put before every key unless the vault is given another prefix. */
export const DEFAULT_PREFIX = 'ib:';

/**
 * The key of `parts` under `prefix`, e.g. vaultKey('ib:', 'acct', scope, period, user). The layout (`*` is the
 * operator's global scope):
 *
 *   acct:{scope}:{period}:{user}  HASH spent reserved images name   a member's account
 *   pool:{scope}:{period}         HASH spent reserved images        a server's (or DMs') pool; pool:*:{period} is global
 *   res:{id}                      HASH the Reservation's fields     state held | committed | refunded
 *   rx:{scope}:{period}           ZSET createdAt → id               a period's charges in order
 *   spent:{scope}:{period}        ZSET spent → userId               the leaders (`top`)
 *   day:{scope}:{YYYY-MM-DD}      HASH spent images                 committed spend per UTC day
 *   notes:{scope}:{period}        SET 80 | 100                      cap notes already sent
 *   job:{id}                      STRING the job as JSON
 *   jobs:open                     ZSET createdAt → id               open jobs (what a restart resumes)
 *   jobs:done                     ZSET finishedAt → id              finished jobs (what retention prunes)
 *   active:{user}                 SET open job ids                  MAX_JOBS_PER_USER across the fleet
 *   lock:migrate                  STRING a holder's token           the store migration's lock (storage/redis-lock.ts)
 *   lock:styles:{guild}           STRING a holder's token           a server's style list change (styles/server-styles.ts)
 */
export function vaultKey(prefix: string, ...parts: string[]): string {
	return prefix + parts.join(':');
}
