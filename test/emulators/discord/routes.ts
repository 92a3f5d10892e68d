/**
 * The REST route table discord.js 14 calls, with the small handlers for gateway discovery, users, DMs,
 * the application, guilds, members and channels. Commands, interaction responses and channel messages
 * live in commands.ts, routes-interactions.ts and routes-messages.ts.
 */
import { getCommands, putCommands } from './commands.js';
import { botMember, channelObject, dmChannelFor, guildCreate, memberBase } from './payloads.js';
import { type Reply, MISSING_ACCESS, UNKNOWN_CHANNEL, apiError, formError } from './replies.js';
import { type Route, type RouteContext, defineRoute } from './router.js';
import { createFollowUp, interactionCallback, webhookMessage } from './routes-interactions.js';
import { createChannelMessage, deleteChannelMessage, getChannelMessage } from './routes-messages.js';
import type { EmulatorState } from './state.js';
import { BOT_USERNAME, GUILD_OWNER_ID, isRecord, makeUser } from './util.js';

export function buildRoutes(state: EmulatorState): Route[] {
	const r = defineRoute;
	return [
		r('GET', '/v10/gateway', false, () => ({ status: 200, body: { url: state.gatewayUrl } })),
		r('GET', '/v10/gateway/bot', true, () => ({
			status: 200,
			body: {
				url: state.gatewayUrl,
				// About one shard per 1,000 guilds, as Discord recommends.
				shards: state.recommendedShards,
				session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: state.maxConcurrency },
			},
		})),
		r('GET', '/v10/users/@me', true, () => ({ status: 200, body: state.botUser })),
		r('GET', '/v10/users/:userId', true, (ctx) => {
			const user = ctx.params.userId === state.applicationId ? state.botUser : state.knownUsers.get(ctx.params.userId ?? '');
			return user ? { status: 200, body: user } : apiError(404, 10013, 'Unknown User');
		}),
		r('POST', '/v10/users/@me/channels', true, (ctx) => openDm(state, ctx)),
		r('GET', '/v10/applications/@me', true, () => ({ status: 200, body: application(state) })),
		r('GET', '/v10/applications/:appId/commands', true, (ctx) => getCommands(state, ctx, null)),
		r('PUT', '/v10/applications/:appId/commands', true, (ctx) => putCommands(state, ctx, null)),
		r('GET', '/v10/applications/:appId/guilds/:guildId/commands', true, (ctx) => getCommands(state, ctx, ctx.params.guildId ?? null)),
		r('PUT', '/v10/applications/:appId/guilds/:guildId/commands', true, (ctx) => putCommands(state, ctx, ctx.params.guildId ?? null)),
		r('GET', '/v10/guilds/:guildId', true, (ctx) => {
			if (state.foreignGuilds.has(ctx.params.guildId ?? '')) return MISSING_ACCESS();
			const guild = state.guilds.find((g) => g.id === ctx.params.guildId);
			if (!guild) return apiError(404, 10004, 'Unknown Guild');
			const { channels: _channels, members: _members, ...rest } = guildCreate(state, guild);
			return { status: 200, body: rest };
		}),
		r('GET', '/v10/guilds/:guildId/members/:userId', true, (ctx) => getMember(state, ctx)),
		r('GET', '/v10/channels/:channelId', true, (ctx) => {
			if (state.isOutsideChannel(ctx.params.channelId ?? '')) return MISSING_ACCESS();
			const channel = channelObject(state, ctx.params.channelId ?? '');
			return channel ? { status: 200, body: channel } : UNKNOWN_CHANNEL();
		}),
		r('POST', '/v10/channels/:channelId/messages', true, (ctx) => createChannelMessage(state, ctx)),
		r('GET', '/v10/channels/:channelId/messages/:messageId', true, (ctx) => getChannelMessage(state, ctx)),
		r('DELETE', '/v10/channels/:channelId/messages/:messageId', true, (ctx) => deleteChannelMessage(state, ctx)),
		r('POST', '/v10/interactions/:interactionId/:token/callback', false, (ctx) => interactionCallback(state, ctx)),
		r('POST', '/v10/webhooks/:appId/:token', false, (ctx) => createFollowUp(state, ctx)),
		r('GET', '/v10/webhooks/:appId/:token/messages/:messageId', false, (ctx) => webhookMessage(state, ctx, 'GET')),
		r('PATCH', '/v10/webhooks/:appId/:token/messages/:messageId', false, (ctx) => webhookMessage(state, ctx, 'PATCH')),
		r('DELETE', '/v10/webhooks/:appId/:token/messages/:messageId', false, (ctx) => webhookMessage(state, ctx, 'DELETE')),
	];
}

function application(state: EmulatorState): Record<string, unknown> {
	return {
		id: state.applicationId,
		name: BOT_USERNAME,
		icon: null,
		description: '',
		summary: '',
		type: null,
		bot_public: false,
		bot_require_code_grant: false,
		verify_key: '0'.repeat(64),
		flags: 0,
		owner: makeUser({ id: GUILD_OWNER_ID, username: 'owner' }),
		team: null,
		bot: state.botUser,
		approximate_guild_count: state.guilds.length,
		integration_types_config: { '0': {} },
	};
}

function getMember(state: EmulatorState, ctx: RouteContext): Reply {
	if (state.foreignGuilds.has(ctx.params.guildId ?? '')) return MISSING_ACCESS();
	const guild = state.guilds.find((g) => g.id === ctx.params.guildId);
	if (!guild) return apiError(404, 10004, 'Unknown Guild');
	const userId = ctx.params.userId ?? '';
	if (userId === state.applicationId) return { status: 200, body: botMember(state, guild) };
	const user = state.knownUsers.get(userId);
	if (!user) return apiError(404, 10007, 'Unknown Member');
	return { status: 200, body: { ...memberBase(state), user } };
}

function openDm(state: EmulatorState, ctx: RouteContext): Reply {
	const recipientId = isRecord(ctx.json) && typeof ctx.json.recipient_id === 'string' ? ctx.json.recipient_id : null;
	if (!recipientId) return formError(['recipient_id'], 'BASE_TYPE_REQUIRED', 'This field is required');
	const recipient = state.knownUsers.get(recipientId) ?? makeUser({ id: recipientId });
	const channel = dmChannelFor(state, recipient);
	return { status: 200, body: channelObject(state, channel.id) };
}
