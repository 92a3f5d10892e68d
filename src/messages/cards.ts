// The card of a delivered image (Components V2): a Container holding the image (a Media Gallery), a Text Display
// (prompt, who asked, ratio, style, time, cost, budget left) and its buttons; a link instead when the image is too
// large. A batch's card holds all its images in one gallery. It is public: its words follow the server's locale
// (else the requester's), whoever reads it.
import {
	ButtonStyle,
	ComponentType,
	type APIActionRowComponent,
	type APIButtonComponent,
	type APIComponentInContainer,
	type APIContainerComponent,
	type APITextDisplayComponent,
} from 'discord.js';
import { buildCustomId } from '../records/custom-id.js';
import { truncate } from '../util/text.js';
import { batchTexts } from './batch-texts.js';
import { COLOR, discordTime, inert } from './format.js';
import { perLocale, translator, type MessageKey } from './i18n.js';
import type { CardReply } from './reply.js';

export interface DeliveredInfo {
	prompt: string;
	aspectRatio: string;
	seconds: number;
	price: number;
	remaining: number;
	/** Who asked (and paid): named on the card so everyone sees whose image it is. */
	requesterId: string;
	kind: 'imagine' | 'reroll' | 'remix';
	/** The style's name, when one was used. */
	style?: string | undefined;
}

const KIND_LABEL = { imagine: 'card.requestedBy', reroll: 'card.rerolledBy', remix: 'card.remixedBy' } as const satisfies Record<
	DeliveredInfo['kind'],
	MessageKey
>;
/** Discord's limit for all the Text Displays of a message together. */
const MAX_CARD_TEXT = 4000;
/** Room kept for the requester mention the channel fallback puts in front. */
const MENTION_ROOM = 32;

/** The small line under the prompt. A mention here never pings: every send names whom it may ping. */
export function cardFacts(d: DeliveredInfo, locale?: string | null): string {
	const { t, usd } = translator(locale);
	const facts = [
		t(KIND_LABEL[d.kind], { userId: d.requesterId }),
		t('card.aspectRatio', { ratio: d.aspectRatio }),
		...(d.style ? [batchTexts(locale).styleFact(inert(d.style))] : []),
		t('card.time', { seconds: d.seconds }),
		t('card.cost', { cost: usd(d.price) }),
		t('card.budgetLeft', { left: usd(d.remaining) }),
		'FLUX 1.1 Pro',
	];
	return `-# ${facts.join(' · ')}`;
}

/** The prompt (shown as typed, but inert: it formats nothing, links nothing, mentions no one), an optional note, the facts. */
function cardText(d: DeliveredInfo, note: string | undefined, locale: string | null | undefined): APITextDisplayComponent {
	const rest = `${note === undefined ? '' : `\n${note}`}\n${cardFacts(d, locale)}`;
	return { type: ComponentType.TextDisplay, content: truncate(inert(d.prompt), MAX_CARD_TEXT - MENTION_ROOM - rest.length) + rest };
}

/** The row under every delivered image. Labels keep the words; the custom ids carry the job to load. */
export function resultButtons(jobId: string, locale?: string | null): APIActionRowComponent<APIButtonComponent> {
	const { t } = translator(locale);
	const button = (
		action: 'reroll' | 'remix' | 'delete',
		label: string,
		emoji: string,
		style: ButtonStyle.Secondary | ButtonStyle.Danger,
	): APIButtonComponent => ({
		type: ComponentType.Button,
		style,
		label,
		emoji: { name: emoji },
		custom_id: buildCustomId({ command: 'imagine', action, jobId }),
	});
	return {
		type: ComponentType.ActionRow,
		components: [
			button('reroll', t('card.reroll'), '🔁', ButtonStyle.Secondary),
			button('remix', t('card.remix'), '🎨', ButtonStyle.Secondary),
			button('delete', t('card.delete'), '🗑️', ButtonStyle.Danger),
		],
	};
}

/** The Remix button's form: its title and its two fields' labels (in the locale of who pressed it). */
export const remixForm = perLocale(({ t }) => ({ title: t('remix.title'), prompt: t('remix.prompt'), aspectRatio: t('remix.aspectRatio') }));

export interface ImageFile {
	bytes: Buffer;
	extension: string;
	contentType: string;
}

/** The finished message: the image attached and shown, or (too large to attach here) a link, with when it expires. */
export function resultReply(
	jobId: string,
	info: DeliveredInfo,
	image: ImageFile | undefined,
	link: { url: string; expiresAt: number | undefined },
	locale?: string | null,
): CardReply {
	const card = (children: APIComponentInContainer[]): APIContainerComponent => ({
		type: ComponentType.Container,
		accent_color: COLOR.ok,
		components: children,
	});
	if (image) {
		const fileName = `imagine-${jobId}.${image.extension}`;
		return {
			card: card([
				{ type: ComponentType.MediaGallery, items: [{ media: { url: `attachment://${fileName}` } }] },
				cardText(info, undefined, locale),
				resultButtons(jobId, locale),
			]),
			files: [{ name: fileName, data: image.bytes, contentType: image.contentType }],
		};
	}
	const { t } = translator(locale);
	const lead = link.expiresAt === undefined ? t('card.link') : t('card.linkExpires', { relative: discordTime(link.expiresAt, 'R') });
	return { card: card([cardText(info, `${lead}\n${link.url}`, locale), resultButtons(jobId, locale)]) };
}

/**
 * A batch's card: the images attached in one Media Gallery, links to those too large to attach (together), an
 * optional note (how many failed) and the same buttons. `info.price` is what the delivered images cost together.
 */
export function batchReply(
	jobId: string,
	info: DeliveredInfo,
	images: readonly ImageFile[],
	links: ReadonlyArray<{ url: string; expiresAt: number | undefined }>,
	note: string | undefined,
	locale?: string | null,
): CardReply {
	const files = images.map((image, i) => ({ name: `imagine-${jobId}-${i + 1}.${image.extension}`, data: image.bytes, contentType: image.contentType }));
	const notes = [...(note === undefined ? [] : [note]), ...(links.length > 0 ? [batchTexts(locale).linksNote(links)] : [])];
	const children: APIComponentInContainer[] = [
		...(files.length > 0 ? [{ type: ComponentType.MediaGallery as const, items: files.map((f) => ({ media: { url: `attachment://${f.name}` } })) }] : []),
		cardText(info, notes.length > 0 ? notes.join('\n') : undefined, locale),
		resultButtons(jobId, locale),
	];
	return { card: { type: ComponentType.Container, accent_color: COLOR.ok, components: children }, ...(files.length > 0 ? { files } : {}) };
}

/** The card posted in the channel (the reply's token expired): the requester is named, and pinged, first. */
export function withMention(reply: CardReply, userId: string): CardReply {
	let named = false;
	const components = reply.card.components.map((c): APIComponentInContainer => {
		if (c.type !== ComponentType.TextDisplay || named) return c;
		named = true;
		return { ...c, content: `<@${userId}> ${c.content}` };
	});
	return { ...reply, card: { ...reply.card, components }, mentionUsers: [userId] };
}
