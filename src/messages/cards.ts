// The card of a delivered image: the embed (prompt, who asked, ratio, time, cost, budget left), its buttons,
// and the whole message (the image attached, or a link when it is larger than Discord allows here).
import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponent, type APIEmbed } from 'discord.js';
import { buildCustomId } from '../records/custom-id.js';
import { formatUsd } from '../util/money.js';
import { truncate } from '../util/text.js';
import { COLOR, discordTime, inert } from './format.js';
import type { Reply } from './reply.js';

export interface DeliveredInfo {
	prompt: string;
	aspectRatio: string;
	seconds: number;
	price: number;
	remaining: number;
	/** Who asked (and paid): named in the embed so everyone sees whose image it is. */
	requesterId: string;
	kind: 'imagine' | 'reroll' | 'remix';
	fileName?: string;
}

const KIND_LABEL = { imagine: 'Requested by', reroll: 'Rerolled by', remix: 'Remixed by' } as const;

export function imageEmbed(d: DeliveredInfo): APIEmbed {
	return {
		color: COLOR.ok,
		// Shown as typed, but inert: a prompt formats nothing, links nothing and mentions no one under the bot's name.
		description: truncate(inert(d.prompt), 4096),
		...(d.fileName ? { image: { url: `attachment://${d.fileName}` } } : {}),
		fields: [
			// A mention inside an embed never pings anyone.
			{ name: KIND_LABEL[d.kind], value: `<@${d.requesterId}>`, inline: true },
			{ name: 'Aspect ratio', value: d.aspectRatio, inline: true },
			{ name: 'Time', value: `${d.seconds.toFixed(1)} s`, inline: true },
			{ name: 'Cost', value: formatUsd(d.price), inline: true },
			{ name: 'Budget left', value: formatUsd(d.remaining), inline: true },
		],
		footer: { text: 'FLUX 1.1 Pro' },
	};
}

/** The row under every delivered image. Labels keep the words; the custom ids carry the job to load. */
export function resultButtons(jobId: string): APIActionRowComponent<APIButtonComponent> {
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
			button('reroll', 'Reroll', '🔁', ButtonStyle.Secondary),
			button('remix', 'Remix', '🎨', ButtonStyle.Secondary),
			button('delete', 'Delete', '🗑️', ButtonStyle.Danger),
		],
	};
}

/** The Remix button's form: its title and its two fields' labels. */
export const REMIX_FORM = { title: 'Remix this image', prompt: 'Prompt', aspectRatio: 'Aspect ratio' } as const;

export interface ImageFile {
	bytes: Buffer;
	extension: string;
	contentType: string;
}

/** The finished message: the image attached, or (too large to attach here) a link, with when it expires. */
export function resultReply(jobId: string, info: DeliveredInfo, image: ImageFile | undefined, link: { url: string; expiresAt: number | undefined }): Reply {
	const components = [resultButtons(jobId)];
	if (image) {
		const fileName = `imagine-${jobId}.${image.extension}`;
		return {
			content: '',
			embeds: [imageEmbed({ ...info, fileName })],
			files: [{ name: fileName, data: image.bytes, contentType: image.contentType }],
			components,
		};
	}
	const expiry = link.expiresAt === undefined ? '' : ` (it expires ${discordTime(link.expiresAt, 'R')})`;
	return {
		content: `The image is larger than Discord allows here, so here is a link${expiry}:\n${link.url}`,
		embeds: [imageEmbed(info)],
		components,
	};
}
