// Japanese (ja): the translation of en-US/batch.ts.
import type source from '../en-US/batch.js';
import type { Translation } from '../types.js';

export default {
	'batch.refusal': '今の予算では {count} 枚のうち {fits} 枚分（1 枚 {price}）しかないため、1 枚も作成しませんでした。',
	'batch.refusalAsk': '{fits, plural, other {# 枚}}以下でリクエストしてください。料金は発生していません。',
	'batch.submitting': '⏳ {count} 件のプロンプトを画像サービスに送信中…（{seconds} 秒）',
	'batch.generating': '🎨 {count} 枚の画像を生成中… {count} 枚中 {ready} 枚完成（{seconds} 秒）',
	'batch.why.contentFilter': '画像サービスのコンテンツフィルターで拒否されました',
	'batch.why.taskFailed': '画像サービスで生成できませんでした',
	'batch.why.invalidInput': '画像サービスがプロンプトを拒否しました',
	'batch.why.timeout': '時間がかかりすぎました',
	'batch.why.download': '画像サービスから取得できませんでした',
	'batch.why.busy': '画像サービスが混み合っていました',
	'batch.why.internal': 'ボット側で問題が発生しました',
	'batch.why.refused': '画像サービスがボットを拒否しました（モデレーターに伝えてください）',
	'batch.why.badResponse': '画像サービスから理解できない応答がありました',
	'batch.failedNote': '⚠️ {count} 枚中 {made} 枚を作成し、{failed, plural, other {# 枚}}は失敗しました：{why}。失敗した分の料金は発生していません。',
	'batch.links': '{n, plural, other {# 枚の画像}}がここで Discord が許可するサイズを超えているため、リンクを載せます：',
	'batch.linksExpire': '{n, plural, other {# 枚の画像}}がここで Discord が許可するサイズを超えているため、リンクを載せます（{relative}に期限切れ）：',
	'batch.styleFact': 'スタイル {name}',
} satisfies Translation<typeof source>;
