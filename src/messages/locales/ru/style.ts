// Russian (ru): the translation of en-US/style.ts.
import type source from '../en-US/style.js';
import type { Translation } from '../types.js';

export default {
	'style.hint.photo': 'реалистичное фото, естественный свет',
	'style.hint.cinematic': 'кадр из фильма, драматичный свет, широкий экран',
	'style.hint.anime': 'аниме-иллюстрация с заливкой cel-shading',
	'style.hint.watercolor': 'мягкие размывы на фактурной бумаге',
	'style.hint.oil-painting': 'густые мазки на холсте',
	'style.hint.pixel-art': 'пиксели ретро-игры в 16 бит',
	'style.hint.3d-render': 'чистый студийный 3D-рендер',
	'style.hint.line-art': 'контуры чёрной тушью, без цвета',
	'style.hint.comic-book': 'жирная тушь, растр, плоский цвет',
	'style.hint.fantasy-art': 'эпичная живописная фэнтези-сцена',
	'style.serverHint': 'стиль сервера: {template}',

	'style.onlyInServer': 'Стили сервера можно добавлять и удалять только на сервере.',
	'style.needsManageServer': 'Чтобы добавлять и удалять стили сервера, нужно право «Управлять сервером».',
	'style.badName': 'Название стиля должно содержать 1–{max} символов, без управляющих и невидимых символов.',
	'style.badTemplate': 'Шаблон должен содержать 1–{max} символов.',
	'style.controlInTemplate': 'Шаблон не может содержать управляющие символы.',
	'style.noPlaceholder':
		'Шаблон должен содержать `{placeholder}` — туда подставляются слова участника, например: `a watercolor of {placeholder}, soft morning light`.',
	'style.builtInName': '«{name}» — название встроенного стиля. Выберите другое название.',
	'style.builtInRemove': '«{name}» — встроенный стиль, его нельзя удалить.',
	'style.already': 'На этом сервере уже есть стиль «{name}». Чтобы изменить его, сначала удалите его.',
	'style.full': 'На этом сервере уже {max} стилей — это максимум. Сначала удалите один через `{styleRemoveCmd}`.',
	'style.notListed': 'На этом сервере нет стиля «{name}». Смотрите `{styleListCmd}`.',
	'style.unknown':
		'Стиля «{name}» нет{dm, select, yes { (в личных сообщениях работают только встроенные стили)} other {}}. Доступные стили — в `{styleListCmd}`.',
	'style.tooLong':
		'С этим стилем запрос будет длиной {length} символов — больше {max}, которые принимает сервис изображений. Сократите запрос или выберите другой стиль.',
	'style.addedTitle': 'Стиль добавлен',
	'style.added': 'Теперь участники могут выбрать **{name}** в `{imagineStyleOpt}:`. Занято {count} из {max} стилей сервера.',
	'style.removedTitle': 'Стиль удалён',
	'style.removed': '**{name}** больше не предлагается. Уже созданные с ним изображения его сохраняют. Осталось стилей сервера: {count, plural, other {#}}.',

	'style.listTitle': 'Стили ({count} из {max} стилей сервера)',
	'style.listBuiltIn': '**Встроенные:**',
	'style.listServer': '**Этот сервер:**',
	'style.listServerNone': '**Этот сервер:** пока нет. Модераторы добавляют их через `{styleAddCmd}`.',
	'style.listFoot': 'Стиль целиком: `{styleListNameOpt}:`.',
	'style.one': '**{name}** ({from, select, builtIn {встроенный} other {этот сервер}})',

	'style.remixLabel': 'Стиль',
	'style.noStyle': 'Без стиля',
	'style.noStyleHint': 'Только слова из запроса',
	'style.imageStyle': 'Стиль этого изображения',

	'style.auditAdd': 'добавлен стиль {style}',
	'style.auditRemove': 'удалён стиль {style}',
} satisfies Translation<typeof source>;
