// Russian (ru): the translation of en-US/members.ts.
import type source from '../en-US/members.js';
import type { Translation } from '../types.js';

export default {
	'settings.title': 'Ваши настройки {imagineCmd} по умолчанию',
	'settings.description': 'Применяются к опциям, которые вы не указали, на всех серверах. Изменить — `{settingsCmd}`, сбросить — `{settingsResetOpt}:true`.',
	'settings.saved': 'Сохранено. Теперь `{imagineCmd}` использует их для опций, которые вы не указали.',
	'settings.cleared': 'Ваши настройки по умолчанию сброшены: `{imagineCmd}` снова использует обычные.',
	'settings.resetWithOthers': 'Используйте `{settingsResetOpt}:true` отдельно: он сбрасывает все настройки, поэтому его нельзя сочетать с новыми.',
	'settings.corrupt': 'Сохранённые настройки не удалось прочитать, поэтому ни одна не действует. Задайте их заново через `{settingsCmd}`.',
	'settings.badCount': 'Количество должно быть целым числом от 1 до {max}.',
	'settings.badRatio': 'Пропорции должны быть одними из: {ratios}.',
	'settings.badStyle': 'Название стиля — от 1 до 32 символов. Чтобы убрать стиль по умолчанию, используйте `{settingsStyleOpt}: none`.',
	'settings.aspectRatio': 'Пропорции',
	'settings.style': 'Стиль',
	'settings.count': 'Количество',
	'settings.private': 'Лично',
	'settings.notSet': 'не задано ({value})',
	'settings.none': 'нет',
	'settings.yes': 'да',
	'settings.no': 'нет',
	'settings.styleMissing': 'Ваш стиль по умолчанию «{name}» здесь недоступен, поэтому стиль не применён.',

	'history.title': 'Ваши недавние изображения',
	'history.empty': 'Изображений пока нет (или они уже не хранятся: изображения хранятся ограниченное время). Создайте через `{imagineCmd}`.',
	'history.footer':
		'Страница {page} из {pages} · {total, plural, one {# изображение} few {# изображения} many {# изображений} other {# изображения}} · «Ещё раз» повторяет запрос за ваш счёт',
	'history.style': 'Стиль {name}',
	'history.images': '{count, plural, one {# изображение} few {# изображения} many {# изображений} other {# изображения}}',
	'history.private': 'лично',
	'history.message': 'сообщение',
	'history.again': 'Ещё раз {n}',
	'history.prev': 'Назад',
	'history.next': 'Далее',
	'history.noHistory': 'В вашей истории нет изображений.',
	'history.pastEnd':
		'Такой страницы нет: в вашей истории {pages, plural, one {# страница} few {# страницы} many {# страниц} other {# страницы}}. Начните заново с `{historyCmd}`.',
	'history.stale': 'Этого изображения больше нет в вашей истории (изображения хранятся ограниченное время). Посмотрите, что есть, через `{historyCmd}`.',
} satisfies Translation<typeof source>;
