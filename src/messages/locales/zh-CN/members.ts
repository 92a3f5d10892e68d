// Simplified Chinese (zh-CN): the translation of en-US/members.ts.
import type source from '../en-US/members.js';
import type { Translation } from '../types.js';

export default {
	'settings.title': '你的 {imagineCmd} 默认设置',
	'settings.description': '在所有服务器中用于你省略的选项。用 `{settingsCmd}` 修改，用 `{settingsResetOpt}:true` 清除。',
	'settings.saved': '已保存。`{imagineCmd}` 现在会在你省略选项时使用这些设置。',
	'settings.cleared': '你的默认设置已清除：`{imagineCmd}` 恢复使用常规设置。',
	'settings.resetWithOthers': '请单独使用 `{settingsResetOpt}:true`：它会清除所有默认设置，因此不能与新设置一起使用。',
	'settings.corrupt': '无法读取你保存的默认设置，因此均未生效。请用 `{settingsCmd}` 重新设置。',
	'settings.badCount': '数量必须是 1 到 {max} 的整数。',
	'settings.badRatio': '宽高比必须是以下之一：{ratios}。',
	'settings.badStyle': '风格名称为 1–32 个字符。使用 `{settingsStyleOpt}: none` 可清除默认风格。',
	'settings.aspectRatio': '宽高比',
	'settings.style': '风格',
	'settings.count': '数量',
	'settings.private': '私密',
	'settings.notSet': '未设置（{value}）',
	'settings.none': '无',
	'settings.yes': '是',
	'settings.no': '否',
	'settings.styleMissing': '你的默认风格“{name}”在这里不可用，因此未使用任何风格。',

	'history.title': '你最近的图片',
	'history.empty': '还没有图片（或已不再保留：图片只保留一段时间）。用 `{imagineCmd}` 生成一张吧。',
	'history.footer': '第 {page}/{pages} 页 · {total, plural, other {# 张图片}} · “再来”会以相同请求重新生成，费用由你承担',
	'history.style': '风格 {name}',
	'history.images': '{count, plural, other {# 张图片}}',
	'history.private': '私密',
	'history.message': '消息',
	'history.again': '再来 {n}',
	'history.prev': '上一页',
	'history.next': '下一页',
	'history.noHistory': '你的历史中没有图片。',
	'history.pastEnd': '没有这一页：你的历史共有 {pages, plural, other {# 页}}。用 `{historyCmd}` 重新开始。',
	'history.stale': '这张图片已不在你的历史中（图片只保留一段时间）。用 `{historyCmd}` 查看现有图片。',
} satisfies Translation<typeof source>;
