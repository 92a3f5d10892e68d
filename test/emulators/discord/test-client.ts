// What the emulator's own tests share: the emulator and a real discord.js client logged in to it, closed after
// each test, and waiting for the next interaction of a kind.
import { once } from 'node:events';
import { Client, Events, GatewayIntentBits, type Interaction } from 'discord.js';
import { afterEach } from 'vitest';
import { type DiscordEmulator, type DiscordEmulatorOptions, startDiscordEmulator } from './index.js';

export const TOKEN = 'MTAwMDAwMDAwMDAwMDAwMDQy.emulator.test-token';
export const APP_ID = '100000000000000042';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** An emulator and a connected discord.js client; both are closed after the test. */
export async function startWithClient(options: Partial<DiscordEmulatorOptions> = {}): Promise<{ emu: DiscordEmulator; client: Client }> {
	const emu = await startDiscordEmulator({ token: TOKEN, applicationId: APP_ID, ...options });
	cleanups.push(() => emu.close());
	const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: emu.apiUrl } });
	cleanups.push(() => client.destroy());
	const ready = once(client, Events.ClientReady);
	await client.login(TOKEN);
	await ready;
	return { emu, client };
}

/** The next interaction the client receives that `accept` takes. */
export function nextInteraction<T extends Interaction>(client: Client, accept: (i: Interaction) => i is T): Promise<T> {
	return new Promise((resolve) => {
		const listener = (interaction: Interaction): void => {
			if (!accept(interaction)) return;
			client.off(Events.InteractionCreate, listener);
			resolve(interaction);
		};
		client.on(Events.InteractionCreate, listener);
	});
}
