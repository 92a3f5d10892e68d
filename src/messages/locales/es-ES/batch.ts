// Spanish (es-ES): the translation of en-US/batch.ts.
import type source from '../en-US/batch.js';
import type { Translation } from '../types.js';

export default {
	'batch.refusal': 'Ahora mismo hay presupuesto para {fits} de las {count} imágenes ({price} cada una), así que no se ha creado ninguna.',
	'batch.refusalAsk': 'Pide {fits, plural, one {# imagen} other {# imágenes}} o menos. No se te ha cobrado nada.',
	'batch.submitting': '⏳ Enviando tus {count} prompts al servicio de imágenes… ({seconds} s)',
	'batch.generating': '🎨 Generando tus {count} imágenes… {ready} de {count} listas ({seconds} s)',
	'batch.why.contentFilter': 'el filtro de contenido del servicio de imágenes la rechazó',
	'batch.why.taskFailed': 'el servicio de imágenes no pudo generarla',
	'batch.why.invalidInput': 'el servicio de imágenes rechazó el prompt',
	'batch.why.timeout': 'tardó demasiado',
	'batch.why.download': 'no se pudo descargar del servicio de imágenes',
	'batch.why.busy': 'el servicio de imágenes estaba saturado',
	'batch.why.internal': 'algo falló por parte del bot',
	'batch.why.refused': 'el servicio de imágenes rechazó al bot (avisa a un moderador)',
	'batch.why.badResponse': 'el servicio de imágenes respondió de una forma que el bot no entendió',
	'batch.failedNote':
		'⚠️ Se han creado {made} de {count} imágenes; {failed, plural, one {# ha fallado} other {# han fallado}}: {why}. No se te ha cobrado por {failed, plural, one {ella} other {ellas}}.',
	'batch.links': '{n, plural, one {Una imagen es} other {# imágenes son}} más grandes de lo que Discord permite aquí, así que aquí tienes enlaces:',
	'batch.linksExpire':
		'{n, plural, one {Una imagen es} other {# imágenes son}} más grandes de lo que Discord permite aquí, así que aquí tienes enlaces (caducan {relative}):',
	'batch.styleFact': 'Estilo {name}',
} satisfies Translation<typeof source>;
