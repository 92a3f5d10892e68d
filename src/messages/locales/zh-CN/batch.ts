// Chinese (zh-CN): the translation of en-US/batch.ts.
import type source from '../en-US/batch.js';
import type { Translation } from '../types.js';

export default {
	'batch.refusal': '目前的预算只够生成 {count} 张中的 {fits} 张（每张 {price}），所以一张都没有生成。',
	'batch.refusalAsk': '请最多请求 {fits, plural, other {# 张}}。你没有被扣费。',
	'batch.submitting': '⏳ 正在把你的 {count} 个提示词发送到图片服务…（{seconds} 秒）',
	'batch.generating': '🎨 正在生成你的 {count} 张图片… 已完成 {ready}/{count} 张（{seconds} 秒）',
	'batch.why.contentFilter': '被图片服务的内容过滤器拒绝',
	'batch.why.taskFailed': '图片服务未能生成',
	'batch.why.invalidInput': '图片服务拒绝了提示词',
	'batch.why.timeout': '耗时过长',
	'batch.why.download': '无法从图片服务获取',
	'batch.why.busy': '图片服务繁忙',
	'batch.why.internal': '机器人这边出了问题',
	'batch.why.refused': '图片服务拒绝了机器人（请告诉管理员）',
	'batch.why.badResponse': '图片服务的回应机器人无法理解',
	'batch.failedNote': '⚠️ {count} 张图片生成了 {made} 张，{failed, plural, other {# 张}}失败：{why}。失败的部分没有向你扣费。',
	'batch.links': '有 {n, plural, other {# 张图片}}超过了 Discord 在这里允许的大小，以下是链接：',
	'batch.linksExpire': '有 {n, plural, other {# 张图片}}超过了 Discord 在这里允许的大小，以下是链接（{relative}过期）：',
	'batch.styleFact': '风格 {name}',
} satisfies Translation<typeof source>;
