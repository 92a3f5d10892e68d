// Which vault a store gets: the embedded one on SQLite, the Lua one on Redis.
import type { Store } from '../storage/store.js';
import { LocalVault } from './local.js';
import { RedisVault } from './redis.js';
import type { Vault } from './vault.js';

export function createVault(store: Store): Vault {
	return store.redis ? new RedisVault(store.redis) : new LocalVault(store);
}
