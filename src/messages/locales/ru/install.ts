// Russian (ru): the translation of en-US/install.ts.
import type source from '../en-US/install.js';
import type { Translation } from '../types.js';

export default {
	'install.addBotToServer':
		'Чтобы пользоваться ботом здесь, его нужно добавить на этот сервер. Попросите управляющего сервером добавить его или пользуйтесь им в личных сообщениях с ботом.',
	'install.unexpectedPlace': 'Здесь это использовать нельзя. Ничего не списано.',
} satisfies Translation<typeof source>;
