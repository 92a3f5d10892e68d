/**
 * Buttons, modals, deletes and channel permissions in the Discord emulator, driven by a real discord.js client:
 * proves component and modal interactions reach discord.js as the right structures and that the emulator
 * judges the bot's answers (callback types, @original, component and modal rules) the way Discord does.
 */
import { once } from 'node:events';
import {
	ActionRowBuilder,
	ButtonBuilder,
	type ButtonInteraction,
	ButtonStyle,
	type ChatInputCommandInteraction,
	Client,
	DiscordAPIError,
	Events,
	GatewayIntentBits,
	type GuildMember,
	type Interaction,
	LabelBuilder,
	ModalBuilder,
	type ModalSubmitInteraction,
	Routes,
	StringSelectMenuBuilder,
	type TextChannel,
	TextInputBuilder,
	TextInputStyle,
} from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { type DiscordEmulator, startDiscordEmulator } from './index.js';

const TOKEN = 'MTAwMDAwMDAwMDAwMDAwMDQy.emulator.test-token';
const APP_ID = '100000000000000042';
const GUILD_ID = '500000000000000001';
const GENERAL = '500000000000000010';
const ART = '500000000000000011';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(): Promise<{ emu: DiscordEmulator; client: Client }> {
	const emu = await startDiscordEmulator({ token: TOKEN, applicationId: APP_ID, guilds: [{ id: GUILD_ID, name: 'Studio', channelIds: [GENERAL, ART] }] });
	cleanups.push(() => emu.close());
	const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: emu.apiUrl } });
	cleanups.push(() => client.destroy());
	const ready = once(client, Events.ClientReady);
	await client.login(TOKEN);
	await ready;
	return { emu, client };
}

/** The next interaction discord.js emits that `accept` narrows. */
function next<T extends Interaction>(client: Client, accept: (i: Interaction) => i is T, timeoutMs = 3_000): Promise<T> {
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => {
			client.off(Events.InteractionCreate, listener);
			reject(new Error(`no matching interaction within ${timeoutMs} ms`));
		}, timeoutMs);
		const listener = (interaction: Interaction): void => {
			if (!accept(interaction)) return;
			clearTimeout(timer);
			client.off(Events.InteractionCreate, listener);
			resolve(interaction);
		};
		client.on(Events.InteractionCreate, listener);
	});
}
const isCommand = (i: Interaction): i is ChatInputCommandInteraction => i.isChatInputCommand();
const isButton = (i: Interaction): i is ButtonInteraction => i.isButton();
const isModal = (i: Interaction): i is ModalSubmitInteraction => i.isModalSubmit();

const buttons = (...ids: string[]) =>
	new ActionRowBuilder<ButtonBuilder>().addComponents(ids.map((id) => new ButtonBuilder().setCustomId(id).setLabel(id).setStyle(ButtonStyle.Secondary)));

/** The bot answers /imagine with a message carrying Reroll/Remix buttons; returns that message's id. */
async function buttonMessage(emu: DiscordEmulator, client: Client): Promise<string> {
	const command = next(client, isCommand);
	const sent = emu.sendInteraction({ commandName: 'imagine' });
	await (await command).reply({ content: 'a fox', components: [buttons('reroll:1', 'remix:1')] });
	return emu.originalMessage(sent.id)!.id;
}

async function click(emu: DiscordEmulator, client: Client, messageId: string, customId: string): Promise<{ id: string; interaction: ButtonInteraction }> {
	const received = next(client, isButton);
	const sent = emu.clickButton({ messageId, customId });
	return { id: sent.id, interaction: await received };
}

const remixModal = () =>
	new ModalBuilder()
		.setCustomId('remix-modal:1')
		.setTitle('Remix')
		.addLabelComponents(
			new LabelBuilder()
				.setLabel('Prompt')
				.setTextInputComponent(
					new TextInputBuilder().setCustomId('prompt').setStyle(TextInputStyle.Paragraph).setMinLength(3).setMaxLength(200).setValue('a red fox'),
				),
			new LabelBuilder()
				.setLabel('Style')
				.setStringSelectMenuComponent(
					new StringSelectMenuBuilder().setCustomId('style').addOptions({ label: 'Photo', value: 'photo', default: true }, { label: 'Anime', value: 'anime' }),
				),
		);

/** Rejection of a raw REST call, as the DiscordAPIError discord.js makes of it. */
async function restError(call: Promise<unknown>): Promise<DiscordAPIError> {
	const error: unknown = await call.then(
		() => null,
		(e: unknown) => e,
	);
	expect(error).toBeInstanceOf(DiscordAPIError);
	return error as DiscordAPIError;
}

describe('discord emulator: components, modals, deletes', () => {
	it('stores a button message with its components and answers invalid components with 50035', async () => {
		const { emu, client } = await start();
		const channel = (await client.channels.fetch(GENERAL)) as TextChannel;
		const sent = await channel.send({ content: 'pick', components: [buttons('a', 'b')] });
		expect(sent.components[0]?.type).toBe(1);
		expect(emu.message(sent.id)?.components).toMatchObject([
			{
				type: 1,
				id: 1,
				components: [
					{ type: 2, id: 2, custom_id: 'a' },
					{ custom_id: 'b', id: 3 },
				],
			},
		]);

		const post = (components: unknown) => restError(client.rest.post(Routes.channelMessages(GENERAL), { body: { content: 'x', components } }));
		const button = (extra: object) => ({ type: 2, style: 1, label: 'x', ...extra });
		const noCustomId = await post([{ type: 1, components: [button({})] }]);
		expect(noCustomId).toMatchObject({ status: 400, code: 50035 });
		expect(noCustomId.rawError).toMatchObject({
			errors: { components: { 0: { components: { 0: { custom_id: { _errors: [{ code: 'BUTTON_COMPONENT_CUSTOM_ID_REQUIRED' }] } } } } } },
		});
		const duplicate = await post([{ type: 1, components: [button({ custom_id: 'same' }), button({ custom_id: 'same' })] }]);
		expect(duplicate.rawError).toMatchObject({
			errors: { components: { 0: { components: { 1: { custom_id: { _errors: [{ code: 'COMPONENT_CUSTOM_ID_DUPLICATED' }] } } } } } },
		});
		const six = Array.from({ length: 6 }, (_, i) => button({ custom_id: `b${i}` }));
		expect((await post([{ type: 1, components: six }])).rawError).toMatchObject({
			errors: { components: { 0: { components: { 5: { _errors: [{ code: 'COMPONENT_LAYOUT_WIDTH_EXCEEDED' }] } } } } },
		});
		const rows = Array.from({ length: 6 }, (_, i) => ({ type: 1, components: [button({ custom_id: `r${i}` })] }));
		expect((await post(rows)).rawError).toMatchObject({ errors: { components: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH' }] } } });
		const link = await post([{ type: 1, components: [button({ style: 5, custom_id: 'nope', url: 'https://example.com' })] }]);
		expect(link.rawError).toMatchObject({ errors: { components: { 0: { components: { 0: { custom_id: {} } } } } } });
		const bare = await post([{ type: 1, components: [{ type: 2, style: 2, custom_id: 'bare' }] }]);
		expect(bare.rawError).toMatchObject({ errors: { components: { 0: { components: { 0: { label: {} } } } } } });
		expect(emu.channelMessages(GENERAL).map((r) => r.status)).toEqual([200, 400, 400, 400, 400, 400, 400]);
	});

	it('keeps components on an edit that omits them and removes them with components: []', async () => {
		const { emu, client } = await start();
		const command = next(client, isCommand);
		const sent = emu.sendInteraction({ commandName: 'imagine' });
		const interaction = await command;
		await interaction.reply({ content: 'v1', components: [buttons('x')] });
		await interaction.editReply({ content: 'v2' });
		expect(emu.originalMessage(sent.id)).toMatchObject({ content: 'v2', components: [{ components: [{ custom_id: 'x' }] }] });
		await interaction.editReply({ components: [] });
		expect(emu.originalMessage(sent.id)).toMatchObject({ content: 'v2', components: [] });
	});

	it('delivers clickButton as a ButtonInteraction with the custom id and the stored message', async () => {
		const { emu, client } = await start();
		const messageId = await buttonMessage(emu, client);
		const { id, interaction } = await click(emu, client, messageId, 'remix:1');
		expect(interaction.id).toBe(id);
		expect(interaction.customId).toBe('remix:1');
		expect(interaction.message.id).toBe(messageId);
		expect(interaction.message.content).toBe('a fox');
		expect(interaction.guildId).toBe(GUILD_ID);
		expect(interaction.channelId).toBe(GENERAL);

		expect(() => emu.clickButton({ messageId, customId: 'nope' })).toThrow(/no button 'nope'/);
		expect(() => emu.clickButton({ messageId: '999', customId: 'remix:1' })).toThrow(/no message 999/);
		const forged = next(client, isButton);
		emu.clickButton({ messageId, customId: 'reroll:not-a-job', force: true });
		expect((await forged).customId).toBe('reroll:not-a-job');
	});

	it('deferUpdate then deleteReply deletes the clicked message; update edits it', async () => {
		const { emu, client } = await start();
		const first = await buttonMessage(emu, client);
		const a = await click(emu, client, first, 'reroll:1');
		await a.interaction.deferUpdate();
		expect(emu.originalMessage(a.id)?.id).toBe(first);
		await a.interaction.deleteReply();
		expect(emu.callbacks(a.id)).toMatchObject([{ status: 204, json: { type: 6 } }]);
		expect(emu.deleted(first)).toBe(true);
		expect(emu.message(first)).toBeUndefined();
		expect(() => emu.clickButton({ messageId: first, customId: 'reroll:1' })).toThrow(/deleted/);

		const second = await buttonMessage(emu, client);
		const b = await click(emu, client, second, 'remix:1');
		await b.interaction.update({ content: 'remixing…', components: [] });
		expect(emu.message(second)).toMatchObject({ content: 'remixing…', components: [] });
		await b.interaction.editReply({ content: 'remixed' });
		expect(emu.message(second)?.content).toBe('remixed');
		expect(emu.edits(b.id)).toMatchObject([{ status: 200 }]);
	});

	it('reply/deferReply to a component makes a new message; editReply edits that one, not the clicked one', async () => {
		const { emu, client } = await start();
		const messageId = await buttonMessage(emu, client);
		const { id, interaction } = await click(emu, client, messageId, 'reroll:1');
		await interaction.deferReply();
		await interaction.editReply({ content: 'rerolled' });
		const created = emu.originalMessage(id);
		expect(created?.id).not.toBe(messageId);
		expect(created).toMatchObject({
			content: 'rerolled',
			type: 19,
			message_reference: { message_id: messageId },
			interaction_metadata: { type: 3, interacted_message_id: messageId },
		});
		expect(emu.message(created!.id)?.content).toBe('rerolled');
		expect(emu.message(messageId)?.content).toBe('a fox');

		const other = await click(emu, client, messageId, 'remix:1');
		const reply = await other.interaction.reply({ content: 'queued', withResponse: true });
		expect(reply.resource?.message?.id).toBe(emu.originalMessage(other.id)?.id);
		expect(emu.originalMessage(other.id)?.id).not.toBe(messageId);
	});

	it('accepts a Label modal (paragraph input with a value, string select) and rejects an invalid one', async () => {
		const { emu, client } = await start();
		const messageId = await buttonMessage(emu, client);
		const { id, interaction } = await click(emu, client, messageId, 'remix:1');

		const invalid = await restError(
			interaction.showModal({
				custom_id: 'remix-modal:1',
				title: 'T'.repeat(46),
				components: [{ type: 18, label: 'Prompt', component: { type: 4, custom_id: 'prompt', style: 2, label: 'Own label' } }],
			}),
		);
		expect(invalid).toMatchObject({ status: 400, code: 50035 });
		expect(invalid.rawError).toMatchObject({
			errors: { data: { title: { _errors: [{ code: 'BASE_TYPE_BAD_LENGTH' }] }, components: { 0: { component: { label: {} } } } } },
		});
		expect(emu.modal(id)).toBeUndefined();

		// A rejected modal does not acknowledge: the interaction can still be answered.
		await interaction.showModal(remixModal());
		expect(emu.callbacks(id).map((r) => r.status)).toEqual([400, 204]);
		expect(emu.modal(id)).toMatchObject({
			custom_id: 'remix-modal:1',
			title: 'Remix',
			components: [
				{ type: 18, id: 1, label: 'Prompt', component: { type: 4, id: 2, custom_id: 'prompt', style: 2, value: 'a red fox', min_length: 3 } },
				{ type: 18, id: 3, label: 'Style', component: { type: 3, id: 4, custom_id: 'style' } },
			],
		});
		expect(emu.originalMessage(id)).toBeUndefined();
	});

	it('delivers submitModal as a ModalSubmitInteraction whose fields hold the values', async () => {
		const { emu, client } = await start();
		const messageId = await buttonMessage(emu, client);
		const opener = await click(emu, client, messageId, 'remix:1');
		await opener.interaction.showModal(remixModal());

		expect(() => emu.submitModal({ modalOf: opener.id, values: { seed: '1' } })).toThrow(/no component with custom_id 'seed'/);
		expect(() => emu.submitModal({ modalOf: opener.id, values: { prompt: 'ab' } })).toThrow(/3-200 characters/);
		expect(() => emu.submitModal({ modalOf: opener.id, values: { style: 'oil' } })).toThrow(/'oil' is not an option/);

		const received = next(client, isModal);
		const sent = emu.submitModal({ modalOf: opener.id, values: { prompt: 'a blue fox', style: ['anime'] } });
		const modal = await received;
		expect(modal.id).toBe(sent.id);
		expect(modal.customId).toBe('remix-modal:1');
		expect(modal.fields.getTextInputValue('prompt')).toBe('a blue fox');
		expect(modal.fields.getStringSelectValues('style')).toEqual(['anime']);
		expect(modal.isFromMessage()).toBe(true);
		expect(modal.message?.id).toBe(messageId);
		expect(modal.user.id).toBe(opener.interaction.user.id);
		if (modal.isFromMessage()) await modal.update({ content: 'remixing a blue fox', components: [] });
		expect(emu.message(messageId)).toMatchObject({ content: 'remixing a blue fox', components: [] });

		// Omitted fields keep the prefilled value and the default option.
		const again = next(client, isModal);
		emu.submitModal({ modalOf: opener.id, values: {} });
		const defaults = await again;
		expect(defaults.fields.getTextInputValue('prompt')).toBe('a red fox');
		expect(defaults.fields.getStringSelectValues('style')).toEqual(['photo']);
	});

	it('rejects a modal in answer to a modal, and 6/7 where no message is behind the interaction', async () => {
		const { emu, client } = await start();
		const command = next(client, isCommand);
		const sent = emu.sendInteraction({ commandName: 'imagine' });
		const interaction = await command;
		const wrongType = await restError(client.rest.post(Routes.interactionCallback(interaction.id, interaction.token), { auth: false, body: { type: 6 } }));
		expect(wrongType.rawError).toMatchObject({ code: 50035, errors: { type: { _errors: [{ code: 'INTERACTION_RESPONSE_TYPE_INVALID' }] } } });
		await interaction.showModal(remixModal());

		const received = next(client, isModal);
		emu.submitModal({ modalOf: sent.id, values: {} });
		const submitted = await received;
		expect(submitted.isFromMessage()).toBe(false);
		const callback = (body: object) => restError(client.rest.post(Routes.interactionCallback(submitted.id, submitted.token), { auth: false, body }));
		expect(await callback({ type: 9, data: remixModal().toJSON() })).toMatchObject({ status: 400, code: 50035 });
		expect(await callback({ type: 7, data: { content: 'x' } })).toMatchObject({ status: 400, code: 50035 });
		await submitted.reply({ content: 'ok' });
		expect(emu.callbacks(submitted.id).map((r) => r.status)).toEqual([400, 400, 204]);
		expect(emu.originalMessage(submitted.id)).toMatchObject({
			content: 'ok',
			interaction_metadata: { type: 5, triggering_interaction_metadata: { id: sent.id } },
		});
	});

	it('redeliver makes discord.js emit the same interaction twice; the second acknowledgement gets 40060', async () => {
		const { emu, client } = await start();
		const seen: Interaction[] = [];
		client.on(Events.InteractionCreate, (i) => seen.push(i));
		const first = next(client, isCommand);
		const sent = emu.sendInteraction({ commandName: 'imagine' });
		await (await first).deferReply();
		const second = next(client, isCommand);
		emu.redeliver(sent.id);
		const duplicate = await second;
		expect(seen.map((i) => i.id)).toEqual([sent.id, sent.id]);
		expect(duplicate.token).toBe(sent.token);
		await expect(duplicate.deferReply()).rejects.toMatchObject({ code: 40060 });
	});

	it('denyChannel makes channel posts fail with 403 50013; other channels still work', async () => {
		const { emu, client } = await start();
		emu.denyChannel(ART);
		const denied = await restError(client.rest.post(Routes.channelMessages(ART), { body: { content: 'log line' } }));
		expect(denied).toMatchObject({ status: 403, code: 50013, message: 'Missing Permissions' });
		await client.rest.post(Routes.channelMessages(GENERAL), { body: { content: 'log line' } });
		expect(emu.channelMessages(ART).map((r) => r.status)).toEqual([403]);
		expect(emu.channelMessages(GENERAL).map((r) => r.status)).toEqual([200]);
	});

	it('deletes a channel message once; then 10008 Unknown Message', async () => {
		const { emu, client } = await start();
		const channel = (await client.channels.fetch(GENERAL)) as TextChannel;
		const sent = await channel.send('to delete');
		expect(emu.message(sent.id)?.content).toBe('to delete');
		await sent.delete();
		expect(emu.deleted(sent.id)).toBe(true);
		expect(emu.message(sent.id)).toBeUndefined();
		const again = await restError(client.rest.delete(Routes.channelMessage(GENERAL, sent.id)));
		expect(again).toMatchObject({ status: 404, code: 10008 });
		expect((await restError(client.rest.delete(Routes.channelMessage(GENERAL, '123')))).code).toBe(10008);
	});

	it('sends member roles, resolved roles and channels, and the real channel of the interaction', async () => {
		const { emu, client } = await start();
		const raw: unknown[] = [];
		client.on(Events.Raw, (packet: { t?: string; d?: unknown }) => {
			if (packet.t === 'INTERACTION_CREATE') raw.push(packet.d);
		});
		const command = next(client, isCommand);
		emu.sendInteraction({
			commandName: 'limit',
			channelId: ART,
			memberRoles: ['600000000000000001'],
			options: [
				{ name: 'role', type: 8, value: '600000000000000002' },
				{ name: 'channel', type: 7, value: GENERAL },
			],
			resolvedRoles: [{ id: '600000000000000002', name: 'Artists' }],
		});
		const interaction = await command;
		expect(interaction.options.getRole('role')?.name).toBe('Artists');
		expect(interaction.options.getChannel('channel')?.name).toBe('general');
		// The roles exist in the guild (GUILD_ROLE_CREATE came first), so discord.js's member role cache has them.
		expect((interaction.member as GuildMember).roles.cache.has('600000000000000001')).toBe(true);
		expect(raw).toMatchObject([
			{
				channel_id: ART,
				channel: { id: ART, name: 'channel-1', position: 1, guild_id: GUILD_ID },
				member: { roles: ['600000000000000001'] },
				data: {
					resolved: {
						roles: { '600000000000000002': { name: 'Artists', position: 1, permissions: '0', color: 0 } },
						channels: { [GENERAL]: { id: GENERAL, name: 'general', type: 0, permissions: expect.any(String) as string } },
					},
				},
			},
		]);
	});
});
