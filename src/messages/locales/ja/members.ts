// Japanese (ja): the translation of en-US/members.ts.
import type source from '../en-US/members.js';
import type { Translation } from '../types.js';

export default {
	'settings.title': '{imagineCmd} のデフォルト設定',
	'settings.description': '省略したオプションに、どのサーバーでも使われます。変更は `{settingsCmd}`、消去は `{settingsResetOpt}:true` で。',
	'settings.saved': '保存しました。今後 `{imagineCmd}` で省略したオプションにはこの設定が使われます。',
	'settings.cleared': 'デフォルト設定を消去しました。`{imagineCmd}` は通常の設定に戻ります。',
	'settings.resetWithOthers': '`{settingsResetOpt}:true` は単独で使ってください。すべての設定を消去するため、新しい設定と組み合わせられません。',
	'settings.corrupt': '保存された設定を読み込めなかったため、どれも使われていません。`{settingsCmd}` で設定し直してください。',
	'settings.badCount': '枚数は1〜{max}の整数で指定してください。',
	'settings.badRatio': '縦横比は次のいずれかにしてください: {ratios}',
	'settings.badStyle': 'スタイル名は1〜32文字です。デフォルトのスタイルを消すには `{settingsStyleOpt}: none` を使ってください。',
	'settings.aspectRatio': '縦横比',
	'settings.style': 'スタイル',
	'settings.count': '枚数',
	'settings.private': '非公開',
	'settings.notSet': '未設定({value})',
	'settings.none': 'なし',
	'settings.yes': 'はい',
	'settings.no': 'いいえ',
	'settings.styleMissing': 'デフォルトのスタイル「{name}」はここでは使えないため、スタイルなしで作成しました。',

	'history.title': '最近の画像',
	'history.empty': 'まだ画像がありません(画像の保存期間は限られています)。`{imagineCmd}` で作成してみましょう。',
	'history.footer': '{page}/{pages}ページ · {total, plural, other {#枚}} · 「もう一度」は同じリクエストをあなたの負担で再実行します',
	'history.style': 'スタイル {name}',
	'history.images': '{count, plural, other {#枚}}',
	'history.private': '非公開',
	'history.message': 'メッセージ',
	'history.again': 'もう一度 {n}',
	'history.prev': '前へ',
	'history.next': '次へ',
	'history.noHistory': '履歴に画像はありません。',
	'history.pastEnd': 'そのページはありません。履歴は{pages, plural, other {#ページ}}です。`{historyCmd}` で最初から表示してください。',
	'history.stale': 'その画像はもう履歴にありません(画像の保存期間は限られています)。`{historyCmd}` で今ある画像を確認できます。',
} satisfies Translation<typeof source>;
