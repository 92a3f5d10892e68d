/**
 * Test-only Discord emulator: one HTTP server on 127.0.0.1 that answers the REST routes discord.js 14
 * (@discordjs/rest 2.6) calls and, on the same port, a WebSocket gateway speaking what @discordjs/ws 1.2
 * expects. Everything it receives is recorded so end-to-end tests can assert on the exact wire traffic.
 *
 * Fidelity goals: the error codes and status codes Discord uses for the mistakes a bot can make (late or
 * double acknowledgements, expired tokens, empty or oversized messages, attachment ids that match no
 * upload), resume semantics (missed events are replayed) and the 429 headers discord.js honours. With
 * `checkBody` (the e2e harness passes Discord's OpenAPI spec) every body is also judged by the spec first.
 *
 * Layout (each module imports only the ones listed before it):
 * - types.ts: the public interfaces; util.ts: constants, snowflakes, users; replies.ts: replies and error bodies
 * - components.ts: message component rules; components-v2.ts: Components V2 rules and media; modals.ts: modal
 *   rules and submissions; autocomplete.ts: autocomplete answers
 * - multipart.ts: request bodies; messages.ts: message validation and building
 * - scale.ts: realistic guilds at scale and Discord's sharding arithmetic
 * - state.ts: shared state and the message registry; payloads.ts: guild/member/channel payloads derived from it
 * - resolved.ts: roles, channels and data.resolved; placement.ts: locale, context, owners and the places the bot
 *   is not in; interactions.ts: INTERACTION_CREATE payloads (commands,
 *   button clicks, modal submits); gateway.ts: the WebSocket gateway
 * - router.ts: route matching; commands-validate.ts: command rules; commands.ts, routes-interactions.ts, routes-messages.ts, routes.ts: the REST routes
 * - recording.ts: the request log, its queries and scripted faults; http.ts: the HTTP front
 * - emulator.ts: the DiscordEmulator handle wiring them together; index.ts: the entry point
 */
import { Emulator } from './emulator.js';
import type { DiscordEmulator, DiscordEmulatorOptions } from './types.js';

export type {
	BodyCheck,
	BodyIssue,
	ClickButtonOptions,
	DiscordEmulator,
	DiscordEmulatorOptions,
	EmulatedGuild,
	EmulatedRole,
	EmulatedUser,
	FaultMatch,
	InteractionOptions,
	RecordedFile,
	RecordedRequest,
	SentInteraction,
	ShardSession,
	GuildShape,
	SubmitModalOptions,
} from './types.js';
export { guildIds, recommendedShards, shardOf, MAX_GUILDS_PER_SHARD } from './scale.js';

export async function startDiscordEmulator(opts: DiscordEmulatorOptions): Promise<DiscordEmulator> {
	const emulator = new Emulator(opts);
	await emulator.listen();
	return emulator;
}
