// The contract between commands/ and the core: what a command is, and what its handlers may use.
// It sits below both, so commands/ imports it from src/ and the wiring imports commands/, never a circle.
import type { AutocompleteInteraction, ButtonInteraction, ChatInputCommandInteraction, ModalSubmitInteraction, RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import type { Ledger } from './budget/ledger.js';
import type { Pricing } from './budget/pricing.js';
import type { Config } from './config.js';
import type { JobQueue } from './images/queue/queue.js';
import type { Logger } from './log.js';
import type { Metrics } from './metrics.js';
import type { Blocklist } from './moderation/blocklist.js';
import type { ModLog } from './moderation/mod-log.js';
import type { CustomId, CustomIdAction } from './records/custom-id.js';

/** What a command handler may use. Handlers stay thin: the work happens in these services. */
export interface Services {
	config: Config;
	logger: Logger;
	/** Limits, settings and the period; its vault holds jobs and money, its audit the moderators' changes. */
	ledger: Ledger;
	blocklist: Blocklist;
	/** The server's log channel (budget changes, cap notes). */
	modLog: ModLog;
	/** Where started images wait and run (in process, or the fleet's). */
	queue: JobQueue;
	pricing: Pricing;
	metrics: Metrics;
	/** When the interaction arrived (for time-to-first-reply and the acknowledgement deadline). */
	receivedAt: number;
}

type Handler<I> = (interaction: I, id: CustomId, services: Services) => Promise<void>;

export interface Command<Data extends RESTPostAPIChatInputApplicationCommandsJSONBody = RESTPostAPIChatInputApplicationCommandsJSONBody> {
	data: Data;
	execute(interaction: ChatInputCommandInteraction, services: Services): Promise<void>;
	/** Suggestions for an option marked `autocomplete` (answered with at most 25 choices, well within 3 s). */
	autocomplete?(interaction: AutocompleteInteraction, services: Services): Promise<void>;
	/** Buttons this command puts on messages, by the action in their custom id (parsed in src/records/custom-id.ts). */
	buttons?: Partial<Record<CustomIdAction, Handler<ButtonInteraction>>>;
	/** Modals this command shows, by the action in their custom id. */
	modals?: Partial<Record<CustomIdAction, Handler<ModalSubmitInteraction>>>;
}
