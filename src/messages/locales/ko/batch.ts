// Korean (ko): the translation of en-US/batch.ts.
import type source from '../en-US/batch.js';
import type { Translation } from '../types.js';

export default {
	'batch.refusal': '지금 예산으로는 이미지 {count}장 중 {fits}장(장당 {price})만 만들 수 있어서 한 장도 만들지 않았어요.',
	'batch.refusalAsk': '{fits, plural, other {#장}} 이하로 요청해 주세요. 비용은 청구되지 않았어요.',
	'batch.submitting': '⏳ 프롬프트 {count}개를 이미지 서비스로 보내는 중…({seconds}초)',
	'batch.generating': '🎨 이미지 {count}장을 생성하는 중… {count}장 중 {ready}장 완료({seconds}초)',
	'batch.why.contentFilter': '이미지 서비스의 콘텐츠 필터가 거부했어요',
	'batch.why.taskFailed': '이미지 서비스가 생성하지 못했어요',
	'batch.why.invalidInput': '이미지 서비스가 프롬프트를 거부했어요',
	'batch.why.timeout': '시간이 너무 오래 걸렸어요',
	'batch.why.download': '이미지 서비스에서 가져오지 못했어요',
	'batch.why.busy': '이미지 서비스가 바빴어요',
	'batch.why.internal': '봇 쪽에서 문제가 생겼어요',
	'batch.why.refused': '이미지 서비스가 봇을 거부했어요(모더레이터에게 알려 주세요)',
	'batch.why.badResponse': '이미지 서비스가 봇이 이해할 수 없는 응답을 보냈어요',
	'batch.failedNote': '⚠️ 이미지 {count}장 중 {made}장을 만들었고 {failed, plural, other {#장}}은 실패했어요: {why}. 실패한 이미지는 비용이 청구되지 않았어요.',
	'batch.links': '이미지 {n, plural, other {#장}}이 여기서 Discord가 허용하는 크기보다 커서 링크로 보내요:',
	'batch.linksExpire': '이미지 {n, plural, other {#장}}이 여기서 Discord가 허용하는 크기보다 커서 링크로 보내요({relative} 만료):',
	'batch.styleFact': '스타일 {name}',
} satisfies Translation<typeof source>;
