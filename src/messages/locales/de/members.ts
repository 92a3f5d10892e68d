// German (de): the translation of en-US/members.ts.
import type source from '../en-US/members.js';
import type { Translation } from '../types.js';

export default {
	'settings.title': 'Deine Standards für {imagineCmd}',
	'settings.description': 'Gelten für die Optionen, die du weglässt, auf jedem Server. Ändern mit `{settingsCmd}`, löschen mit `{settingsResetOpt}:true`.',
	'settings.saved': 'Gespeichert. `{imagineCmd}` nutzt diese jetzt für die Optionen, die du weglässt.',
	'settings.cleared': 'Deine Standards sind gelöscht: `{imagineCmd}` nutzt wieder die üblichen.',
	'settings.resetWithOthers': 'Nutze `{settingsResetOpt}:true` allein: Es löscht alle Standards und lässt sich daher nicht mit neuen kombinieren.',
	'settings.corrupt': 'Deine gespeicherten Standards waren nicht lesbar, daher gilt keiner. Leg sie mit `{settingsCmd}` neu fest.',
	'settings.badCount': 'Die Anzahl muss eine ganze Zahl von 1 bis {max} sein.',
	'settings.badRatio': 'Das Seitenverhältnis muss eines von {ratios} sein.',
	'settings.badStyle': 'Ein Stilname hat 1–32 Zeichen. Mit `{settingsStyleOpt}: none` löschst du deinen Standardstil.',
	'settings.aspectRatio': 'Seitenverhältnis',
	'settings.style': 'Stil',
	'settings.count': 'Anzahl',
	'settings.private': 'Privat',
	'settings.notSet': 'nicht festgelegt ({value})',
	'settings.none': 'keiner',
	'settings.yes': 'ja',
	'settings.no': 'nein',
	'settings.styleMissing': 'Dein Standardstil „{name}“ ist hier nicht verfügbar, daher wurde keiner verwendet.',

	'history.title': 'Deine letzten Bilder',
	'history.empty': 'Noch keine Bilder (oder keine mehr: Bilder werden nur begrenzt aufbewahrt). Erstell eins mit `{imagineCmd}`.',
	'history.footer': 'Seite {page} von {pages} · {total, plural, one {# Bild} other {# Bilder}} · „Nochmal“ stellt dieselbe Anfrage, auf deine Kosten',
	'history.style': 'Stil {name}',
	'history.images': '{count, plural, one {# Bild} other {# Bilder}}',
	'history.private': 'privat',
	'history.message': 'Nachricht',
	'history.again': 'Nochmal {n}',
	'history.prev': 'Zurück',
	'history.next': 'Weiter',
	'history.noHistory': 'Dein Verlauf enthält keine Bilder.',
	'history.pastEnd': 'Diese Seite gibt es nicht: Dein Verlauf hat {pages, plural, one {# Seite} other {# Seiten}}. Mit `{historyCmd}` fängst du neu an.',
	'history.stale': 'Dieses Bild ist nicht mehr in deinem Verlauf (Bilder werden nur begrenzt aufbewahrt). Mit `{historyCmd}` siehst du, was da ist.',
} satisfies Translation<typeof source>;
