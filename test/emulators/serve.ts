// `npm run emulators`: both emulators on 127.0.0.1 for working on the bot by hand, no accounts needed.
// Writes .env.emulators (the settings that point the bot here), then reads commands from the terminal
// and prints what the bot sends back to "Discord".
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import type { APIApplicationCommandInteractionDataOption } from 'discord.js';
import { startDiscordEmulator } from './discord/index.js';
import { startHiapiEmulator } from './hiapi.js';

const APP_ID = '1100000000000000001';
const TOKEN = `${Buffer.from(APP_ID).toString('base64')}.dev.${randomBytes(28).toString('base64url')}`;
const HIAPI_KEY = `hk-dev-${randomBytes(12).toString('hex')}`;
const USER = { id: '500000000000000001', username: 'dev-member' };

const discord = await startDiscordEmulator({ token: TOKEN, applicationId: APP_ID });
const hiapi = await startHiapiEmulator({ apiKey: HIAPI_KEY });
hiapi.setDefault({ durationMs: 4000 });

const env = {
	DISCORD_TOKEN: TOKEN,
	DISCORD_API_URL: discord.apiUrl,
	HIAPI_API_KEY: HIAPI_KEY,
	HIAPI_BASE_URL: hiapi.url,
	HIAPI_PRICING_URL: hiapi.pricingUrl,
	// The emulator's CDN is plain http on 127.0.0.1, which the bot downloads from only when listed.
	HIAPI_DOWNLOAD_HOSTS: '127.0.0.1',
	STORE_URL: 'sqlite://data/dev.sqlite',
	POLL_INTERVAL_MS: '1000',
	LOG_LEVEL: 'debug',
};
const lines = Object.entries(env).map(([k, v]) => `${k}=${v}`);
writeFileSync('.env.emulators', `${lines.join('\n')}\n`);
console.log(`Discord emulator ${discord.apiUrl}, hiapi emulator ${hiapi.url}\n`);
console.log(lines.join('\n'));
console.log('\nWritten to .env.emulators. In another terminal:  set -a; . ./.env.emulators; set +a; npm run dev');
console.log('Then type here:  imagine <prompt> [ratio]  ·  usage  ·  budget <subcommand>  ·  quit\n');

// Print every request the bot makes to Discord, once, in a line each.
let seen = 0;
const printer = setInterval(() => {
	for (const r of discord.requests.slice(seen)) {
		const body = r.json as { type?: number; content?: string; data?: { content?: string }; embeds?: Array<{ description?: string }> } | undefined;
		const text = body?.content ?? body?.data?.content ?? body?.embeds?.[0]?.description ?? (body?.type === undefined ? '' : `callback type ${body.type}`);
		const files = r.files.map((f) => `${f.filename} (${f.data.length} B)`).join(', ');
		if (r.path.startsWith('/v10/gateway') || r.path.includes('/commands')) continue;
		console.log(`  ← ${r.method} ${r.path.replace(/\/[\w-]{60,}\//, '/<token>/')} ${r.status} ${text.slice(0, 100)} ${files}`.trimEnd());
	}
	seen = discord.requests.length;
}, 250);

const str = (name: string, value: string) => ({ name, type: 3, value }) as APIApplicationCommandInteractionDataOption;
const rl = createInterface({ input: process.stdin, output: process.stdout });
for await (const line of rl) {
	const [word, ...rest] = line.trim().split(/\s+/);
	if (!word) continue;
	if (word === 'quit' || word === 'exit') break;
	try {
		send(word, rest);
	} catch (error) {
		console.log(`  ${(error as Error).message.includes('no gateway session') ? 'the bot is not connected yet: start it with npm run dev' : String(error)}`);
	}
}
clearInterval(printer);
rl.close();
await Promise.all([discord.close(), hiapi.close()]);

function send(word: string, rest: string[]): void {
	if (word === 'imagine') {
		const ratio = rest.at(-1)?.match(/^\d+:\d+$/) ? rest.pop() : undefined;
		const options = [str('prompt', rest.join(' ') || 'a lighthouse at dawn'), ...(ratio ? [str('aspect_ratio', ratio)] : [])];
		console.log(`  → /imagine ${discord.sendInteraction({ commandName: 'imagine', options, user: USER }).id}`);
	} else if (word === 'usage') {
		console.log(`  → /usage ${discord.sendInteraction({ commandName: 'usage', user: USER }).id}`);
	} else if (word === 'budget' && rest[0]) {
		const options = [{ name: rest[0], type: 1, options: [] }] as APIApplicationCommandInteractionDataOption[];
		console.log(`  → /budget ${rest[0]} ${discord.sendInteraction({ commandName: 'budget', options, user: USER, permissions: String(1n << 5n) }).id}`);
	} else {
		console.log('  commands: imagine <prompt> [ratio] · usage · budget <subcommand> · quit');
	}
}
