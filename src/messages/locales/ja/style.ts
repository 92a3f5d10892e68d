// Japanese (ja): the translation of en-US/style.ts.
import type source from '../en-US/style.js';
import type { Translation } from '../types.js';

export default {
	'style.hint.photo': 'リアルな写真、自然光',
	'style.hint.cinematic': '映画のワンシーン、ドラマチックな光、ワイド画面',
	'style.hint.anime': 'セル塗りのアニメイラスト',
	'style.hint.watercolor': '質感のある紙にやわらかなにじみ',
	'style.hint.oil-painting': 'キャンバスに厚塗りの筆致',
	'style.hint.pixel-art': '16ビットのレトロゲーム風ドット絵',
	'style.hint.3d-render': 'スタジオ風のクリーンな3Dレンダー',
	'style.hint.line-art': '黒インクの線画、色なし',
	'style.hint.comic-book': '力強いインク、網点、ベタ塗り',
	'style.hint.fantasy-art': '壮大で絵画的なファンタジーの情景',
	'style.serverHint': 'サーバーのスタイル: {template}',

	'style.onlyInServer': 'サーバーのスタイルを追加・削除できるのはサーバー内だけです。',
	'style.needsManageServer': 'サーバーのスタイルを追加・削除するには「サーバー管理」権限が必要です。',
	'style.badName': 'スタイル名は1〜{max}文字で、制御文字や見えない文字は使えません。',
	'style.badTemplate': 'テンプレートは1〜{max}文字にしてください。',
	'style.controlInTemplate': 'テンプレートに制御文字は使えません。',
	'style.noPlaceholder': 'テンプレートには、メンバーの言葉が入る `{placeholder}` を含めてください。例: `a watercolor of {placeholder}, soft morning light`',
	'style.builtInName': '「{name}」は組み込みスタイルの名前です。別の名前にしてください。',
	'style.builtInRemove': '「{name}」は組み込みスタイルのため削除できません。',
	'style.already': 'このサーバーにはすでに「{name}」というスタイルがあります。変更するには先に削除してください。',
	'style.full': 'このサーバーのスタイルはすでに上限の{max}件です。先に `{styleRemoveCmd}` でひとつ削除してください。',
	'style.notListed': 'このサーバーに「{name}」というスタイルはありません。`{styleListCmd}` を確認してください。',
	'style.unknown':
		'「{name}」というスタイルはありません{dm, select, yes {(DMでは組み込みスタイルのみ使えます)} other {}}。使えるスタイルは `{styleListCmd}` で確認できます。',
	'style.tooLong':
		'このスタイルを使うとプロンプトが{length}文字になり、画像サービスの上限{max}文字を超えます。プロンプトを短くするか、別のスタイルを選んでください。',
	'style.addedTitle': 'スタイルを追加しました',
	'style.added': 'メンバーは `{imagineStyleOpt}:` で **{name}** を選べるようになりました。サーバーのスタイル: {count}/{max}件。',
	'style.removedTitle': 'スタイルを削除しました',
	'style.removed': '**{name}** は選べなくなりました。このスタイルで作成済みの画像はそのままです。残りのサーバーのスタイル: {count, plural, other {#件}}。',

	'style.listTitle': 'スタイル(サーバーのスタイル {count}/{max}件)',
	'style.listBuiltIn': '**組み込み:**',
	'style.listServer': '**このサーバー:**',
	'style.listServerNone': '**このサーバー:** まだありません。モデレーターが `{styleAddCmd}` で追加できます。',
	'style.listFoot': 'スタイルの全文は `{styleListNameOpt}:` で表示できます。',
	'style.one': '**{name}**({from, select, builtIn {組み込み} other {このサーバー}})',

	'style.remixLabel': 'スタイル',
	'style.noStyle': 'スタイルなし',
	'style.noStyleHint': 'プロンプトの言葉だけ',
	'style.imageStyle': 'この画像のスタイル',

	'style.auditAdd': 'スタイルを追加: {style}',
	'style.auditRemove': 'スタイルを削除: {style}',
} satisfies Translation<typeof source>;
