// Korean (ko): the translation of en-US/install.ts.
import type source from '../en-US/install.js';
import type { Translation } from '../types.js';

export default {
	'install.addBotToServer': '여기서 쓰려면 이 서버에 봇을 추가해야 해요. 서버 관리자에게 추가해 달라고 하거나, 봇과의 DM에서 사용해 주세요.',
	'install.unexpectedPlace': '여기서는 사용할 수 없어요. 비용은 청구되지 않았어요.',
} satisfies Translation<typeof source>;
