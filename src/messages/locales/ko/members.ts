// Korean (ko): the translation of en-US/members.ts.
import type source from '../en-US/members.js';
import type { Translation } from '../types.js';

export default {
	'settings.title': '내 {imagineCmd} 기본값',
	'settings.description': '생략한 옵션에 모든 서버에서 적용돼요. `{settingsCmd}`로 바꾸고, `{settingsResetOpt}:true`로 지울 수 있어요.',
	'settings.saved': '저장했어요. 이제 `{imagineCmd}`에서 생략한 옵션에 이 값이 쓰여요.',
	'settings.cleared': '기본값을 지웠어요. `{imagineCmd}`는 다시 원래 값을 써요.',
	'settings.resetWithOthers': '`{settingsResetOpt}:true`는 단독으로 쓰세요. 모든 기본값을 지우기 때문에 새 값과 함께 쓸 수 없어요.',
	'settings.corrupt': '저장된 기본값을 읽을 수 없어서 아무것도 적용되지 않았어요. `{settingsCmd}`로 다시 설정하세요.',
	'settings.badCount': '개수는 1부터 {max}까지의 정수여야 해요.',
	'settings.badRatio': '비율은 다음 중 하나여야 해요: {ratios}',
	'settings.badStyle': '스타일 이름은 1~32자예요. 기본 스타일을 지우려면 `{settingsStyleOpt}: none`을 쓰세요.',
	'settings.aspectRatio': '비율',
	'settings.style': '스타일',
	'settings.count': '개수',
	'settings.private': '비공개',
	'settings.notSet': '설정 안 됨 ({value})',
	'settings.none': '없음',
	'settings.yes': '예',
	'settings.no': '아니요',
	'settings.styleMissing': '기본 스타일 “{name}”을(를) 여기서는 쓸 수 없어서 스타일 없이 만들었어요.',

	'history.title': '최근 이미지',
	'history.empty': '아직 이미지가 없어요 (이미지는 정해진 기간만 보관돼요). `{imagineCmd}`로 만들어 보세요.',
	'history.footer': '{page}/{pages}페이지 · 이미지 {total, plural, other {#개}} · "다시"는 같은 요청을 내 비용으로 다시 실행해요',
	'history.style': '스타일 {name}',
	'history.images': '이미지 {count, plural, other {#개}}',
	'history.private': '비공개',
	'history.message': '메시지',
	'history.again': '다시 {n}',
	'history.prev': '이전',
	'history.next': '다음',
	'history.noHistory': '기록에 이미지가 없어요.',
	'history.pastEnd': '그런 페이지는 없어요. 기록은 {pages, plural, other {#페이지}}예요. `{historyCmd}`로 처음부터 보세요.',
	'history.stale': '그 이미지는 더 이상 기록에 없어요 (이미지는 정해진 기간만 보관돼요). `{historyCmd}`로 남은 이미지를 확인하세요.',
} satisfies Translation<typeof source>;
