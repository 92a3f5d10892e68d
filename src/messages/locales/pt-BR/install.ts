// Portuguese (pt-BR): the translation of en-US/install.ts.
import type source from '../en-US/install.js';
import type { Translation } from '../types.js';

export default {
	'install.addBotToServer':
		'O bot precisa ser adicionado a este servidor para ser usado aqui. Peça para quem gerencia o servidor adicioná-lo, ou use-o numa DM com o bot.',
	'install.unexpectedPlace': 'Isso não pode ser usado aqui. Nada foi cobrado.',
} satisfies Translation<typeof source>;
