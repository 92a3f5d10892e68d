// Spanish (es-ES): the translation of en-US/members.ts.
import type source from '../en-US/members.js';
import type { Translation } from '../types.js';

export default {
	'settings.title': 'Tus valores predeterminados de {imagineCmd}',
	'settings.description':
		'Se usan para las opciones que omites, en todos los servidores. Cámbialos con `{settingsCmd}` y bórralos con `{settingsResetOpt}:true`.',
	'settings.saved': 'Guardado. `{imagineCmd}` ahora los usa para las opciones que omites.',
	'settings.cleared': 'Tus valores predeterminados se han borrado: `{imagineCmd}` vuelve a usar los habituales.',
	'settings.resetWithOthers': 'Usa `{settingsResetOpt}:true` solo: borra todos los valores, así que no se puede combinar con otros nuevos.',
	'settings.corrupt': 'No se pudieron leer tus valores guardados, así que no se aplica ninguno. Vuelve a fijarlos con `{settingsCmd}`.',
	'settings.badCount': 'La cantidad debe ser un número entero de 1 a {max}.',
	'settings.badRatio': 'La proporción debe ser una de estas: {ratios}.',
	'settings.badStyle': 'Un nombre de estilo tiene de 1 a 32 caracteres. Usa `{settingsStyleOpt}: none` para borrar tu estilo predeterminado.',
	'settings.aspectRatio': 'Proporción',
	'settings.style': 'Estilo',
	'settings.count': 'Cantidad',
	'settings.private': 'Privado',
	'settings.notSet': 'sin definir ({value})',
	'settings.none': 'ninguno',
	'settings.yes': 'sí',
	'settings.no': 'no',
	'settings.styleMissing': 'Tu estilo predeterminado «{name}» no está disponible aquí, así que no se usó ninguno.',

	'history.title': 'Tus imágenes recientes',
	'history.empty': 'Aún no hay imágenes (o ya no se conservan: se guardan un tiempo limitado). Crea una con `{imagineCmd}`.',
	'history.footer': 'Página {page} de {pages} · {total, plural, one {# imagen} other {# imágenes}} · «Otra vez» repite la misma petición, a tu cargo',
	'history.style': 'Estilo {name}',
	'history.images': '{count, plural, one {# imagen} other {# imágenes}}',
	'history.private': 'privada',
	'history.message': 'mensaje',
	'history.again': 'Otra vez {n}',
	'history.prev': 'Anterior',
	'history.next': 'Siguiente',
	'history.noHistory': 'No tienes imágenes en tu historial.',
	'history.pastEnd': 'Esa página no existe: tu historial tiene {pages, plural, one {# página} other {# páginas}}. Usa `{historyCmd}` para empezar de nuevo.',
	'history.stale': 'Esa imagen ya no está en tu historial (las imágenes se guardan un tiempo limitado). Usa `{historyCmd}` para ver lo que hay.',
} satisfies Translation<typeof source>;
