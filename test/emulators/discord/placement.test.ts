/**
 * Issue 16 in the emulator: interactions with a chosen locale, guild locale, context and installation owners,
 * read by a real discord.js client; REST for places the bot is not in (403 Missing Access); the 5 follow-up
 * limit of a user install; command registration keeping and validating localizations, integration types and
 * contexts.
 */
import type { Client } from 'discord.js';
import { type ButtonInteraction, type ChatInputCommandInteraction } from 'discord.js';
import { describe, expect, it } from 'vitest';
import type { DiscordEmulator } from './index.js';
import { APP_ID, TOKEN, nextInteraction, startWithClient } from './test-client.js';

const USER = { id: '200000000000000077', username: 'traveller' };
const FOREIGN_GUILD = '900000000000000001';

const nextCommand = (client: Client) => nextInteraction(client, (i): i is ChatInputCommandInteraction => i.isChatInputCommand());

async function api(emu: DiscordEmulator, method: string, path: string, body?: unknown, auth = true): Promise<{ status: number; json: unknown }> {
	const headers: Record<string, string> = { 'content-type': 'application/json', ...(auth ? { authorization: `Bot ${TOKEN}` } : {}) };
	const response = await fetch(`${emu.apiUrl}/v10${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
	const text = await response.text();
	return { status: response.status, json: text ? (JSON.parse(text) as unknown) : undefined };
}

/** authorizing_integration_owners as discord.js exposes it ('0' → guildId, '1' → userId). */
const owners = (i: ChatInputCommandInteraction) => ({ guildId: i.authorizingIntegrationOwners.guildId, userId: i.authorizingIntegrationOwners.userId });

const MISSING_ACCESS = { status: 403, json: { code: 50001, message: 'Missing Access' } };

describe('interaction placement', () => {
	it('keeps today’s defaults: en-US, context 0, the guild as owner', async () => {
		const { emu, client } = await startWithClient();
		const received = nextCommand(client);
		emu.sendInteraction({ commandName: 'imagine' });
		const i = await received;
		expect([i.locale, i.guildLocale, i.context, owners(i)]).toEqual(['en-US', 'en-US', 0, { guildId: emu.guilds[0]!.id, userId: null }]);
	});

	it.each(['de', 'fr', 'es-ES', 'pt-BR', 'ja', 'ko', 'zh-CN', 'ru', 'xx_BAD'])('sends locale %s and the guild locale', async (locale) => {
		const { emu, client } = await startWithClient();
		const received = nextCommand(client);
		emu.sendInteraction({ commandName: 'imagine', locale, guildLocale: 'fr' });
		const i = await received;
		expect([i.locale, i.guildLocale]).toEqual([locale, 'fr']);
	});

	it('a user install in a guild that did not add the bot: owners { 1: user }, no bot permissions, REST refused, webhook works', async () => {
		const { emu, client } = await startWithClient();
		const received = nextCommand(client);
		const sent = emu.sendInteraction({ commandName: 'imagine', guildId: FOREIGN_GUILD, user: USER, locale: 'ja', guildLocale: 'ko' });
		const i = await received;
		expect([i.guildId, i.context, owners(i), i.guildLocale]).toEqual([FOREIGN_GUILD, 0, { guildId: null, userId: USER.id }, 'ko']);
		expect(i.member).toBeTruthy();
		expect(i.appPermissions.has(['ViewChannel'])).toBe(false);
		expect(i.appPermissions.has(['SendMessages'])).toBe(false);

		expect(await api(emu, 'GET', `/guilds/${FOREIGN_GUILD}`)).toEqual(MISSING_ACCESS);
		expect(await api(emu, 'GET', `/guilds/${FOREIGN_GUILD}/members/${USER.id}`)).toEqual(MISSING_ACCESS);
		expect(await api(emu, 'GET', `/channels/${i.channelId}`)).toEqual(MISSING_ACCESS);
		expect(await api(emu, 'POST', `/channels/${i.channelId}/messages`, { content: 'hi' })).toEqual(MISSING_ACCESS);
		expect(await api(emu, 'DELETE', `/channels/${i.channelId}/messages/1`)).toEqual(MISSING_ACCESS);
		expect(await api(emu, 'GET', `/applications/${APP_ID}/guilds/${FOREIGN_GUILD}/commands`)).toEqual(MISSING_ACCESS);
		// A guild id the emulator never saw is still unknown, as before.
		expect(await api(emu, 'GET', '/guilds/900000000000000999')).toMatchObject({ status: 404, json: { code: 10004 } });

		await i.deferReply();
		await i.editReply('done');
		expect(emu.originalMessage(sent.id)).toMatchObject({ content: 'done', interaction_metadata: { authorizing_integration_owners: { '1': USER.id } } });
		const followUps = [];
		for (let n = 1; n <= 5; n++) followUps.push(await api(emu, 'POST', `/webhooks/${APP_ID}/${sent.token}`, { content: `#${n}` }, false));
		expect(followUps.map((r) => r.status)).toEqual([204, 204, 204, 204, 204]);
		const sixth = await api(emu, 'POST', `/webhooks/${APP_ID}/${sent.token}`, { content: '#6' }, false);
		expect(sixth).toEqual({ status: 400, json: { code: 40094, message: 'This interaction has hit the maximum number of follow up messages' } });
	});

	it('a guild that added the bot has no follow-up limit', async () => {
		const { emu, client } = await startWithClient();
		const received = nextCommand(client);
		const sent = emu.sendInteraction({ commandName: 'imagine', authorizingIntegrationOwners: { '0': emu.guilds[0]!.id, '1': USER.id }, user: USER });
		await (await received).deferReply();
		const statuses = [];
		for (let n = 1; n <= 6; n++) statuses.push((await api(emu, 'POST', `/webhooks/${APP_ID}/${sent.token}`, { content: `#${n}` }, false)).status);
		expect(statuses).toEqual([204, 204, 204, 204, 204, 204]);
	});

	it('a group DM (context 2): user, no guild, the bot cannot post to the channel', async () => {
		const { emu, client } = await startWithClient();
		const received = nextCommand(client);
		emu.sendInteraction({ commandName: 'usage', context: 2, user: USER, locale: 'pt-BR' });
		const i = await received;
		expect([i.guildId, i.context, owners(i), i.locale, i.user.id]).toEqual([null, 2, { guildId: null, userId: USER.id }, 'pt-BR', USER.id]);
		expect(i.member).toBeNull();
		expect(await api(emu, 'POST', `/channels/${i.channelId}/messages`, { content: 'hi' })).toEqual(MISSING_ACCESS);
	});

	it("the bot's DM: a server install used there is owned by '0' → '0' (docs), so no follow-up limit", async () => {
		const { emu, client } = await startWithClient();
		const received = nextCommand(client);
		const sent = emu.sendInteraction({ commandName: 'usage', guildId: null, user: USER });
		const i = await received;
		expect([i.context, owners(i)]).toEqual([1, { guildId: '0', userId: null }]);
		await i.deferReply();
		const statuses = [];
		for (let n = 1; n <= 6; n++) statuses.push((await api(emu, 'POST', `/webhooks/${APP_ID}/${sent.token}`, { content: `#${n}` }, false)).status);
		expect(statuses).toEqual([204, 204, 204, 204, 204, 204]);
	});

	it("a click on a user-installed message carries the installer's owners, whoever clicks", async () => {
		const { emu, client } = await startWithClient();
		const received = nextCommand(client);
		const sent = emu.sendInteraction({ commandName: 'imagine', guildId: FOREIGN_GUILD, user: USER });
		const i = await received;
		await i.reply({ content: 'hi', components: [{ type: 1, components: [{ type: 2, style: 1, label: 'b', custom_id: 'b' }] }] });
		const messageId = emu.originalMessage(sent.id)!.id;
		const click = nextInteraction(client, (x): x is ButtonInteraction => x.isButton());
		emu.clickButton({ messageId, customId: 'b', user: { id: '200000000000000078', username: 'other' } });
		const c = await click;
		expect([c.guildId, c.user.id, c.authorizingIntegrationOwners.userId, c.authorizingIntegrationOwners.guildId]).toEqual([
			FOREIGN_GUILD,
			'200000000000000078',
			USER.id,
			null,
		]);
	});

	it('the bot DM stays context 1; a contradictory placement is a test-author error', async () => {
		const { emu, client } = await startWithClient();
		const received = nextCommand(client);
		emu.sendInteraction({ commandName: 'usage', guildId: null });
		expect((await received).context).toBe(1);
		expect(() => emu.sendInteraction({ commandName: 'x', context: 0, guildId: null })).toThrow(/context 0 needs a guild/);
		expect(() => emu.sendInteraction({ commandName: 'x', context: 2, guildId: emu.guilds[0]!.id })).toThrow(/context 2 has no guild/);
	});
});

describe('command registration', () => {
	const localized = {
		name: 'imagine',
		description: 'Generate an image',
		name_localizations: { de: 'bild', ja: '画像', 'zh-CN': '生成', ru: 'картинка', 'pt-BR': 'imaginar' },
		description_localizations: { fr: 'Générer une image', ko: '이미지 생성' },
		integration_types: [0, 1],
		contexts: [0, 1, 2],
		options: [
			{
				type: 3,
				name: 'ratio',
				description: 'Aspect ratio',
				name_localizations: { 'es-ES': 'proporción' },
				choices: [{ name: 'Square', value: '1:1', name_localizations: { de: 'Quadratisch' } }],
			},
		],
	};

	it('keeps integration_types, contexts and the localization maps as sent (global and guild)', async () => {
		const { emu } = await startWithClient();
		const put = await api(emu, 'PUT', `/applications/${APP_ID}/commands`, [localized]);
		expect(put.status).toBe(200);
		expect(put.json).toMatchObject([{ ...localized, options: localized.options }]);
		expect((await api(emu, 'GET', `/applications/${APP_ID}/commands`)).json).toMatchObject([localized]);
		const guild = await api(emu, 'PUT', `/applications/${APP_ID}/guilds/${emu.guilds[0]!.id}/commands`, [
			{ ...localized, integration_types: [0], contexts: [0] },
		]);
		expect(guild.json).toMatchObject([{ integration_types: [0], contexts: [0], name_localizations: localized.name_localizations }]);
	});

	it('answers 50035 with the errors tree for each rule', async () => {
		const { emu } = await startWithClient();
		const bad = [
			{
				...localized,
				name_localizations: { de: 'Bild', xx: 'bild', fr: 'a'.repeat(33), ja: 'two words' },
				description_localizations: { ko: '', 'en-US': 'd'.repeat(101) },
				integration_types: [0, 2],
				contexts: [3],
				options: [
					{
						type: 1,
						name: 'sub',
						description: 'A sub-command',
						options: [{ type: 2, name: 'group', description: 'Too deep', options: [] }],
					},
					{ type: 3, name: 'style', description: 'x', choices: [{ name: '', value: 'v'.repeat(101), name_localizations: { de: 'q'.repeat(101), nope: 'x' } }] },
				],
			},
		];
		const reply = await api(emu, 'PUT', `/applications/${APP_ID}/commands`, bad);
		expect(reply.status).toBe(400);
		const code = (c: string) => ({ _errors: [expect.objectContaining({ code: c })] });
		expect(reply.json).toMatchObject({
			code: 50035,
			errors: {
				0: {
					name_localizations: {
						de: code('APPLICATION_COMMAND_INVALID_NAME'),
						xx: code('ENUM_TYPE_COERCE'),
						fr: code('BASE_TYPE_BAD_LENGTH'),
						ja: code('APPLICATION_COMMAND_INVALID_NAME'),
					},
					description_localizations: { ko: code('BASE_TYPE_BAD_LENGTH'), 'en-US': code('BASE_TYPE_BAD_LENGTH') },
					integration_types: { 1: code('ENUM_TYPE_COERCE') },
					contexts: { 0: code('ENUM_TYPE_COERCE') },
					options: {
						0: { options: { 0: { type: code('APPLICATION_COMMAND_OPTION_TYPE_INVALID') } } },
						1: {
							choices: {
								0: {
									name: code('BASE_TYPE_BAD_LENGTH'),
									value: code('BASE_TYPE_BAD_LENGTH'),
									name_localizations: { de: code('BASE_TYPE_BAD_LENGTH'), nope: code('ENUM_TYPE_COERCE') },
								},
							},
						},
					},
				},
			},
		});
		// Nothing was stored.
		expect((await api(emu, 'GET', `/applications/${APP_ID}/commands`)).json).toEqual([]);
	});

	it('accepts names in Devanagari and Thai, and letters without a lowercase form', async () => {
		const { emu } = await startWithClient();
		const names = { hi: 'चित्र', th: 'ภาพ', ja: '画像', ko: '그림' };
		const reply = await api(emu, 'PUT', `/applications/${APP_ID}/commands`, [{ name: 'imagine', description: 'd', name_localizations: names }]);
		expect(reply.status).toBe(200);
	});
});
