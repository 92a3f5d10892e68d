// Registers the slash commands globally, or in DISCORD_GUILD_ID when set (instant, for testing).
import { REST, Routes, type APIApplication } from 'discord.js';
import { commands } from '../commands/index.js';
import { withInstallScopes } from './app/install-scopes.js';
import { ConfigError, loadConfig, readEnvironment } from './config.js';
import { localizeCommand } from './messages/command-locales.js';
import { scrubber } from './log.js';

const env = readEnvironment();

async function deploy(): Promise<void> {
	const config = loadConfig(env);
	const rest = new REST({ api: config.discordApiUrl }).setToken(config.discordToken);
	const applicationId = config.applicationId ?? ((await rest.get(Routes.currentApplication())) as APIApplication).id;
	// integration_types and contexts follow USER_INSTALL (src/app/install-scopes.ts); names and descriptions in every language the bot speaks.
	const body = commands.map((c) => localizeCommand(withInstallScopes(c, config.userInstall)));
	const route = config.guildId ? Routes.applicationGuildCommands(applicationId, config.guildId) : Routes.applicationCommands(applicationId);
	const result = (await rest.put(route, { body })) as unknown[];
	process.stdout.write(
		`Deployed ${result.length} commands (${body.map((c) => `/${c.name}`).join(', ')}) ${config.guildId ? `to guild ${config.guildId}` : 'globally (may take up to an hour to appear)'}.\n`,
	);
}

try {
	await deploy();
} catch (error) {
	const problems = error instanceof ConfigError ? error.problems : [(error as Error).message];
	const scrub = scrubber([env['DISCORD_TOKEN'] ?? '', env['HIAPI_API_KEY'] ?? '']);
	for (const p of problems) process.stderr.write(`imagine-bot: deploy failed: ${scrub(p)}\n`);
	process.exit(1);
}
