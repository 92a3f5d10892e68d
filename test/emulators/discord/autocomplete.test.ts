/**
 * Autocomplete in the Discord emulator, driven by a real discord.js client: APPLICATION_COMMAND_AUTOCOMPLETE
 * reaches discord.js with the focused option, only callback type 8 with valid choices is accepted, and the 3 s
 * window and single acknowledgement hold as for commands.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from 'discord.js';
import { type AutocompleteInteraction, type ChatInputCommandInteraction, DiscordAPIError, type Interaction, Routes } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { nextInteraction, startWithClient } from './test-client.js';

const isAutocomplete = (i: Interaction): i is AutocompleteInteraction => i.isAutocomplete();

const typing = (value: string) => ({
	commandName: 'imagine',
	options: [
		{ name: 'prompt', type: 3, value: 'a fox' },
		{ name: 'style', type: 3, value, focused: true },
	],
});

/** The callback's error as discord.js reports it. */
async function refused(client: Client, id: string, token: string, body: object): Promise<DiscordAPIError> {
	const error: unknown = await client.rest.post(Routes.interactionCallback(id, token), { body, auth: false }).then(
		() => null,
		(e: unknown) => e,
	);
	expect(error, JSON.stringify(body).slice(0, 100)).toBeInstanceOf(DiscordAPIError);
	return error as DiscordAPIError;
}

describe('discord emulator: autocomplete', () => {
	it('delivers the focused option to discord.js and records the choices of the type 8 answer', async () => {
		const { emu, client } = await startWithClient();
		const received = nextInteraction(client, isAutocomplete);
		const sent = emu.sendAutocomplete({ ...typing('ph'), user: { id: '200000000000000009', username: 'ann' } });
		const interaction = await received;
		expect(interaction.id).toBe(sent.id);
		expect(interaction.commandName).toBe('imagine');
		expect(interaction.options.getFocused(true)).toMatchObject({ name: 'style', value: 'ph' });
		expect(interaction.options.getString('prompt')).toBe('a fox');
		expect(interaction.user.id).toBe('200000000000000009');

		await interaction.respond([
			{ name: 'Photo', value: 'photo' },
			{ name: 'Pixel art', value: 'pixel-art' },
		]);
		expect(emu.callbacks(sent.id)).toMatchObject([{ status: 204, json: { type: 8 } }]);
		expect(emu.autocompleteChoices(sent.id)).toEqual([
			{ name: 'Photo', value: 'photo' },
			{ name: 'Pixel art', value: 'pixel-art' },
		]);
		expect(emu.originalMessage(sent.id)).toBeUndefined();
		const again = await refused(client, sent.id, sent.token, { type: 8, data: { choices: [] } });
		expect(again).toMatchObject({ status: 400, code: 40060 });

		const numeric = nextInteraction(client, isAutocomplete);
		const count = emu.sendAutocomplete({ commandName: 'imagine', options: [{ name: 'count', type: 4, value: '3', focused: true }] });
		await (await numeric).respond([{ name: '3 images', value: 3 }]);
		expect(emu.autocompleteChoices(count.id)).toEqual([{ name: '3 images', value: 3 }]);
	});

	it('accepts only callback type 8 with at most 25 well-formed choices of the focused type', async () => {
		const { emu, client } = await startWithClient();
		const received = nextInteraction(client, isAutocomplete);
		const sent = emu.sendAutocomplete(typing(''));
		await received;
		const post = (body: object) => refused(client, sent.id, sent.token, body);
		const code = async (body: object) => ((await post(body)).rawError as { errors?: unknown }).errors;

		for (const type of [4, 5, 6, 7, 9]) {
			expect(await code({ type, data: { content: 'x', custom_id: 'm', title: 't', components: [] } })).toMatchObject({
				type: { _errors: [{ code: 'INTERACTION_RESPONSE_TYPE_INVALID' }] },
			});
		}
		const choices = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `style ${i}`, value: `s${i}` }));
		expect(await code({ type: 8, data: { choices: choices(26) } })).toMatchObject({ data: { choices: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH' }] } } });
		for (const name of ['', 'n'.repeat(101)]) {
			expect(await code({ type: 8, data: { choices: [{ name, value: 'v' }] } })).toMatchObject({ data: { choices: { 0: { name: {} } } } });
		}
		for (const value of [3, 'v'.repeat(101), null]) {
			expect(await code({ type: 8, data: { choices: [{ name: 'n', value }] } })).toMatchObject({ data: { choices: { 0: { value: {} } } } });
		}
		expect(emu.callbacks(sent.id).every((r) => r.status === 400)).toBe(true);
		// Refused answers do not acknowledge: a valid one still lands.
		await client.rest.post(Routes.interactionCallback(sent.id, sent.token), { body: { type: 8, data: { choices: choices(25) } }, auth: false });
		expect(emu.autocompleteChoices(sent.id)).toHaveLength(25);

		const integer = nextInteraction(client, isAutocomplete);
		const count = emu.sendAutocomplete({ commandName: 'imagine', options: [{ name: 'count', type: 4, value: '', focused: true }] });
		await integer;
		for (const value of ['3', 1.5]) {
			const error = await refused(client, count.id, count.token, { type: 8, data: { choices: [{ name: 'n', value }] } });
			expect(error.rawError).toMatchObject({ errors: { data: { choices: { 0: { value: { _errors: [{ code: 'NUMBER_TYPE_COERCE' }] } } } } } });
		}
	});

	it('refuses type 8 for a command, and an answer after the 3 s window', async () => {
		const { emu, client } = await startWithClient();
		const command = nextInteraction(client, (i): i is ChatInputCommandInteraction => i.isChatInputCommand());
		const sent = emu.sendInteraction({ commandName: 'imagine' });
		await command;
		const wrong = await refused(client, sent.id, sent.token, { type: 8, data: { choices: [] } });
		expect(wrong.rawError).toMatchObject({ errors: { type: { _errors: [{ code: 'INTERACTION_RESPONSE_TYPE_INVALID' }] } } });

		const received = nextInteraction(client, isAutocomplete);
		const late = emu.sendAutocomplete(typing('wa'));
		await received;
		await sleep(3_100);
		expect(await refused(client, late.id, late.token, { type: 8, data: { choices: [] } })).toMatchObject({ status: 404, code: 10062 });
		expect(emu.autocompleteChoices(late.id)).toBeUndefined();
	});

	it('only sends what the Discord client could: one focused STRING, INTEGER or NUMBER option', async () => {
		const { emu } = await startWithClient();
		expect(() => emu.sendAutocomplete({ commandName: 'imagine', options: [{ name: 'prompt', type: 3, value: 'x' }] })).toThrow(/exactly one option/);
		const two = [
			{ name: 'a', type: 3, value: 'x', focused: true },
			{ name: 'b', type: 3, value: 'y', focused: true },
		];
		expect(() => emu.sendAutocomplete({ commandName: 'imagine', options: two })).toThrow(/got 2/);
		expect(() => emu.sendAutocomplete({ commandName: 'imagine', options: [{ name: 'private', type: 5, value: true, focused: true } as never] })).toThrow(
			/cannot autocomplete/,
		);
		const nested = [{ name: 'add', type: 1, options: [{ name: 'name', type: 3, value: 'wa', focused: true }] }];
		expect(emu.sendAutocomplete({ commandName: 'style', options: nested }).id).toBeTruthy();
	});
});
