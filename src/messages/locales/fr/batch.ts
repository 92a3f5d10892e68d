// French (fr): the translation of en-US/batch.ts.
import type source from '../en-US/batch.js';
import type { Translation } from '../types.js';

export default {
	'batch.refusal': 'Le budget actuel permet {fits} des {count} images ({price} l’une), donc aucune n’a été créée.',
	'batch.refusalAsk': 'Demandez {fits, plural, one {# image} other {# images}} au maximum. Rien ne vous a été facturé.',
	'batch.submitting': '⏳ Envoi de vos {count} prompts au service d’images… ({seconds} s)',
	'batch.generating': '🎨 Création de vos {count} images… prêtes : {ready} sur {count} ({seconds} s)',
	'batch.why.contentFilter': 'le filtre de contenu du service d’images l’a refusée',
	'batch.why.taskFailed': 'le service d’images n’a pas pu la générer',
	'batch.why.invalidInput': 'le service d’images a refusé le prompt',
	'batch.why.timeout': 'elle a pris trop de temps',
	'batch.why.download': 'elle n’a pas pu être récupérée auprès du service d’images',
	'batch.why.busy': 'le service d’images était surchargé',
	'batch.why.internal': 'un problème est survenu du côté du bot',
	'batch.why.refused': 'le service d’images a refusé le bot (prévenez un modérateur)',
	'batch.why.badResponse': 'le service d’images a répondu d’une façon que le bot n’a pas comprise',
	'batch.failedNote':
		'⚠️ {made} images sur {count} créées ; {failed, plural, one {# a échoué} other {# ont échoué}} : {why}. Rien ne vous a été facturé pour {failed, plural, one {celle-ci} other {celles-ci}}.',
	'batch.links': '{n, plural, one {Une image dépasse} other {# images dépassent}} la taille permise par Discord ici, voici donc des liens :',
	'batch.linksExpire':
		'{n, plural, one {Une image dépasse} other {# images dépassent}} la taille permise par Discord ici, voici donc des liens (ils expirent {relative}) :',
	'batch.styleFact': 'Style {name}',
} satisfies Translation<typeof source>;
