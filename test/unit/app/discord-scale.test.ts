// The bot's Discord client options (src/discord-scale.ts) with the real discord.js client against the emulator in
// 2,600 realistic guilds: Discord's shard count, no intents, no caches, and every interaction field the bot reads
// still there, from every shard and from DMs.
import { once } from 'node:events';
import { Client, Events, PermissionFlagsBits, type ChatInputCommandInteraction } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { shardOf as emulatorShardOf, startDiscordEmulator, type DiscordEmulator } from '../../emulators/discord/index.js';
import { scaleOptions, shardOf } from '../../../src/app/discord-scale.js';

const TOKEN = 'MTAwMDAwMDAwMDAwMDAwMDQy.emulator.test-token';
const APP_ID = '100000000000000042';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function login(emu: DiscordEmulator, config: { shardCount?: number; shardIds?: number[] } = {}): Promise<Client> {
	const client = new Client({ rest: { api: emu.apiUrl }, ...scaleOptions({ shardCount: config.shardCount, shardIds: config.shardIds }) });
	cleanups.push(() => client.destroy());
	const ready = once(client, Events.ClientReady);
	await client.login(TOKEN);
	await ready;
	return client;
}

function next(client: Client): Promise<ChatInputCommandInteraction> {
	return new Promise((resolve) =>
		client.once(Events.InteractionCreate, (i) => {
			if (i.isChatInputCommand()) resolve(i);
		}),
	);
}

describe('bot client at scale', () => {
	it('runs Discord’s recommended shards with no intents and no caches; every interaction field the bot reads is there', async () => {
		const emu = await startDiscordEmulator({ token: TOKEN, applicationId: APP_ID, scale: { guilds: 2600 }, maxConcurrency: 16 });
		cleanups.push(() => emu.close());
		const client = await login(emu);
		expect(client.options.shardCount).toBe(3);
		expect(emu.identifies.map((d) => (d as { shard: number[]; intents: number }).shard).sort()).toEqual([
			[0, 3],
			[1, 3],
			[2, 3],
		]);
		expect(emu.identifies.every((d) => (d as { intents: number }).intents === 0)).toBe(true);
		expect(emu.sessions().every((s) => s.live)).toBe(true);

		// A guild on the last shard: guild, member roles and permissions all come from the payload.
		const guild = emu.guilds.find((g) => emulatorShardOf(g.id, 3) === 2);
		if (!guild) throw new Error('no guild on shard 2');
		expect(shardOf(guild.id, 3)).toBe(2);
		const received = next(client);
		const sent = emu.sendInteraction({
			commandName: 'budget',
			guildId: guild.id,
			channelId: guild.channelIds[3] ?? '',
			user: { id: '500000000000000001', username: 'mod' },
			permissions: String(PermissionFlagsBits.ManageGuild | PermissionFlagsBits.ViewChannel),
			options: [{ name: 'user', type: 6, value: '500000000000000002' }],
		});
		const interaction = await received;
		expect(interaction.id).toBe(sent.id);
		expect(interaction.guildId).toBe(guild.id);
		expect(interaction.channelId).toBe(guild.channelIds[3]);
		expect(interaction.inGuild()).toBe(true);
		expect(interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)).toBe(true);
		expect(interaction.appPermissions.has([PermissionFlagsBits.SendMessages, PermissionFlagsBits.AttachFiles])).toBe(true);
		expect(Array.isArray(interaction.member?.roles)).toBe(true); // the raw member: role ids, no cache needed
		expect(interaction.options.getUser('user')?.id).toBe('500000000000000002');
		expect(interaction.guild).toBeNull();
		expect(interaction.channel).toBeNull();
		await interaction.reply({ content: 'ok' });
		expect(emu.callbacks(sent.id)).toMatchObject([{ status: 204 }]);

		// DMs arrive on shard 0.
		const dmReceived = next(client);
		const dm = emu.sendInteraction({ commandName: 'usage', guildId: null, user: { id: '500000000000000003' } });
		const dmInteraction = await dmReceived;
		expect(dmInteraction.id).toBe(dm.id);
		expect(dmInteraction.guildId).toBeNull();
		expect(dmInteraction.member).toBeNull();

		// Nothing cached, whatever arrived.
		expect(client.guilds.cache.size).toBe(0);
		expect(client.channels.cache.size).toBe(0);
		expect(client.users.cache.size).toBeLessThanOrEqual(1); // the bot itself
	});

	it('runs only the pinned shards with SHARD_COUNT and SHARD_IDS', async () => {
		const emu = await startDiscordEmulator({ token: TOKEN, applicationId: APP_ID, scale: { guilds: 2600 }, maxConcurrency: 16 });
		cleanups.push(() => emu.close());
		const client = await login(emu, { shardCount: 4, shardIds: [1, 3] });
		expect([...client.ws.shards.keys()].sort()).toEqual([1, 3]);
		expect(emu.sessions().map((s) => s.shard)).toEqual(
			expect.arrayContaining([
				[1, 4],
				[3, 4],
			]),
		);
		expect(emu.sessions()).toHaveLength(2);
	});
});
