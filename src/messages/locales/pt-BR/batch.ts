// Portuguese (pt-BR): the translation of en-US/batch.ts.
import type source from '../en-US/batch.js';
import type { Translation } from '../types.js';

export default {
	'batch.refusal': 'No momento há orçamento para {fits} das {count} imagens ({price} cada), então nenhuma foi criada.',
	'batch.refusalAsk': 'Peça {fits, plural, one {# imagem} other {# imagens}} ou menos. Nada foi cobrado de você.',
	'batch.submitting': '⏳ Enviando seus {count} prompts ao serviço de imagens… ({seconds} s)',
	'batch.generating': '🎨 Gerando suas {count} imagens… {ready} de {count} prontas ({seconds} s)',
	'batch.why.contentFilter': 'o filtro de conteúdo do serviço de imagens a rejeitou',
	'batch.why.taskFailed': 'o serviço de imagens não conseguiu gerá-la',
	'batch.why.invalidInput': 'o serviço de imagens rejeitou o prompt',
	'batch.why.timeout': 'demorou demais',
	'batch.why.download': 'não deu para baixá-la do serviço de imagens',
	'batch.why.busy': 'o serviço de imagens estava ocupado',
	'batch.why.internal': 'algo deu errado do lado do bot',
	'batch.why.refused': 'o serviço de imagens recusou o bot (avise um moderador)',
	'batch.why.badResponse': 'o serviço de imagens respondeu de um jeito que o bot não entendeu',
	'batch.failedNote':
		'⚠️ {made} de {count} imagens criadas; {failed, plural, one {# falhou} other {# falharam}}: {why}. Nada foi cobrado de você por {failed, plural, one {ela} other {elas}}.',
	'batch.links': '{n, plural, one {Uma imagem é maior} other {# imagens são maiores}} do que o Discord permite aqui, então aqui estão os links:',
	'batch.linksExpire':
		'{n, plural, one {Uma imagem é maior} other {# imagens são maiores}} do que o Discord permite aqui, então aqui estão os links (expiram {relative}):',
	'batch.styleFact': 'Estilo {name}',
} satisfies Translation<typeof source>;
