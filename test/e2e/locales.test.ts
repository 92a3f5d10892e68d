// Issue 16.1 through the real built bot and the Discord emulator: replies follow the interaction's locale (unknown ones
// get English), amounts are written for that locale, the log channel follows the server's guild_locale, and
// deploy-commands registers every command with its localizations, which the emulator validates as Discord would.
// Issue 16.2: the public card follows the server's guild_locale, the requester's private notes their own locale.
import { join } from 'node:path';
import type { APIApplicationCommandInteractionDataOption, APIEmbed } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCard } from '../support/card.js';
import { APP_ID, ROOT, createWorld, imagine, newUserId, outcome, spawnBot, type BotProcess, type World } from './harness.js';

const MANAGE_GUILD = String(1n << 5n);
let world: World;

beforeAll(async () => {
	world = await createWorld({ IMAGE_PRICE_USD: '0.05', DEFAULT_USER_BUDGET_USD: '1.50' });
	await world.start();
}, 40_000);

afterAll(async () => {
	await world?.close();
});

async function reply(id: string): Promise<{ embed: APIEmbed | undefined; content: string; ephemeral: boolean }> {
	const cb = await world.discord.waitFor((r) => r.interactionId === id && r.path.endsWith('/callback'), 10_000);
	const data = (cb.json as { data: { embeds?: APIEmbed[]; flags?: number; content?: string } }).data;
	return { embed: data.embeds?.[0], content: data.content ?? '', ephemeral: ((data.flags ?? 0) & 64) === 64 };
}

const fields = (embed: APIEmbed | undefined) => Object.fromEntries((embed?.fields ?? []).map((f) => [f.name, f.value.replace(/\s/g, ' ')]));

describe('replies in the member’s language', () => {
	it('answers /usage in German for a German client, with amounts written the German way', async () => {
		const { embed, ephemeral } = await reply(world.discord.sendInteraction({ commandName: 'usage', user: { id: newUserId() }, locale: 'de' }).id);
		expect(ephemeral).toBe(true);
		expect(embed?.title).toBe('Dein Bildbudget');
		expect(fields(embed)).toMatchObject({ Ausgegeben: '0,00 $', Verbleibend: '1,50 $', 'Preis pro Bild': '0,05 $', Limit: '1,50 $ (Standard des Bots)' });
		expect(embed?.footer?.text).toBe('Noch etwa 30 Bilder zum aktuellen Preis');
	});

	it('answers in Japanese, and in English for an unknown or malformed locale', async () => {
		const ja = await reply(world.discord.sendInteraction({ commandName: 'usage', user: { id: newUserId() }, locale: 'ja' }).id);
		expect(ja.embed?.title).toBe('あなたの画像予算');
		for (const locale of ['xx_BAD', 'tlh', 'en-GB']) {
			const { embed } = await reply(world.discord.sendInteraction({ commandName: 'usage', user: { id: newUserId() }, locale }).id);
			expect(embed?.title).toBe('Your image budget');
			expect(fields(embed)).toMatchObject({ Spent: '$0.00', Remaining: '$1.50' });
		}
	});

	it('refuses in the member’s language (the router’s error boundary)', async () => {
		const sent = world.discord.sendInteraction({
			commandName: 'budget',
			options: [{ name: 'pause', type: 1, options: [] }] as APIApplicationCommandInteractionDataOption[],
			user: { id: newUserId() },
			permissions: '0',
			locale: 'fr',
		});
		expect((await reply(sent.id)).content).toBe('Il vous faut la permission Gérer le serveur pour gérer les budgets.');
	});
});

describe('the log channel', () => {
	it("posts in the server's language, whatever the moderator's", async () => {
		const channel = world.discord.guilds[0]?.channelIds[0] as string;
		const moderator = newUserId();
		const send = (sub: string, options: Array<{ name: string; type: number; value: string }> = []) =>
			world.discord.sendInteraction({
				commandName: 'budget',
				options: [{ name: sub, type: 1, options }] as APIApplicationCommandInteractionDataOption[],
				user: { id: moderator },
				permissions: MANAGE_GUILD,
				locale: 'ja',
				guildLocale: 'es-ES',
			});
		const set = await reply(send('log', [{ name: 'channel', type: 7, value: channel }]).id);
		expect(set.embed?.title).toBe('ログチャンネルを設定しました'); // the moderator's own answer: Japanese
		await reply(send('pause').id);
		const posted = await world.discord.waitFor(
			(r) => r.method === 'POST' && r.path === `/v10/channels/${channel}/messages` && JSON.stringify(r.json).includes('Cambio de presupuesto'),
			10_000,
		);
		expect(posted.status).toBe(200);
		const hello = world.discord.requests.find((r) => r.method === 'POST' && r.path === `/v10/channels/${channel}/messages`);
		expect(JSON.stringify(hello?.json)).toContain('Aquí se publicarán los cambios de presupuesto');
		await reply(send('resume').id);
	});
});

describe('npm run deploy-commands', () => {
	it('registers every command with its localizations, and Discord (the emulator) accepts them', async () => {
		const run = spawnBot(world.env, world.dataDir, join(ROOT, 'dist/src/deploy-commands.js'));
		expect((await run.exited).code).toBe(0);
		const put = world.discord.requests.filter((r) => r.method === 'PUT' && r.path === `/v10/applications/${APP_ID}/commands`).at(-1);
		expect(put?.status).toBe(200);
		type Def = { name: string; name_localizations?: Record<string, string>; description_localizations?: Record<string, string>; options?: Def[] };
		const defs = put?.json as Def[];
		expect(defs.map((d) => d.name_localizations?.['de'])).toEqual(['bild', 'verbrauch', 'budget', 'sperrliste', 'stil', 'einstellungen', 'verlauf']);
		const reset = defs.find((d) => d.name === 'budget')?.options?.find((o) => o.name === 'reset');
		expect(reset?.name_localizations).toMatchObject({ de: 'zurücksetzen', fr: 'réinitialiser', ja: 'リセット', 'zh-CN': '重置', ru: 'обнулить' });
		expect(Object.keys(reset?.description_localizations ?? {}).sort()).toEqual(['de', 'es-ES', 'fr', 'ja', 'ko', 'pt-BR', 'ru', 'zh-CN']);
	});
});

describe('an image for a German member in a French server', () => {
	let images: World;
	let bot: BotProcess;
	const where = { locale: 'de', guildLocale: 'fr' } as const;

	beforeAll(async () => {
		images = await createWorld({ IMAGE_PRICE_USD: '0.05', DEFAULT_USER_BUDGET_USD: '0.05' });
		bot = await images.start();
	}, 40_000);

	afterAll(async () => {
		await images?.close();
	});

	const followUp = (id: string) =>
		images.discord.waitFor((r) => r.interactionId === id && r.method === 'POST' && /^\/v10\/webhooks\/[^/]+\/[^/]+$/.test(r.path));
	const ephemeral = async (id: string) => {
		const cb = await images.discord.waitFor((r) => r.interactionId === id && r.path.endsWith('/callback'), 10_000);
		return (cb.json as { data?: { content?: string } }).data?.content ?? '';
	};

	it('gets a French card, then a German low-budget note and a German refusal', async () => {
		const userId = newUserId();
		const sent = imagine(images, { prompt: 'ein Fuchs im Schnee', userId, ...where });
		const done = await outcome(images, bot, sent.id);
		expect(done.kind).toBe('delivered');
		const card = readCard(done.finalEdit?.json);
		expect(card.text).toContain(`Demandée par <@${userId}>`);
		expect(card.buttons.map((b) => b.label)).toEqual(['Relancer', 'Remixer', 'Supprimer']);
		const note = (await followUp(sent.id)).json as { content?: string; flags?: number };
		expect(note.content).toMatch(/^💡 Von deinem Bildbudget von 0,05\s\$ sind noch 0,00\s\$ übrig/);
		expect((note.flags ?? 0) & 64).toBe(64);
		const again = imagine(images, { prompt: 'noch ein Fuchs', userId, ...where });
		expect(await ephemeral(again.id)).toMatch(/^Dein Budget reicht nicht mehr für ein Bild \(0,05\s\$ pro Bild\)\./);
	});

	it('is told of a failure in German (it is about their request)', async () => {
		images.hiapi.script('kaputt', { final: 'fail', failError: { code: 'GENERATION_ERROR', message: 'internal model error' } });
		const sent = imagine(images, { prompt: 'kaputt bitte', ...where });
		const done = await outcome(images, bot, sent.id);
		expect(done.kind).toBe('refunded');
		expect((done.finalEdit?.json as { content?: string }).content).toBe(
			'⚠️ Das Bild konnte diesmal nicht erstellt werden. Versuch es noch einmal oder mit einem anderen Prompt. Dir wurde nichts berechnet.',
		);
	});

	it('a private image’s card is in the requester’s own language', async () => {
		const userId = newUserId();
		const options = [
			{ name: 'prompt', type: 3, value: 'ein geheimer Fuchs' },
			{ name: 'private', type: 5, value: true },
		] as APIApplicationCommandInteractionDataOption[];
		const sent = images.discord.sendInteraction({ commandName: 'imagine', options, user: { id: userId }, ...where });
		const done = await outcome(images, bot, sent.id);
		expect(done.kind).toBe('delivered');
		expect(readCard(done.finalEdit?.json).text).toContain(`Angefordert von <@${userId}>`);
	});
});
