// French (fr): the translation of en-US/members.ts.
import type source from '../en-US/members.js';
import type { Translation } from '../types.js';

export default {
	'settings.title': 'Tes réglages par défaut pour {imagineCmd}',
	'settings.description':
		'Utilisés pour les options que tu omets, sur tous les serveurs. Modifie-les avec `{settingsCmd}`, efface-les avec `{settingsResetOpt}:true`.',
	'settings.saved': 'Enregistré. `{imagineCmd}` les utilise désormais pour les options que tu omets.',
	'settings.cleared': 'Tes réglages par défaut sont effacés : `{imagineCmd}` reprend les réglages habituels.',
	'settings.resetWithOthers': 'Utilise `{settingsResetOpt}:true` seul : il efface tous les réglages, il ne peut donc pas être combiné avec de nouveaux.',
	'settings.corrupt': 'Tes réglages enregistrés étaient illisibles, aucun n’est donc appliqué. Redéfinis-les avec `{settingsCmd}`.',
	'settings.badCount': 'Le nombre doit être un entier de 1 à {max}.',
	'settings.badRatio': 'Le format doit être l’un de ceux-ci : {ratios}.',
	'settings.badStyle': 'Un nom de style fait 1 à 32 caractères. Utilise `{settingsStyleOpt}: none` pour effacer ton style par défaut.',
	'settings.aspectRatio': 'Format',
	'settings.style': 'Style',
	'settings.count': 'Nombre',
	'settings.private': 'Privé',
	'settings.notSet': 'non défini ({value})',
	'settings.none': 'aucun',
	'settings.yes': 'oui',
	'settings.no': 'non',
	'settings.styleMissing': 'Ton style par défaut « {name} » n’est pas disponible ici, aucun n’a donc été utilisé.',

	'history.title': 'Tes images récentes',
	'history.empty': 'Aucune image pour l’instant (ou plus aucune : les images sont gardées un temps limité). Crées-en une avec `{imagineCmd}`.',
	'history.footer': 'Page {page} sur {pages} · {total, plural, one {# image} other {# images}} · « Encore » refait la même demande, à tes frais',
	'history.style': 'Style {name}',
	'history.images': '{count, plural, one {# image} other {# images}}',
	'history.private': 'privée',
	'history.message': 'message',
	'history.again': 'Encore {n}',
	'history.prev': 'Préc.',
	'history.next': 'Suiv.',
	'history.noHistory': 'Ton historique ne contient aucune image.',
	'history.pastEnd': 'Cette page n’existe pas : ton historique a {pages, plural, one {# page} other {# pages}}. Utilise `{historyCmd}` pour recommencer.',
	'history.stale': 'Cette image n’est plus dans ton historique (les images sont gardées un temps limité). Utilise `{historyCmd}` pour voir ce qu’il contient.',
} satisfies Translation<typeof source>;
