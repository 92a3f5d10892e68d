// English (en-US), the source: where the bot can be used (a user install, USER_INSTALL, in servers and group DMs).
export default {
	'install.addBotToServer': 'The bot must be added to this server to be used here. Ask a server manager to add it, or use it in a DM with the bot.',
	'install.unexpectedPlace': "This can't be used here. Nothing was charged.",
} as const;
