// Portuguese (pt-BR): the translation of en-US/style.ts.
import type source from '../en-US/style.js';
import type { Translation } from '../types.js';

export default {
	'style.hint.photo': 'fotografia realista, luz natural',
	'style.hint.cinematic': 'cena de filme, luz dramática, widescreen',
	'style.hint.anime': 'ilustração de anime em cel shading',
	'style.hint.watercolor': 'aguadas suaves em papel texturizado',
	'style.hint.oil-painting': 'pinceladas grossas sobre tela',
	'style.hint.pixel-art': 'pixels de game retrô de 16 bits',
	'style.hint.3d-render': 'render 3D limpo de estúdio',
	'style.hint.line-art': 'contornos em tinta preta, sem cor',
	'style.hint.comic-book': 'nanquim forte, retícula, cores chapadas',
	'style.hint.fantasy-art': 'cena épica de fantasia, bem pictórica',
	'style.serverHint': 'estilo do servidor: {template}',

	'style.onlyInServer': 'Estilos do servidor só podem ser adicionados e removidos em um servidor.',
	'style.needsManageServer': 'Você precisa da permissão Gerenciar servidor para adicionar ou remover estilos do servidor.',
	'style.badName': 'O nome de um estilo deve ter de 1 a {max} caracteres, sem caracteres de controle ou invisíveis.',
	'style.badTemplate': 'Um modelo deve ter de 1 a {max} caracteres.',
	'style.controlInTemplate': 'Um modelo não pode conter caracteres de controle.',
	'style.noPlaceholder':
		'Um modelo precisa conter `{placeholder}`, onde entram as palavras do membro: por ex. `a watercolor of {placeholder}, soft morning light`.',
	'style.builtInName': '"{name}" é o nome de um estilo embutido. Escolha outro nome.',
	'style.builtInRemove': '"{name}" é um estilo embutido; não pode ser removido.',
	'style.already': 'Este servidor já tem um estilo chamado "{name}". Remova-o primeiro para alterá-lo.',
	'style.full': 'Este servidor já tem {max} estilos, o máximo permitido. Remova um com `{styleRemoveCmd}` primeiro.',
	'style.notListed': 'Este servidor não tem nenhum estilo chamado "{name}". Veja `{styleListCmd}`.',
	'style.unknown':
		'Não existe estilo chamado "{name}"{dm, select, yes { (em mensagens diretas só os estilos embutidos funcionam)} other {}}. Veja `{styleListCmd}` para os estilos que você pode usar.',
	'style.tooLong':
		'Com este estilo o prompt teria {length} caracteres, acima dos {max} que o serviço de imagens aceita. Encurte seu prompt ou escolha outro estilo.',
	'style.addedTitle': 'Estilo adicionado',
	'style.added': 'Os membros agora podem escolher **{name}** em `{imagineStyleOpt}:`. {count} de {max} estilos do servidor em uso.',
	'style.removedTitle': 'Estilo removido',
	'style.removed':
		'**{name}** não é mais oferecido. As imagens já feitas com ele continuam com ele. {count, plural, one {Resta # estilo do servidor} other {Restam # estilos do servidor}}.',

	'style.listTitle': 'Estilos ({count} de {max} estilos do servidor)',
	'style.listBuiltIn': '**Embutidos:**',
	'style.listServer': '**Este servidor:**',
	'style.listServerNone': '**Este servidor:** nenhum ainda. Moderadores adicionam com `{styleAddCmd}`.',
	'style.listFoot': 'Para ver um estilo inteiro: `{styleListNameOpt}:`.',
	'style.one': '**{name}** ({from, select, builtIn {embutido} other {este servidor}})',

	'style.remixLabel': 'Estilo',
	'style.noStyle': 'Sem estilo',
	'style.noStyleHint': 'Só as palavras do prompt',
	'style.imageStyle': 'O estilo desta imagem',

	'style.auditAdd': 'adicionou o estilo {style}',
	'style.auditRemove': 'removeu o estilo {style}',
} satisfies Translation<typeof source>;
