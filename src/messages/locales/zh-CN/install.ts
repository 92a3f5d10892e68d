// Chinese (zh-CN): the translation of en-US/install.ts.
import type source from '../en-US/install.js';
import type { Translation } from '../types.js';

export default {
	'install.addBotToServer': '需要把机器人添加到这个服务器才能在这里使用。请让服务器管理员添加，或在与机器人的私信中使用。',
	'install.unexpectedPlace': '这里无法使用此功能。没有扣费。',
} satisfies Translation<typeof source>;
