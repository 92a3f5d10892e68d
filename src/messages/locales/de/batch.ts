// German (de): the translation of en-US/batch.ts.
import type source from '../en-US/batch.js';
import type { Translation } from '../types.js';

export default {
	'batch.refusal': 'Das Budget reicht gerade für {fits} der {count} Bilder ({price} pro Bild), daher wurde keins erstellt.',
	'batch.refusalAsk': 'Fordere höchstens {fits, plural, one {# Bild} other {# Bilder}} an. Dir wurde nichts berechnet.',
	'batch.submitting': '⏳ Deine {count} Prompts werden an den Bilddienst geschickt … ({seconds} s)',
	'batch.generating': '🎨 Deine {count} Bilder werden erstellt … {ready} von {count} fertig ({seconds} s)',
	'batch.why.contentFilter': 'der Inhaltsfilter des Bilddienstes hat es abgelehnt',
	'batch.why.taskFailed': 'der Bilddienst konnte es nicht erstellen',
	'batch.why.invalidInput': 'der Bilddienst hat den Prompt abgelehnt',
	'batch.why.timeout': 'es hat zu lange gedauert',
	'batch.why.download': 'es konnte nicht vom Bilddienst abgerufen werden',
	'batch.why.busy': 'der Bilddienst war ausgelastet',
	'batch.why.internal': 'beim Bot ist etwas schiefgelaufen',
	'batch.why.refused': 'der Bilddienst hat den Bot abgewiesen (sag einem Moderator Bescheid)',
	'batch.why.badResponse': 'der Bilddienst hat unverständlich geantwortet',
	'batch.failedNote':
		'⚠️ {made} von {count} Bildern erstellt; {failed, plural, one {# ist} other {# sind}} fehlgeschlagen: {why}. Dafür wurde dir nichts berechnet.',
	'batch.links': '{n, plural, one {Ein Bild ist} other {# Bilder sind}} größer, als Discord hier erlaubt, daher hier Links:',
	'batch.linksExpire': '{n, plural, one {Ein Bild ist} other {# Bilder sind}} größer, als Discord hier erlaubt, daher hier Links (sie laufen {relative} ab):',
	'batch.styleFact': 'Stil {name}',
} satisfies Translation<typeof source>;
