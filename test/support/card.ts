/**
 * Reads the result card the way a member sees it, from a Components V2 payload, a stored message or a CardReply:
 * the flag, the Text Display (the prompt above, the facts line below), the Media Gallery's URLs and the buttons.
 */
import { ComponentType, MessageFlags } from 'discord-api-types/v10';

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface CardView {
	/** IS_COMPONENTS_V2 set. */
	v2: boolean;
	/** The Text Displays' content, joined by newlines. */
	text: string;
	/** The text above the facts line (the prompt, and the link note when there is one). */
	prompt: string;
	/** The facts line by label: 'Requested by', 'Aspect ratio', 'Time', 'Cost', 'Budget left', ... and 'model'. */
	facts: Record<string, string>;
	/** Media Gallery items' URLs, in order. */
	media: string[];
	buttons: Array<{ label: string; custom_id: string }>;
	/** Top-level component types. */
	topLevel: number[];
}

const LABELS = ['Requested by', 'Rerolled by', 'Remixed by', 'Aspect ratio', 'Style', 'Time', 'Cost', 'Budget left'];

/** `body` is a request's JSON (payload_json) or a message: { flags, components }. */
export function readCard(body: unknown): CardView {
	const data = isRecord(body) ? body : {};
	const texts: string[] = [];
	const media: string[] = [];
	const buttons: CardView['buttons'] = [];
	const walk = (c: unknown): void => {
		if (!isRecord(c)) return;
		if (c.type === ComponentType.TextDisplay && typeof c.content === 'string') texts.push(c.content);
		if (c.type === ComponentType.MediaGallery && Array.isArray(c.items)) {
			for (const item of c.items) if (isRecord(item) && isRecord(item.media)) media.push(String(item.media.url));
		}
		if (c.type === ComponentType.Button) buttons.push({ label: String(c.label), custom_id: String(c.custom_id) });
		if (Array.isArray(c.components)) c.components.forEach(walk);
	};
	const components = Array.isArray(data.components) ? data.components : [];
	components.forEach(walk);
	const text = texts.join('\n');
	const cut = text.lastIndexOf('\n-# ');
	const facts: Record<string, string> = {};
	for (const part of cut < 0 ? [] : text.slice(cut + 4).split(' · ')) {
		const label = LABELS.find((l) => part.startsWith(`${l} `));
		if (label) facts[label] = part.slice(label.length + 1);
		else facts.model = part;
	}
	return {
		v2: ((Number(data.flags ?? 0) || 0) & MessageFlags.IsComponentsV2) !== 0,
		text,
		prompt: cut < 0 ? text : text.slice(0, cut),
		facts,
		media,
		buttons,
		topLevel: components.map((c) => (isRecord(c) ? Number(c.type) : -1)),
	};
}

/** What a Reply (src/messages/reply.ts) shows: a card read as above, a text reply as its content. */
export function replyText(reply: { content: string } | { card: unknown }): string {
	return 'card' in reply ? readCard({ components: [reply.card] }).text : reply.content;
}
