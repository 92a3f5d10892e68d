// Issue 16 phase 2 through the real built bot: /style, /settings, /history and style autocomplete answer in the
// interaction's locale (German, Japanese), naming commands as that locale types them; English stays as it was.
import { ComponentType, type APIApplicationCommandInteractionDataOption, type APIEmbed, type APIMessage } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, imagine, newUserId, outcome, type BotProcess, type World } from './harness.js';

const MANAGE_GUILD = String(1n << 5n);
let world: World;
let bot: BotProcess;

beforeAll(async () => {
	world = await createWorld({ IMAGE_PRICE_USD: '0.04', DEFAULT_USER_BUDGET_USD: '1.00' });
	bot = await world.start();
}, 40_000);
afterAll(async () => {
	await world?.close();
});

type Opt = { name: string; type: number; value: string };
const opt = (name: string, value: string): Opt => ({ name, type: 3, value });

function style(sub: 'add' | 'list', options: Opt[], locale: string) {
	return world.discord.sendInteraction({
		commandName: 'style',
		options: [{ name: sub, type: 1, options }] as APIApplicationCommandInteractionDataOption[],
		user: { id: newUserId() },
		permissions: MANAGE_GUILD,
		locale,
	});
}

async function answer(id: string): Promise<{ embed: APIEmbed | undefined; content: string }> {
	const cb = await world.discord.waitFor((r) => r.interactionId === id && r.path.endsWith('/callback'), 10_000);
	const data = (cb.json as { data: { embeds?: APIEmbed[]; content?: string } }).data;
	return { embed: data.embeds?.[0], content: data.content ?? '' };
}

describe('/style in the member’s language', () => {
	it('lists in German with German hints and command names, adds and refuses in German', async () => {
		const listed = await answer(style('list', [], 'de').id);
		expect(listed.embed?.title).toBe('Stile (0 von 25 Serverstilen)');
		expect(listed.embed?.description).toContain('**Eingebaut:**\n• **Photo**: realistisches Foto, natürliches Licht');
		expect(listed.embed?.description).toContain('**Dieser Server:** noch keine. Moderatoren fügen sie mit `/stil hinzufügen` hinzu.');

		const added = await answer(style('add', [opt('name', 'Kreide'), opt('template', 'chalk drawing of {prompt}')], 'de').id);
		expect(added.embed?.title).toBe('Stil hinzugefügt');
		expect(added.embed?.description).toBe('Mitglieder können jetzt **Kreide** in `/bild stil:` wählen. 1 von 25 Serverstilen belegt.');
		const again = await answer(style('add', [opt('name', 'kreide'), opt('template', '{prompt}')], 'de').id);
		expect(again.content).toContain('Dieser Server hat schon einen Stil namens „kreide“.');
		const noPlaceholder = await answer(style('add', [opt('name', 'Nope'), opt('template', 'no words')], 'ja').id);
		expect(noPlaceholder.content).toContain('テンプレートには、メンバーの言葉が入る `{prompt}` を含めてください。');

		const english = await answer(style('list', [], 'en-US').id);
		expect(english.embed?.title).toBe('Styles (1 of 25 server styles)');
		expect(english.embed?.description).toContain('• **Kreide**: chalk drawing of {prompt}');
	});

	it('suggests styles with Japanese hints on a Japanese autocomplete', async () => {
		const sent = world.discord.sendAutocomplete({
			commandName: 'imagine',
			options: [opt('prompt', 'a fox'), { ...opt('style', 'pixel'), focused: true }],
			locale: 'ja',
		});
		await world.discord.waitFor((r) => r.interactionId === sent.id && r.path.endsWith('/callback'));
		expect(world.discord.autocompleteChoices(sent.id)?.[0]).toEqual({ name: 'Pixel art — 16ビットのレトロゲーム風ドット絵', value: 'Pixel art' });
	});
});

describe('/settings and /history in the member’s language', () => {
	it('shows /settings in German', async () => {
		const sent = world.discord.sendInteraction({ commandName: 'settings', user: { id: newUserId() }, locale: 'de' });
		const { embed } = await answer(sent.id);
		expect(embed?.title).toBe('Deine Standards für /bild');
		expect(embed?.fields?.map((f) => [f.name, f.value])).toEqual([
			['Seitenverhältnis', 'nicht festgelegt (1:1)'],
			['Stil', 'nicht festgelegt (keiner)'],
			['Anzahl', 'nicht festgelegt (1)'],
			['Privat', 'nicht festgelegt (nein)'],
		]);
	});

	it('pages /history in German: title, amounts, footer and buttons', async () => {
		const user = newUserId();
		const made = imagine(world, { prompt: 'ein Fuchs im Schnee', userId: user });
		expect((await outcome(world, bot, made.id)).kind).toBe('delivered');
		const sent = world.discord.sendInteraction({ commandName: 'history', user: { id: user }, locale: 'de' });
		await bot.waitForLog((l) => l.msg === 'history shown' && l.interactionId === sent.id);
		const message = world.discord.originalMessage(sent.id) as APIMessage;
		const embed = message.embeds[0] as APIEmbed;
		expect(embed.title).toBe('Deine letzten Bilder');
		expect(embed.description).toContain('**1.** ein Fuchs im Schnee');
		expect(embed.description).toMatch(/0,04\s\$/);
		expect(embed.description).toContain('[Nachricht](https://discord.com/channels/');
		expect(embed.footer?.text).toBe('Seite 1 von 1 · 1 Bild · „Nochmal“ stellt dieselbe Anfrage, auf deine Kosten');
		const labels = message.components?.flatMap((row) => ('components' in row ? row.components : []).filter((c) => c.type === ComponentType.Button));
		expect(labels?.map((b) => ('label' in b ? b.label : undefined))).toEqual(['Nochmal 1']);
	});

	it('answers an empty /history in Japanese', async () => {
		const sent = world.discord.sendInteraction({ commandName: 'history', user: { id: newUserId() }, locale: 'ja' });
		await bot.waitForLog((l) => l.msg === 'history shown' && l.interactionId === sent.id);
		const embed = world.discord.originalMessage(sent.id)?.embeds[0];
		expect(embed?.title).toBe('最近の画像');
		expect(embed?.description).toContain('`/画像生成` で作成してみましょう。');
	});
});
