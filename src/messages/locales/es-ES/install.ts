// Spanish (es-ES): the translation of en-US/install.ts.
import type source from '../en-US/install.js';
import type { Translation } from '../types.js';

export default {
	'install.addBotToServer':
		'Hay que añadir el bot a este servidor para usarlo aquí. Pide a alguien que gestione el servidor que lo añada, o úsalo en un MD con el bot.',
	'install.unexpectedPlace': 'Esto no se puede usar aquí. No se ha cobrado nada.',
} satisfies Translation<typeof source>;
