// Portuguese (pt-BR): the translation of en-US/members.ts.
import type source from '../en-US/members.js';
import type { Translation } from '../types.js';

export default {
	'settings.title': 'Seus padrões do {imagineCmd}',
	'settings.description': 'Usados nas opções que você deixa de fora, em todos os servidores. Mude com `{settingsCmd}`, apague com `{settingsResetOpt}:true`.',
	'settings.saved': 'Salvo. O `{imagineCmd}` agora usa estes padrões nas opções que você deixa de fora.',
	'settings.cleared': 'Seus padrões foram apagados: o `{imagineCmd}` volta a usar os de sempre.',
	'settings.resetWithOthers': 'Use `{settingsResetOpt}:true` sozinho: ele apaga todos os padrões, então não dá para combinar com novos.',
	'settings.corrupt': 'Não foi possível ler seus padrões salvos, então nenhum está em uso. Defina de novo com `{settingsCmd}`.',
	'settings.badCount': 'A quantidade precisa ser um número inteiro de 1 a {max}.',
	'settings.badRatio': 'A proporção precisa ser uma destas: {ratios}.',
	'settings.badStyle': 'Um nome de estilo tem de 1 a 32 caracteres. Use `{settingsStyleOpt}: none` para apagar seu estilo padrão.',
	'settings.aspectRatio': 'Proporção',
	'settings.style': 'Estilo',
	'settings.count': 'Quantidade',
	'settings.private': 'Privado',
	'settings.notSet': 'não definido ({value})',
	'settings.none': 'nenhum',
	'settings.yes': 'sim',
	'settings.no': 'não',
	'settings.styleMissing': 'Seu estilo padrão “{name}” não está disponível aqui, então nenhum foi usado.',

	'history.title': 'Suas imagens recentes',
	'history.empty': 'Nenhuma imagem ainda (ou nenhuma guardada: as imagens ficam guardadas por tempo limitado). Crie uma com `{imagineCmd}`.',
	'history.footer': 'Página {page} de {pages} · {total, plural, one {# imagem} other {# imagens}} · "De novo" repete o mesmo pedido, cobrado de você',
	'history.style': 'Estilo {name}',
	'history.images': '{count, plural, one {# imagem} other {# imagens}}',
	'history.private': 'privada',
	'history.message': 'mensagem',
	'history.again': 'De novo {n}',
	'history.prev': 'Anterior',
	'history.next': 'Próxima',
	'history.noHistory': 'Você não tem imagens no seu histórico.',
	'history.pastEnd': 'Essa página não existe: seu histórico tem {pages, plural, one {# página} other {# páginas}}. Use `{historyCmd}` para recomeçar.',
	'history.stale': 'Essa imagem não está mais no seu histórico (as imagens ficam guardadas por tempo limitado). Use `{historyCmd}` para ver o que há.',
} satisfies Translation<typeof source>;
