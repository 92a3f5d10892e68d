// What every /budget handler gets (the invocation's context), and the amount and member parsing they share.
import type { APIEmbed, ChatInputCommandInteraction, User } from 'discord.js';
import type { Services } from '../../src/command.js';
import { BUDGET, type budgetTexts } from '../../src/messages/budget-texts.js';
import { UserError } from '../../src/messages/user-error.js';
import { parseUsd } from '../../src/util/money.js';

export const MAX_AMOUNT_MICROS = 10_000 * 1_000_000;
const OFF = /^(off|none|remove)$/i;

/** One /budget invocation, after the guild and permission checks. */
export interface BudgetContext {
	interaction: ChatInputCommandInteraction<'cached' | 'raw'>;
	services: Services;
	guildId: string;
	/** The member running the command (recorded as the author of every change). */
	moderatorId: string;
	/** The moderator's Discord locale, and /budget's texts in it. */
	locale: string;
	text: ReturnType<typeof budgetTexts>;
	/** The price per image at the time of the command, in micro-dollars. */
	price: number;
	/** Answers only the moderator, in the info colour, mentioning nobody. */
	reply: (embed: APIEmbed) => Promise<void>;
}

export type SubHandler = (c: BudgetContext) => Promise<void>;

/** Dollars to micro-dollars; `null` for 'off' when `allowOff`. */
export function parseAmount(raw: string, allowOff: boolean, text = BUDGET): number | null {
	if (allowOff && OFF.test(raw.trim())) return null;
	const micros = parseUsd(raw, 2);
	if (micros === undefined || micros > MAX_AMOUNT_MICROS) {
		throw new UserError(text.badAmount(raw, allowOff));
	}
	return micros;
}

/** The member a subcommand is about; bots have no budget. */
export function targetOf(raw: User, text = BUDGET): User {
	if (raw.bot) throw new UserError(text.botTarget);
	return raw;
}
