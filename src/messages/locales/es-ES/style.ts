// Spanish (es-ES): the translation of en-US/style.ts.
import type source from '../en-US/style.js';
import type { Translation } from '../types.js';

export default {
	'style.hint.photo': 'fotografía realista, luz natural',
	'style.hint.cinematic': 'fotograma de película, luz dramática, panorámico',
	'style.hint.anime': 'ilustración anime con cel shading',
	'style.hint.watercolor': 'aguadas suaves sobre papel con textura',
	'style.hint.oil-painting': 'pinceladas gruesas sobre lienzo',
	'style.hint.pixel-art': 'píxeles de videojuego retro de 16 bits',
	'style.hint.3d-render': 'render 3D limpio de estudio',
	'style.hint.line-art': 'contornos en tinta negra, sin color',
	'style.hint.comic-book': 'tinta marcada, trama, colores planos',
	'style.hint.fantasy-art': 'escena de fantasía épica y pictórica',
	'style.serverHint': 'estilo del servidor: {template}',

	'style.onlyInServer': 'Los estilos del servidor solo se pueden añadir y eliminar en un servidor.',
	'style.needsManageServer': 'Necesitas el permiso Gestionar servidor para añadir o eliminar estilos del servidor.',
	'style.badName': 'El nombre de un estilo debe tener de 1 a {max} caracteres, sin caracteres de control ni invisibles.',
	'style.badTemplate': 'Una plantilla debe tener de 1 a {max} caracteres.',
	'style.controlInTemplate': 'Una plantilla no puede contener caracteres de control.',
	'style.noPlaceholder':
		'Una plantilla debe contener `{placeholder}`, donde van las palabras del miembro: p. ej. `a watercolor of {placeholder}, soft morning light`.',
	'style.builtInName': '«{name}» es el nombre de un estilo integrado. Elige otro nombre.',
	'style.builtInRemove': '«{name}» es un estilo integrado; no se puede eliminar.',
	'style.already': 'Este servidor ya tiene un estilo llamado «{name}». Elimínalo primero para cambiarlo.',
	'style.full': 'Este servidor ya tiene {max} estilos, el máximo. Elimina uno con `{styleRemoveCmd}` primero.',
	'style.notListed': 'Este servidor no tiene ningún estilo llamado «{name}». Consulta `{styleListCmd}`.',
	'style.unknown':
		'No hay ningún estilo llamado «{name}»{dm, select, yes { (en mensajes directos solo funcionan los estilos integrados)} other {}}. Consulta `{styleListCmd}` para ver los estilos que puedes usar.',
	'style.tooLong':
		'Con este estilo el prompt tendría {length} caracteres, más de los {max} que acepta el servicio de imágenes. Acorta tu prompt o elige otro estilo.',
	'style.addedTitle': 'Estilo añadido',
	'style.added': 'Los miembros ya pueden elegir **{name}** en `{imagineStyleOpt}:`. {count} de {max} estilos del servidor en uso.',
	'style.removedTitle': 'Estilo eliminado',
	'style.removed':
		'**{name}** ya no se ofrece. Las imágenes ya hechas con él lo conservan. {count, plural, one {Queda # estilo del servidor} other {Quedan # estilos del servidor}}.',

	'style.listTitle': 'Estilos ({count} de {max} estilos del servidor)',
	'style.listBuiltIn': '**Integrados:**',
	'style.listServer': '**Este servidor:**',
	'style.listServerNone': '**Este servidor:** ninguno aún. Los moderadores los añaden con `{styleAddCmd}`.',
	'style.listFoot': 'Para ver un estilo completo: `{styleListNameOpt}:`.',
	'style.one': '**{name}** ({from, select, builtIn {integrado} other {este servidor}})',

	'style.remixLabel': 'Estilo',
	'style.noStyle': 'Sin estilo',
	'style.noStyleHint': 'Solo las palabras del prompt',
	'style.imageStyle': 'El estilo de esta imagen',

	'style.auditAdd': 'añadió el estilo {style}',
	'style.auditRemove': 'eliminó el estilo {style}',
} satisfies Translation<typeof source>;
