/**
 * The OpenAPI referee: operations found from the paths the bot requests, today's payload shapes accepted, each
 * kind of mistake refused readably, and the Discord emulator answering refused bodies with 400 50035.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { assertSpecValid } from '../e2e/harness.js';
import { type DiscordEmulator, startDiscordEmulator } from '../emulators/discord/index.js';
import { findOperation, formatPath, specErrors, specIssues } from './discord-openapi.js';

const CALLBACK = '/api/v10/interactions/123/tok/callback';
const ORIGINAL = '/api/v10/webhooks/1/tok/messages/@original';
const CARD = {
	flags: 1 << 15,
	attachments: [{ id: '0' }, { id: '1' }],
	components: [
		{
			type: 17,
			accent_color: 0x5865f2,
			components: [
				{ type: 12, items: [{ media: { url: 'attachment://a.png' } }, { media: { url: 'attachment://b.png' }, description: 'fox' }] },
				{ type: 10, content: '**a fox** · photo · 1:1' },
				{ type: 14, divider: true, spacing: 1 },
				{ type: 1, components: [{ type: 2, style: 2, custom_id: 'reroll:1', label: 'Reroll' }] },
			],
		},
	],
};

describe('discord OpenAPI spec: operations', () => {
	it('maps the paths the bot requests to spec operations, literal segments first', () => {
		expect(findOperation('POST', CALLBACK)?.id).toBe('create_interaction_response');
		expect(findOperation('PATCH', ORIGINAL)).toMatchObject({
			id: 'update_original_webhook_message',
			template: '/webhooks/{webhook_id}/{webhook_token}/messages/@original',
		});
		expect(findOperation('PATCH', '/api/v10/webhooks/1/tok/messages/%40original')?.id).toBe('update_original_webhook_message');
		expect(findOperation('PATCH', '/v10/webhooks/1/tok/messages/99')?.id).toBe('update_webhook_message');
		expect(findOperation('POST', '/api/v10/webhooks/1/tok?wait=true')?.id).toBe('execute_webhook');
		expect(findOperation('POST', '/api/v10/channels/1/messages')?.id).toBe('create_message');
		expect(findOperation('PUT', '/api/v10/applications/1/commands')?.id).toBe('bulk_set_application_commands');
		expect(findOperation('POST', '/api/v10/nowhere')).toBeUndefined();
		expect(specIssues('GET', '/api/v10/users/@me', { any: 'thing' })).toBeUndefined();
	});
});

describe('discord OpenAPI spec: bodies', () => {
	it("accepts the shapes the bot sends today and the result card's Components V2 layout", () => {
		const valid: Array<[string, string, unknown]> = [
			['POST', CALLBACK, { type: 5, data: { flags: 64 } }],
			['POST', CALLBACK, { type: 4, data: { content: 'Budget left: $1.20', flags: 64, embeds: [{ title: 'Usage', color: 0x5865f2 }] } }],
			['POST', CALLBACK, { type: 8, data: { choices: [{ name: 'Photo', value: 'photo' }] } }],
			[
				'POST',
				CALLBACK,
				{
					type: 9,
					data: { custom_id: 'remix', title: 'Remix', components: [{ type: 18, label: 'Prompt', component: { type: 4, custom_id: 'p', style: 2 } }] },
				},
			],
			[
				'PATCH',
				ORIGINAL,
				{ content: 'done', attachments: [{ id: '0' }], components: [{ type: 1, components: [{ type: 2, style: 4, custom_id: 'delete:1', label: 'Delete' }] }] },
			],
			['PATCH', ORIGINAL, CARD],
			['POST', '/api/v10/channels/1/messages', { content: 'log line', allowed_mentions: { parse: [] } }],
			[
				'PUT',
				'/api/v10/applications/1/commands',
				[{ name: 'imagine', description: 'Make an image', options: [{ type: 3, name: 'prompt', description: 'What', required: true, autocomplete: false }] }],
			],
		];
		for (const [method, path, body] of valid) expect(specErrors(method, path, body), `${method} ${path}`).toEqual([]);
	});

	it('accepts int-parseable strings for int fields, as Discord does', () => {
		expect(specErrors('POST', CALLBACK, { type: 4, data: { content: 'x', flags: '64' } })).toEqual([]);
		expect(specErrors('POST', CALLBACK, { type: 4, data: { content: 'x', flags: 'sixty-four' } })).toEqual([
			'create_interaction_response: data.flags: should be integer,null [NUMBER_TYPE_COERCE]',
		]);
	});

	it('refuses each kind of mistake with the path, a Discord-style code and a readable message', () => {
		expect(specIssues('POST', CALLBACK, { type: 4, data: { content: 'x'.repeat(2001) } })).toEqual([
			{ path: ['data', 'content'], code: 'BASE_TYPE_MAX_LENGTH', message: 'should NOT be longer than 2000 characters' },
		]);
		const choices = Array.from({ length: 26 }, (_, i) => ({ name: `style ${i}`, value: `s${i}` }));
		expect(specIssues('POST', CALLBACK, { type: 8, data: { choices } })).toMatchObject([{ path: ['data', 'choices'], code: 'BASE_TYPE_MAX_LENGTH' }]);
		expect(specIssues('POST', CALLBACK, { type: 77 })).toMatchObject([{ path: ['type'], code: 'UNION_TYPE_CHOICES' }]);
		expect(specIssues('POST', CALLBACK, { data: {} })).toEqual(
			expect.arrayContaining([expect.objectContaining({ path: ['type'], code: 'BASE_TYPE_REQUIRED' })]),
		);

		const emptyGallery = { flags: 1 << 15, components: [{ type: 17, components: [{ type: 12, items: [] }] }] };
		expect(specErrors('PATCH', ORIGINAL, emptyGallery)).toEqual([
			'update_original_webhook_message: components[0].components[0].items: should NOT have fewer than 1 items [BASE_TYPE_MIN_LENGTH]',
		]);
		const wrong = {
			components: [
				{
					type: 17,
					accent_color: 0x1000000,
					components: [
						{ type: 10, content: '' },
						{ type: 3, custom_id: 'x', options: [] },
					],
				},
			],
		};
		expect(specIssues('PATCH', ORIGINAL, wrong)).toEqual([
			{ path: ['components', 0, 'accent_color'], code: 'NUMBER_TYPE_MAX', message: 'should be <= 16777215' },
			{ path: ['components', 0, 'components', 0, 'content'], code: 'BASE_TYPE_MIN_LENGTH', message: 'should NOT be shorter than 1 characters' },
			{ path: ['components', 0, 'components', 1, 'type'], code: 'UNION_TYPE_CHOICES', message: 'value 3 matches none of the allowed types' },
		]);
		const button = { components: [{ type: 1, components: [{ type: 2, custom_id: 'x', label: 'y'.repeat(81) }] }] };
		expect(specIssues('POST', '/api/v10/channels/1/messages', button)).toEqual([
			{ path: ['components', 0, 'components', 0, 'style'], code: 'BASE_TYPE_REQUIRED', message: 'This field is required' },
			{ path: ['components', 0, 'components', 0, 'label'], code: 'BASE_TYPE_MAX_LENGTH', message: 'should NOT be longer than 80 characters' },
		]);
		expect(specErrors('PUT', '/api/v10/applications/1/commands', [{ name: 'imagine', description: 'd'.repeat(101) }])).toEqual([
			'bulk_set_application_commands: [0].description: should NOT be longer than 100 characters [BASE_TYPE_MAX_LENGTH]',
		]);
		expect(formatPath([])).toBe('(body)');
	});
});

describe('discord emulator with the spec check on', () => {
	let emu: DiscordEmulator | undefined;
	afterEach(async () => {
		await emu?.close();
	});

	it("answers a body the spec refuses with Discord's 400 50035 and lists it in invalidPayloads()", async () => {
		emu = await startDiscordEmulator({ token: 'token', applicationId: '100000000000000042', checkBody: specIssues });
		const channelId = emu.guilds[0]!.channelIds[0]!;
		const post = (body: unknown) =>
			fetch(`${emu!.apiUrl}/v10/channels/${channelId}/messages`, {
				method: 'POST',
				headers: { authorization: 'Bot token', 'content-type': 'application/json' },
				body: JSON.stringify(body),
			});
		const bad = await post({ content: 'x', embeds: [{ title: 't'.repeat(257) }] });
		expect(bad.status).toBe(400);
		expect(await bad.json()).toEqual({
			code: 50035,
			message: 'Invalid Form Body',
			errors: { embeds: { 0: { title: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'should NOT be longer than 256 characters' }] } } } },
		});
		expect((await post({ content: 'fine' })).status).toBe(200);

		const form = new FormData();
		form.append('files[0]', new Blob([Buffer.from('x')], { type: 'text/plain' }), 'a.txt');
		form.append('payload_json', JSON.stringify({ content: 7 }));
		const multipart = await fetch(`${emu.apiUrl}/v10/channels/${channelId}/messages`, { method: 'POST', headers: { authorization: 'Bot token' }, body: form });
		expect(multipart.status).toBe(400);

		expect(emu.invalidPayloads().map((r) => [r.status, r.bodyIssues?.map((i) => formatPath(i.path))])).toEqual([
			[400, ['embeds[0].title']],
			[400, ['content']],
		]);
		// What world.close() runs after every e2e file.
		expect(() => assertSpecValid(emu!)).toThrow(
			/refused 2 request bodies the bot sent:\n {2}POST \/v10\/channels\/\d+\/messages: embeds\[0\]\.title: should NOT be longer/,
		);
	});
});
