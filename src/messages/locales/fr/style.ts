// French (fr): the translation of en-US/style.ts.
import type source from '../en-US/style.js';
import type { Translation } from '../types.js';

export default {
	'style.hint.photo': 'photographie réaliste, lumière naturelle',
	'style.hint.cinematic': 'image de film, lumière dramatique, grand écran',
	'style.hint.anime': 'illustration anime en cel-shading',
	'style.hint.watercolor': 'lavis légers sur papier texturé',
	'style.hint.oil-painting': 'épais coups de pinceau sur toile',
	'style.hint.pixel-art': 'pixels de jeu rétro 16 bits',
	'style.hint.3d-render': 'rendu 3D net, façon studio',
	'style.hint.line-art': 'contours à l’encre noire, sans couleur',
	'style.hint.comic-book': 'encrage appuyé, trame, aplats de couleur',
	'style.hint.fantasy-art': 'scène de fantasy épique et picturale',
	'style.serverHint': 'style du serveur : {template}',

	'style.onlyInServer': 'Les styles du serveur ne peuvent être ajoutés ou retirés que sur un serveur.',
	'style.needsManageServer': 'Il te faut la permission Gérer le serveur pour ajouter ou retirer des styles du serveur.',
	'style.badName': 'Un nom de style doit faire 1 à {max} caractères, sans caractères de contrôle ni invisibles.',
	'style.badTemplate': 'Un modèle doit faire 1 à {max} caractères.',
	'style.controlInTemplate': 'Un modèle ne peut pas contenir de caractères de contrôle.',
	'style.noPlaceholder':
		'Un modèle doit contenir `{placeholder}`, là où vont les mots du membre : par ex. `a watercolor of {placeholder}, soft morning light`.',
	'style.builtInName': '« {name} » est le nom d’un style intégré. Choisis un autre nom.',
	'style.builtInRemove': '« {name} » est un style intégré ; il ne peut pas être retiré.',
	'style.already': 'Ce serveur a déjà un style nommé « {name} ». Retire-le d’abord pour le modifier.',
	'style.full': 'Ce serveur a déjà {max} styles, le maximum. Retires-en un avec `{styleRemoveCmd}` d’abord.',
	'style.notListed': 'Ce serveur n’a pas de style nommé « {name} ». Vois `{styleListCmd}`.',
	'style.unknown':
		'Il n’existe pas de style nommé « {name} »{dm, select, yes { (en messages privés, seuls les styles intégrés fonctionnent)} other {}}. Vois `{styleListCmd}` pour les styles disponibles.',
	'style.tooLong':
		'Avec ce style, le prompt ferait {length} caractères, au-delà des {max} qu’accepte le service d’images. Raccourcis ton prompt ou choisis un autre style.',
	'style.addedTitle': 'Style ajouté',
	'style.added': 'Les membres peuvent maintenant choisir **{name}** dans `{imagineStyleOpt}:`. {count} styles du serveur utilisés sur {max}.',
	'style.removedTitle': 'Style retiré',
	'style.removed':
		'**{name}** n’est plus proposé. Les images déjà faites avec le gardent. {count, plural, one {# style du serveur restant} other {# styles du serveur restants}}.',

	'style.listTitle': 'Styles ({count} styles du serveur sur {max})',
	'style.listBuiltIn': '**Intégrés :**',
	'style.listServer': '**Ce serveur :**',
	'style.listServerNone': '**Ce serveur :** aucun pour l’instant. Les modérateurs en ajoutent avec `{styleAddCmd}`.',
	'style.listFoot': 'Pour voir un style en entier : `{styleListNameOpt}:`.',
	'style.one': '**{name}** ({from, select, builtIn {intégré} other {ce serveur}})',

	'style.remixLabel': 'Style',
	'style.noStyle': 'Aucun style',
	'style.noStyleHint': 'Seulement les mots du prompt',
	'style.imageStyle': 'Le style de cette image',

	'style.auditAdd': 'style ajouté : {style}',
	'style.auditRemove': 'style retiré : {style}',
} satisfies Translation<typeof source>;
