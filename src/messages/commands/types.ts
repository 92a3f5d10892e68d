// The shape of one locale's slash-command translation (kept apart so the locale files and command-locales.ts share it).

/** Names by the English name (a command, subcommand, option, or `choice:<value>`); descriptions by path (`budget.set.amount`). */
export interface CommandTranslation {
	readonly names: Readonly<Record<string, string>>;
	/** By full path; an option shared by several subcommands may be given once as `<command>.<option>`. */
	readonly descriptions: Readonly<Record<string, string>>;
}
