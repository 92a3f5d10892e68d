/**
 * Components V2 in the Discord emulator, driven by a real discord.js client: a valid card is accepted and stored
 * as sent (attachment:// media resolved as Discord does), its nested buttons are clickable, and each rule Discord
 * documents for IS_COMPONENTS_V2 messages is refused with 400 50035.
 */
import { AttachmentBuilder, type ButtonInteraction, type ChatInputCommandInteraction, DiscordAPIError, MessageFlags, Routes } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { makePng } from '../png.js';
import { nextInteraction, startWithClient } from './test-client.js';

const GUILD_ID = '500000000000000001';
const CHANNEL = '500000000000000010';
const V2 = MessageFlags.IsComponentsV2;
const PNG = makePng(4, 3);

const button = (id: string, label: string) => ({ type: 2, style: 2, custom_id: id, label });
const text = (content: string) => ({ type: 10, content });
const gallery = (...urls: string[]) => ({ type: 12, items: urls.map((url) => ({ media: { url } })) });
/** The result card the issue describes: a Container with a gallery of the images, the prompt line and the buttons. */
const card = (...names: string[]) => ({
	type: 17,
	accent_color: 0x5865f2,
	components: [
		gallery(...names.map((n) => `attachment://${n}`)),
		text('**a red fox** · photo · 1:1 · $0.04'),
		{ type: 14, divider: true, spacing: 1 },
		{ type: 1, components: [button('reroll:1', 'Reroll'), button('remix:1', 'Remix'), { ...button('delete:1', 'Delete'), style: 4 }] },
	],
});

describe('discord emulator: Components V2', () => {
	it('accepts the result card on an edited deferral, stores it as sent with media resolved, and its nested buttons click', async () => {
		const { emu, client } = await startWithClient({ guilds: [{ id: GUILD_ID, channelIds: [CHANNEL] }] });
		const command = nextInteraction(client, (i): i is ChatInputCommandInteraction => i.isChatInputCommand());
		const sent = emu.sendInteraction({ commandName: 'imagine' });
		const interaction = await command;
		await interaction.deferReply();
		const files = ['a.png', 'b.png'].map((name) => new AttachmentBuilder(PNG, { name }));
		const reply = await interaction.editReply({ flags: V2, components: [card('a.png', 'b.png')], files });
		expect(reply.flags.has(V2)).toBe(true);

		const stored = emu.originalMessage(sent.id)!;
		expect(stored).toMatchObject({ content: '', embeds: [], flags: V2 });
		const [a, b] = stored.attachments;
		expect(stored.components).toMatchObject([
			{
				type: 17,
				id: 1,
				accent_color: 0x5865f2,
				spoiler: false,
				components: [
					{
						type: 12,
						items: [
							{
								media: { url: a!.url, proxy_url: a!.proxy_url, width: 4, height: 3, content_type: 'image/png', attachment_id: a!.id },
								description: null,
								spoiler: false,
							},
							{ media: { url: b!.url, attachment_id: b!.id } },
						],
					},
					{ type: 10, content: '**a red fox** · photo · 1:1 · $0.04' },
					{ type: 14, divider: true, spacing: 1 },
					{ type: 1, components: [{ custom_id: 'reroll:1' }, { custom_id: 'remix:1' }, { custom_id: 'delete:1', style: 4 }] },
				],
			},
		]);

		const clicked = nextInteraction(client, (i): i is ButtonInteraction => i.isButton());
		emu.clickButton({ messageId: stored.id, customId: 'remix:1' });
		expect((await clicked).customId).toBe('remix:1');
	});

	it('stores sections (text + thumbnail or button accessory), files and external media on a channel message', async () => {
		const { emu, client } = await startWithClient({ guilds: [{ id: GUILD_ID, channelIds: [CHANNEL] }] });
		const components = [
			{ type: 9, components: [text('Style: photo')], accessory: { type: 11, media: { url: 'attachment://thumb.png' }, description: 'fox' } },
			{ type: 9, components: [text('one'), text('two'), text('three')], accessory: button('again:1', 'Again') },
			{ type: 13, file: { url: 'attachment://thumb.png' }, spoiler: true },
			gallery('https://cdn.example.com/fox.png'),
		];
		const message = (await client.rest.post(Routes.channelMessages(CHANNEL), {
			body: { flags: V2, components },
			files: [{ name: 'thumb.png', data: PNG, contentType: 'image/png' }],
		})) as { id: string };
		const stored = emu.message(message.id)!;
		const thumb = stored.attachments[0]!;
		expect(stored.components).toMatchObject([
			{ type: 9, components: [{ content: 'Style: photo' }], accessory: { type: 11, description: 'fox', spoiler: false, media: { attachment_id: thumb.id } } },
			{ type: 9, components: [{ content: 'one' }, { content: 'two' }, { content: 'three' }], accessory: { custom_id: 'again:1' } },
			{ type: 13, spoiler: true, name: 'thumb.png', size: PNG.length, file: { url: thumb.url, attachment_id: thumb.id } },
			{ type: 12, items: [{ media: { url: 'https://cdn.example.com/fox.png' } }] },
		]);
		expect(emu.clickButton({ messageId: message.id, customId: 'again:1' }).id).toBeTruthy();
	});

	it('refuses every documented violation with 400 50035 at the offending path', async () => {
		const { emu, client } = await startWithClient({ guilds: [{ id: GUILD_ID, channelIds: [CHANNEL] }] });
		const post = async (body: object, names: string[] = []): Promise<unknown> => {
			const files = names.map((name) => ({ name, data: PNG, contentType: 'image/png' }));
			const error: unknown = await client.rest.post(Routes.channelMessages(CHANNEL), { body, files }).then(
				() => null,
				(e: unknown) => e,
			);
			expect(error, JSON.stringify(body).slice(0, 120)).toBeInstanceOf(DiscordAPIError);
			expect(error).toMatchObject({ status: 400, code: 50035 });
			return (error as DiscordAPIError).rawError;
		};
		const v2 = (...components: object[]) => ({ flags: V2, components });
		const at = (path: Array<string | number>, code: string) => {
			let errors: object = { _errors: [{ code }] };
			for (const key of [...path].reverse()) errors = { [key]: errors };
			return { errors };
		};
		const many = (n: number) => Array.from({ length: n }, (_, i) => text(`line ${i}`));

		expect(await post({ ...v2(text('hi')), content: 'hello' })).toMatchObject(at(['content'], 'MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2'));
		expect(await post({ ...v2(text('hi')), embeds: [{ title: 'x' }] })).toMatchObject(at(['embeds'], 'MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2'));
		expect(await post(v2({ type: 11, media: { url: 'https://example.com/a.png' } }))).toMatchObject(at(['components', 0, 'type'], 'COMPONENT_TYPE_INVALID'));
		expect(await post(v2({ type: 17, components: [card('a.png')] }), ['a.png'])).toMatchObject(
			at(['components', 0, 'components', 0, 'type'], 'COMPONENT_TYPE_INVALID'),
		);
		expect(await post(v2({ type: 17, components: [] }))).toMatchObject(at(['components', 0, 'components'], 'BASE_TYPE_BAD_LENGTH'));
		expect(await post(v2(...many(41)))).toMatchObject(at(['components'], 'MESSAGE_COMPONENTS_TOTAL_MAX_EXCEEDED'));
		// 1 container + 39 text displays = 40 is fine; a row of 2 buttons inside makes 43.
		await expect(client.rest.post(Routes.channelMessages(CHANNEL), { body: v2({ type: 17, components: many(39) }) })).resolves.toBeTruthy();
		const nested = { type: 17, components: [...many(38), { type: 1, components: [button('x', 'x'), button('y', 'y')] }] };
		expect(await post(v2(nested))).toMatchObject(at(['components'], 'MESSAGE_COMPONENTS_TOTAL_MAX_EXCEEDED'));
		expect(await post(v2(gallery()))).toMatchObject(at(['components', 0, 'items'], 'BASE_TYPE_BAD_LENGTH'));
		expect(await post(v2(gallery(...Array.from({ length: 11 }, (_, i) => `https://example.com/${i}.png`))))).toMatchObject(
			at(['components', 0, 'items'], 'BASE_TYPE_BAD_LENGTH'),
		);
		expect(await post(v2({ type: 12, items: [{ description: 'no media' }] }))).toMatchObject(at(['components', 0, 'items', 0, 'media'], 'BASE_TYPE_REQUIRED'));
		expect(await post(v2({ type: 12, items: [{ media: { url: 'ftp://x' } }] }))).toMatchObject(
			at(['components', 0, 'items', 0, 'media', 'url'], 'URL_TYPE_INVALID_URL'),
		);
		expect(await post(v2(text('')))).toMatchObject(at(['components', 0, 'content'], 'BASE_TYPE_BAD_LENGTH'));
		expect(await post(v2(text('x'.repeat(4001))))).toMatchObject(at(['components', 0, 'content'], 'BASE_TYPE_BAD_LENGTH'));
		expect(await post(v2(text('x'.repeat(2500)), text('y'.repeat(2500))))).toMatchObject(at(['components'], 'MESSAGE_COMPONENTS_TEXT_MAX_LENGTH'));
		for (const accent of [0x1000000, -1, 'red']) {
			expect(await post(v2({ type: 17, accent_color: accent, components: [text('x')] }))).toMatchObject({
				errors: { components: { 0: { accent_color: {} } } },
			});
		}
		expect(await post(v2({ type: 9, components: many(4), accessory: button('a', 'a') }))).toMatchObject(
			at(['components', 0, 'components'], 'BASE_TYPE_BAD_LENGTH'),
		);
		expect(await post(v2({ type: 9, components: [text('x')] }))).toMatchObject(at(['components', 0, 'accessory'], 'BASE_TYPE_REQUIRED'));
		const select = { type: 3, custom_id: 's', options: [{ label: 'a', value: 'a' }] };
		expect(await post(v2({ type: 9, components: [text('x')], accessory: select }))).toMatchObject(
			at(['components', 0, 'accessory', 'type'], 'COMPONENT_TYPE_INVALID'),
		);
		expect(await post(v2({ type: 14, spacing: 3 }))).toMatchObject(at(['components', 0, 'spacing'], 'BASE_TYPE_CHOICES'));
		expect(await post(v2(gallery('attachment://missing.png')), ['a.png'])).toMatchObject(
			at(['components', 0, 'items', 0, 'media', 'url'], 'UNFURLED_MEDIA_ATTACHMENT_NOT_FOUND'),
		);
		expect(await post(v2({ type: 13, file: { url: 'https://example.com/a.zip' } }))).toMatchObject(
			at(['components', 0, 'file', 'url'], 'UNFURLED_MEDIA_ATTACHMENT_REQUIRED'),
		);
		expect(
			await post(v2(text('a'), { type: 1, components: [button('same', 'a')] }, { type: 9, components: [text('b')], accessory: button('same', 'b') })),
		).toMatchObject(at(['components', 2, 'accessory', 'custom_id'], 'COMPONENT_CUSTOM_ID_DUPLICATED'));
		// Without the flag, V2 layouts are not components a message may hold.
		expect(await post({ components: [card('a.png')] }, ['a.png'])).toMatchObject(at(['components', 0, 'type'], 'COMPONENT_TYPE_INVALID'));
		expect(emu.channelMessages(CHANNEL).filter((r) => r.status === 200)).toHaveLength(1);
	});

	it('an edit may set the flag only with content and embeds cleared, and can never unset it', async () => {
		const { emu, client } = await startWithClient({ guilds: [{ id: GUILD_ID, channelIds: [CHANNEL] }] });
		const command = nextInteraction(client, (i): i is ChatInputCommandInteraction => i.isChatInputCommand());
		const sent = emu.sendInteraction({ commandName: 'imagine' });
		const interaction = await command;
		await expect(interaction.deferReply({ flags: V2 as number as MessageFlags.Ephemeral })).rejects.toMatchObject({ code: 50035 });
		await interaction.reply({ content: '2 of 4 ready' });

		const files = [new AttachmentBuilder(PNG, { name: 'a.png' })];
		await expect(interaction.editReply({ flags: V2, components: [card('a.png')], files })).rejects.toMatchObject({
			rawError: { errors: { content: { _errors: [{ code: 'MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2' }] } } },
		});
		expect(emu.originalMessage(sent.id)).toMatchObject({ content: '2 of 4 ready', flags: 0 });
		await interaction.editReply({ content: null, flags: V2, components: [card('a.png')], files });
		expect(emu.originalMessage(sent.id)).toMatchObject({ content: '', flags: V2 });

		await expect(interaction.editReply({ content: 'back to text', flags: 0 as MessageFlags.SuppressEmbeds, components: [] })).rejects.toMatchObject({
			rawError: { errors: { content: {} } },
		});
		// Edits that omit components keep the card, and attachment:// may name a file the edit keeps.
		await interaction.editReply({ components: [card('a.png')] });
		expect(emu.originalMessage(sent.id)).toMatchObject({ flags: V2, components: [{ type: 17 }] });
		expect(emu.edits(sent.id).map((r) => r.status)).toEqual([400, 200, 400, 200]);
	});
});
