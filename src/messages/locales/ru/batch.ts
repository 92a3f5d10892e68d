// Russian (ru): the translation of en-US/batch.ts.
import type source from '../en-US/batch.js';
import type { Translation } from '../types.js';

export default {
	'batch.refusal': 'Сейчас бюджета хватает на {fits} из {count} изображений ({price} за каждое), поэтому ни одно не создано.',
	'batch.refusalAsk':
		'Запросите не больше {fits, plural, one {# изображения} few {# изображений} many {# изображений} other {# изображения}}. С вас ничего не списано.',
	'batch.submitting': '⏳ Отправляем ваши запросы ({count}) в сервис изображений… ({seconds} с)',
	'batch.generating': '🎨 Создаём ваши изображения ({count})… готово {ready} из {count} ({seconds} с)',
	'batch.why.contentFilter': 'его отклонил фильтр контента сервиса изображений',
	'batch.why.taskFailed': 'сервис изображений не смог его создать',
	'batch.why.invalidInput': 'сервис изображений отклонил запрос',
	'batch.why.timeout': 'это заняло слишком много времени',
	'batch.why.download': 'его не удалось получить из сервиса изображений',
	'batch.why.busy': 'сервис изображений был перегружен',
	'batch.why.internal': 'на стороне бота что-то пошло не так',
	'batch.why.refused': 'сервис изображений отказал боту (сообщите модератору)',
	'batch.why.badResponse': 'сервис изображений ответил так, что бот не понял ответа',
	'batch.failedNote':
		'⚠️ Создано {made} из {count} изображений; не удалось создать {failed, plural, one {# изображение} few {# изображения} many {# изображений} other {# изображения}}: {why}. За {failed, plural, one {него} other {них}} с вас ничего не списано.',
	'batch.links':
		'{n, plural, one {# изображение больше} few {# изображения больше} many {# изображений больше} other {# изображения больше}}, чем Discord разрешает здесь, поэтому вот ссылки:',
	'batch.linksExpire':
		'{n, plural, one {# изображение больше} few {# изображения больше} many {# изображений больше} other {# изображения больше}}, чем Discord разрешает здесь, поэтому вот ссылки (они истекают {relative}):',
	'batch.styleFact': 'Стиль {name}',
} satisfies Translation<typeof source>;
