// Texts about where the bot can be used: a user install (USER_INSTALL) in servers and group DMs.
export const INSTALL_TEXT = {
	/** A user install used where the bot was not added, while the operator has user installs off. */
	addBotToServer: 'The bot must be added to this server to be used here. Ask a server manager to add it, or use it in a DM with the bot.',
	/** An interaction whose context or installation the bot does not recognise: nothing was done or charged. */
	unexpectedPlace: "This can't be used here. Nothing was charged.",
} as const;
