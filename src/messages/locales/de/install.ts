// German (de): the translation of en-US/install.ts.
import type source from '../en-US/install.js';
import type { Translation } from '../types.js';

export default {
	'install.addBotToServer':
		'Der Bot muss zu diesem Server hinzugefügt werden, damit er hier genutzt werden kann. Bitte jemanden, der den Server verwaltet, ihn hinzuzufügen, oder nutze ihn in einer DM mit dem Bot.',
	'install.unexpectedPlace': 'Das kann hier nicht genutzt werden. Es wurde nichts berechnet.',
} satisfies Translation<typeof source>;
