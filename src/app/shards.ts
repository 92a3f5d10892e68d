// The gateway shards this process runs: readiness per shard (for /healthz), and logs and metrics that name it.
import { Events, Status, type Client } from 'discord.js';
import { shardOf } from './discord-scale.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';

export class ShardHealth {
	/** Up from READY until a disconnect; up again on RESUMED or a new READY. */
	private readonly up = new Map<number, boolean>();

	constructor(
		private readonly client: Client,
		private readonly logger: Logger,
		private readonly metrics: Metrics,
	) {
		const set = (shardId: number, ok: boolean) => {
			this.up.set(shardId, ok);
			metrics.shardReady.set({ shard: String(shardId) }, ok ? 1 : 0);
		};
		client.on(Events.ShardReady, (shardId, unavailable) => {
			set(shardId, true);
			logger.info({ shardId, shardCount: client.options.shardCount, guilds: unavailable?.size ?? 0 }, 'shard ready');
		});
		client.on(Events.ShardResume, (shardId) => {
			set(shardId, true);
			logger.info({ shardId }, 'gateway resumed');
		});
		client.on(Events.ShardDisconnect, (event, shardId) => {
			set(shardId, false);
			logger.warn({ code: event.code, shardId }, 'gateway disconnected');
		});
		client.on(Events.ShardReconnecting, (shardId) => set(shardId, false));
		client.on(Events.Invalidated, () => {
			for (const shardId of this.up.keys()) set(shardId, false);
		});
		client.on(Events.InteractionCreate, (interaction) => {
			metrics.interactions.inc({ shard: String(shardOf(interaction.guildId, client.options.shardCount ?? 1)) });
		});
	}

	/** ok only when every shard this process runs is ready. */
	status(): { ok: boolean; shards: Record<string, boolean> } {
		const shards: Record<string, boolean> = {};
		for (const shard of this.client.ws.shards.values()) shards[shard.id] = (this.up.get(shard.id) ?? false) && shard.status === Status.Ready;
		const values = Object.values(shards);
		return { ok: values.length > 0 && values.every(Boolean), shards };
	}
}
