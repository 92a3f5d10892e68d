// The contract between commands/ and the core: what a command is, and what its handler may use.
// It sits below both, so commands/ imports it from src/ and the wiring imports commands/, never a circle.
import type { ChatInputCommandInteraction, RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import type { Config } from './config.js';
import type { JobRunner } from './jobs.js';
import type { Ledger } from './ledger.js';
import type { Logger } from './log.js';
import type { Metrics } from './metrics.js';
import type { Pricing } from './pricing.js';

/** What a command handler may use. Handlers stay thin: the work happens in these services. */
export interface Services {
	config: Config;
	logger: Logger;
	ledger: Ledger;
	jobs: JobRunner;
	pricing: Pricing;
	metrics: Metrics;
	/** When the interaction arrived (for time-to-first-reply). */
	receivedAt: number;
}

export interface Command<Data extends RESTPostAPIChatInputApplicationCommandsJSONBody = RESTPostAPIChatInputApplicationCommandsJSONBody> {
	data: Data;
	execute(interaction: ChatInputCommandInteraction, services: Services): Promise<void>;
}
