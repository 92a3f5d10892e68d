// Simplified Chinese (zh-CN): the translation of en-US/style.ts.
import type source from '../en-US/style.js';
import type { Translation } from '../types.js';

export default {
	'style.hint.photo': '写实照片，自然光',
	'style.hint.cinematic': '电影剧照，戏剧性光线，宽银幕',
	'style.hint.anime': '赛璐璐上色的动漫插画',
	'style.hint.watercolor': '纹理纸上的柔和晕染',
	'style.hint.oil-painting': '画布上的厚重笔触',
	'style.hint.pixel-art': '16 位复古游戏像素',
	'style.hint.3d-render': '干净的影棚 3D 渲染',
	'style.hint.line-art': '黑色墨线勾勒，不上色',
	'style.hint.comic-book': '粗重墨线，网点，平涂色彩',
	'style.hint.fantasy-art': '史诗般的绘画风奇幻场景',
	'style.serverHint': '服务器风格：{template}',

	'style.onlyInServer': '服务器风格只能在服务器中添加和移除。',
	'style.needsManageServer': '你需要“管理服务器”权限才能添加或移除服务器风格。',
	'style.badName': '风格名称须为 1–{max} 个字符，不能包含控制字符或不可见字符。',
	'style.badTemplate': '模板须为 1–{max} 个字符。',
	'style.controlInTemplate': '模板不能包含控制字符。',
	'style.noPlaceholder': '模板必须包含 `{placeholder}`，成员的描述会放在那里，例如：`a watercolor of {placeholder}, soft morning light`。',
	'style.builtInName': '“{name}”是内置风格的名称，请换一个名称。',
	'style.builtInRemove': '“{name}”是内置风格，无法移除。',
	'style.already': '本服务器已有名为“{name}”的风格。如需修改，请先将其移除。',
	'style.full': '本服务器已有 {max} 个风格，已达上限。请先用 `{styleRemoveCmd}` 移除一个。',
	'style.notListed': '本服务器没有名为“{name}”的风格。请查看 `{styleListCmd}`。',
	'style.unknown': '没有名为“{name}”的风格{dm, select, yes {（私信中只能使用内置风格）} other {}}。可用的风格请查看 `{styleListCmd}`。',
	'style.tooLong': '使用此风格后提示词将有 {length} 个字符，超过图像服务接受的 {max} 个。请缩短提示词或换一个风格。',
	'style.addedTitle': '已添加风格',
	'style.added': '成员现在可以在 `{imagineStyleOpt}:` 中选择 **{name}**。已使用 {count}/{max} 个服务器风格。',
	'style.removedTitle': '已移除风格',
	'style.removed': '**{name}** 不再提供。已用它生成的图片保持不变。还剩 {count, plural, other {# 个服务器风格}}。',

	'style.listTitle': '风格（服务器风格 {count}/{max}）',
	'style.listBuiltIn': '**内置：**',
	'style.listServer': '**本服务器：**',
	'style.listServerNone': '**本服务器：** 暂无。管理员可用 `{styleAddCmd}` 添加。',
	'style.listFoot': '用 `{styleListNameOpt}:` 查看某个风格的完整内容。',
	'style.one': '**{name}**（{from, select, builtIn {内置} other {本服务器}}）',

	'style.remixLabel': '风格',
	'style.noStyle': '无风格',
	'style.noStyleHint': '只用提示词本身',
	'style.imageStyle': '这张图片的风格',

	'style.auditAdd': '添加了风格 {style}',
	'style.auditRemove': '移除了风格 {style}',
} satisfies Translation<typeof source>;
