// Texts about where the bot can be used: a user install (USER_INSTALL) in servers and group DMs, in the member's locale.
import { perLocale } from './i18n.js';

/** `installTexts(interaction.locale)`; INSTALL_TEXT is the English one. */
export const installTexts = perLocale(({ t }) => ({
	/** A user install used where the bot was not added, while the operator has user installs off. */
	addBotToServer: t('install.addBotToServer'),
	/** An interaction whose context or installation the bot does not recognise: nothing was done or charged. */
	unexpectedPlace: t('install.unexpectedPlace'),
}));
export const INSTALL_TEXT = installTexts('en-US');
