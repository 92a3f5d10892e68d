// members/: what belongs to a member across servers: their /imagine defaults and the history of their images.
// The two together, as commands use them (built once by the composition root).
import type { Logger } from '../log.js';
import type { Store } from '../storage/store.js';
import type { Vault } from '../vault/vault.js';
import { History } from './history.js';
import { createHistoryIndex } from './history-index.js';
import { MemberSettingsStore } from './settings.js';

export interface Members {
	settings: MemberSettingsStore;
	history: History;
}

export function createMembers(store: Store, vault: Pick<Vault, 'job' | 'reservation'>, logger: Logger): Members {
	return { settings: new MemberSettingsStore(store, logger), history: new History(createHistoryIndex(store, logger), vault, logger) };
}
