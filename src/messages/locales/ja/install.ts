// Japanese (ja): the translation of en-US/install.ts.
import type source from '../en-US/install.js';
import type { Translation } from '../types.js';

export default {
	'install.addBotToServer': 'ここで使うには、このサーバーにボットを追加する必要があります。サーバーの管理者に追加を頼むか、ボットとの DM で使ってください。',
	'install.unexpectedPlace': 'これはここでは使えません。料金は発生していません。',
} satisfies Translation<typeof source>;
