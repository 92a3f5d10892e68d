// Korean (ko): the translation of en-US/style.ts.
import type source from '../en-US/style.js';
import type { Translation } from '../types.js';

export default {
	'style.hint.photo': '사실적인 사진, 자연광',
	'style.hint.cinematic': '영화 스틸컷, 극적인 조명, 와이드스크린',
	'style.hint.anime': '셀 셰이딩 애니메이션 일러스트',
	'style.hint.watercolor': '질감 있는 종이에 부드러운 번짐',
	'style.hint.oil-painting': '캔버스 위 두꺼운 붓질',
	'style.hint.pixel-art': '16비트 레트로 게임 픽셀',
	'style.hint.3d-render': '깔끔한 스튜디오 3D 렌더',
	'style.hint.line-art': '검은 잉크 윤곽선, 채색 없음',
	'style.hint.comic-book': '굵은 잉크, 망점, 단색 채색',
	'style.hint.fantasy-art': '웅장하고 회화적인 판타지 장면',
	'style.serverHint': '서버 스타일: {template}',

	'style.onlyInServer': '서버 스타일은 서버에서만 추가하고 삭제할 수 있어요.',
	'style.needsManageServer': '서버 스타일을 추가하거나 삭제하려면 서버 관리 권한이 필요해요.',
	'style.badName': '스타일 이름은 1~{max}자여야 하며, 제어 문자나 보이지 않는 문자는 쓸 수 없어요.',
	'style.badTemplate': '템플릿은 1~{max}자여야 해요.',
	'style.controlInTemplate': '템플릿에는 제어 문자를 쓸 수 없어요.',
	'style.noPlaceholder': '템플릿에는 멤버의 말이 들어갈 자리인 `{placeholder}`가 있어야 해요. 예: `a watercolor of {placeholder}, soft morning light`',
	'style.builtInName': '"{name}"은(는) 기본 스타일 이름이에요. 다른 이름을 골라 주세요.',
	'style.builtInRemove': '"{name}"은(는) 기본 스타일이라 삭제할 수 없어요.',
	'style.already': '이 서버에는 이미 "{name}" 스타일이 있어요. 바꾸려면 먼저 삭제하세요.',
	'style.full': '이 서버의 스타일이 이미 최대치인 {max}개예요. 먼저 `{styleRemoveCmd}`로 하나를 삭제하세요.',
	'style.notListed': '이 서버에는 "{name}" 스타일이 없어요. `{styleListCmd}`를 확인하세요.',
	'style.unknown':
		'"{name}" 스타일은 없어요{dm, select, yes { (DM에서는 기본 스타일만 쓸 수 있어요)} other {}}. 쓸 수 있는 스타일은 `{styleListCmd}`에서 확인하세요.',
	'style.tooLong': '이 스타일을 쓰면 프롬프트가 {length}자가 되어 이미지 서비스 한도인 {max}자를 넘어요. 프롬프트를 줄이거나 다른 스타일을 고르세요.',
	'style.addedTitle': '스타일 추가됨',
	'style.added': '이제 멤버들이 `{imagineStyleOpt}:`에서 **{name}**을(를) 고를 수 있어요. 서버 스타일 {count}/{max}개 사용 중.',
	'style.removedTitle': '스타일 삭제됨',
	'style.removed': '**{name}**은(는) 더 이상 제공되지 않아요. 이미 만든 이미지는 그대로예요. 남은 서버 스타일: {count, plural, other {#개}}.',

	'style.listTitle': '스타일 (서버 스타일 {count}/{max}개)',
	'style.listBuiltIn': '**기본:**',
	'style.listServer': '**이 서버:**',
	'style.listServerNone': '**이 서버:** 아직 없어요. 모더레이터가 `{styleAddCmd}`로 추가할 수 있어요.',
	'style.listFoot': '스타일 전체 내용은 `{styleListNameOpt}:`로 볼 수 있어요.',
	'style.one': '**{name}** ({from, select, builtIn {기본} other {이 서버}})',

	'style.remixLabel': '스타일',
	'style.noStyle': '스타일 없음',
	'style.noStyleHint': '프롬프트의 말만 사용',
	'style.imageStyle': '이 이미지의 스타일',

	'style.auditAdd': '스타일 추가: {style}',
	'style.auditRemove': '스타일 삭제: {style}',
} satisfies Translation<typeof source>;
