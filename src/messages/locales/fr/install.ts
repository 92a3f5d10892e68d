// French (fr): the translation of en-US/install.ts.
import type source from '../en-US/install.js';
import type { Translation } from '../types.js';

export default {
	'install.addBotToServer':
		'Le bot doit être ajouté à ce serveur pour être utilisé ici. Demandez à un gestionnaire du serveur de l’ajouter, ou utilisez-le en message privé avec le bot.',
	'install.unexpectedPlace': 'Ceci ne peut pas être utilisé ici. Rien n’a été facturé.',
} satisfies Translation<typeof source>;
