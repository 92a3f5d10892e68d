// German (de): the translation of en-US/style.ts.
import type source from '../en-US/style.js';
import type { Translation } from '../types.js';

export default {
	'style.hint.photo': 'realistisches Foto, natürliches Licht',
	'style.hint.cinematic': 'Filmstill, dramatisches Licht, Breitbild',
	'style.hint.anime': 'Anime-Illustration im Cel-Shading',
	'style.hint.watercolor': 'zarte Lasuren auf strukturiertem Papier',
	'style.hint.oil-painting': 'dicke Pinselstriche auf Leinwand',
	'style.hint.pixel-art': 'Retro-Spielpixel in 16 Bit',
	'style.hint.3d-render': 'sauberes 3D-Rendering wie im Studio',
	'style.hint.line-art': 'schwarze Tuschekonturen, ohne Farbe',
	'style.hint.comic-book': 'kräftige Tusche, Raster, flache Farben',
	'style.hint.fantasy-art': 'epische, malerische Fantasy-Szene',
	'style.serverHint': 'Serverstil: {template}',

	'style.onlyInServer': 'Serverstile lassen sich nur auf einem Server hinzufügen und entfernen.',
	'style.needsManageServer': 'Du brauchst die Berechtigung „Server verwalten“, um Serverstile hinzuzufügen oder zu entfernen.',
	'style.badName': 'Ein Stilname muss 1–{max} Zeichen lang sein, ohne Steuer- oder unsichtbare Zeichen.',
	'style.badTemplate': 'Eine Vorlage muss 1–{max} Zeichen lang sein.',
	'style.controlInTemplate': 'Eine Vorlage darf keine Steuerzeichen enthalten.',
	'style.noPlaceholder':
		'Eine Vorlage muss `{placeholder}` enthalten, dort landen die Worte des Mitglieds: z. B. `a watercolor of {placeholder}, soft morning light`.',
	'style.builtInName': '„{name}“ ist der Name eines eingebauten Stils. Wähle einen anderen Namen.',
	'style.builtInRemove': '„{name}“ ist ein eingebauter Stil und kann nicht entfernt werden.',
	'style.already': 'Dieser Server hat schon einen Stil namens „{name}“. Entferne ihn zuerst, um ihn zu ändern.',
	'style.full': 'Dieser Server hat schon {max} Stile, mehr geht nicht. Entferne zuerst einen mit `{styleRemoveCmd}`.',
	'style.notListed': 'Dieser Server hat keinen Stil namens „{name}“. Siehe `{styleListCmd}`.',
	'style.unknown':
		'Es gibt keinen Stil namens „{name}“{dm, select, yes { (in Direktnachrichten funktionieren nur die eingebauten Stile)} other {}}. Unter `{styleListCmd}` findest du die Stile, die du nutzen kannst.',
	'style.tooLong':
		'Mit diesem Stil wäre der Prompt {length} Zeichen lang, mehr als die {max}, die der Bilddienst annimmt. Kürze deinen Prompt oder wähle einen anderen Stil.',
	'style.addedTitle': 'Stil hinzugefügt',
	'style.added': 'Mitglieder können jetzt **{name}** in `{imagineStyleOpt}:` wählen. {count} von {max} Serverstilen belegt.',
	'style.removedTitle': 'Stil entfernt',
	'style.removed':
		'**{name}** wird nicht mehr angeboten. Bilder, die schon damit erstellt wurden, behalten ihn. {count, plural, one {# Serverstil} other {# Serverstile}} übrig.',

	'style.listTitle': 'Stile ({count} von {max} Serverstilen)',
	'style.listBuiltIn': '**Eingebaut:**',
	'style.listServer': '**Dieser Server:**',
	'style.listServerNone': '**Dieser Server:** noch keine. Moderatoren fügen sie mit `{styleAddCmd}` hinzu.',
	'style.listFoot': 'Einen Stil vollständig zeigt `{styleListNameOpt}:`.',
	'style.one': '**{name}** ({from, select, builtIn {eingebaut} other {dieser Server}})',

	'style.remixLabel': 'Stil',
	'style.noStyle': 'Kein Stil',
	'style.noStyleHint': 'Nur die Worte des Prompts',
	'style.imageStyle': 'Der Stil dieses Bildes',

	'style.auditAdd': 'Stil hinzugefügt: {style}',
	'style.auditRemove': 'Stil entfernt: {style}',
} satisfies Translation<typeof source>;
