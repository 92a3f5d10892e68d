/**
 * The emulator handle: one HTTP server on 127.0.0.1 answering REST and upgrading the gateway's WebSocket,
 * wiring the state, the recorder, the routes and the gateway together behind the DiscordEmulator interface.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type APIMessage, GatewayDispatchEvents } from 'discord-api-types/v10';
import { Gateway } from './gateway.js';
import { HttpFront } from './http.js';
import { createInteraction } from './interactions.js';
import { Recorder } from './recording.js';
import { buildRoutes } from './routes.js';
import { EmulatorState } from './state.js';
import type {
	DiscordEmulator,
	DiscordEmulatorOptions,
	EmulatedGuild,
	FaultMatch,
	InteractionOptions,
	RecordedRequest,
	SentInteraction,
	ShardSession,
} from './types.js';

export class Emulator implements DiscordEmulator {
	readonly guilds: EmulatedGuild[];
	readonly requests: RecordedRequest[];
	readonly identifies: unknown[];
	readonly resumes: unknown[];

	private readonly state: EmulatorState;
	private readonly recorder = new Recorder();
	private readonly gateway: Gateway;
	private readonly http: HttpFront;
	private readonly server = createServer((req, res) => void this.http.onHttp(req, res));
	private closed = false;

	constructor(opts: DiscordEmulatorOptions) {
		this.state = new EmulatorState(opts);
		this.gateway = new Gateway(this.state);
		this.http = new HttpFront(this.state, this.recorder, buildRoutes(this.state));
		this.guilds = this.state.guilds;
		this.requests = this.recorder.requests;
		this.identifies = this.gateway.identifies;
		this.resumes = this.gateway.resumes;
		this.server.on('upgrade', (req, socket, head) => {
			this.gateway.handleUpgrade(req, socket, head);
		});
	}

	get apiUrl(): string {
		return this.state.apiUrl;
	}

	get gatewayUrl(): string {
		return this.state.gatewayUrl;
	}

	async listen(): Promise<void> {
		await new Promise<void>((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(0, '127.0.0.1', () => resolve());
		});
		const { port } = this.server.address() as AddressInfo;
		this.state.apiUrl = `http://127.0.0.1:${port}/api`;
		this.state.gatewayUrl = `ws://127.0.0.1:${port}`;
	}

	waitForReady(timeoutMs = 5_000): Promise<void> {
		return this.gateway.waitForReady(timeoutMs);
	}

	sendInteraction(opts: InteractionOptions): SentInteraction {
		const guildId = opts.guildId === null ? null : (opts.guildId ?? this.state.guilds[0]?.id ?? null);
		if (!this.gateway.hasSessionFor(guildId)) {
			throw new Error(
				this.gateway.hasSessions()
					? `discord emulator: no gateway session runs the shard of ${guildId === null ? 'DMs (shard 0)' : `guild ${guildId}`}`
					: 'discord emulator: no gateway session to dispatch to; await waitForReady() first',
			);
		}
		const { interaction, payload } = createInteraction(this.state, opts);
		this.gateway.dispatchForGuild(payload.guild_id ?? null, GatewayDispatchEvents.InteractionCreate, payload);
		return { id: interaction.id, token: interaction.token, sentAt: interaction.sentAt };
	}

	sessions(): ShardSession[] {
		return this.gateway.sessionList();
	}

	get recommendedShards(): number {
		return this.state.recommendedShards;
	}

	callbacks(interactionId: string): RecordedRequest[] {
		return this.recorder.callbacks(interactionId);
	}

	edits(interactionId: string): RecordedRequest[] {
		return this.recorder.edits(interactionId);
	}

	followUps(interactionId: string): RecordedRequest[] {
		return this.recorder.followUps(interactionId);
	}

	originalMessage(interactionId: string): APIMessage | undefined {
		return this.state.interactions.get(interactionId)?.original;
	}

	channelMessages(channelId: string): RecordedRequest[] {
		return this.recorder.channelMessages(channelId);
	}

	waitFor(pred: (r: RecordedRequest) => boolean, timeoutMs = 5_000): Promise<RecordedRequest> {
		return this.recorder.waitFor(pred, timeoutMs);
	}

	expireToken(token: string): void {
		this.state.expiredTokens.add(token);
	}

	failNext(match: FaultMatch, status: number, body?: unknown, times = 1): void {
		this.recorder.failNext(match, status, body, times);
	}

	closeGateway(code = 4000): void {
		this.gateway.closeAll(code);
	}

	async close(): Promise<void> {
		if (this.closed) return;
		this.closed = true;
		this.recorder.close();
		await this.gateway.close();
		this.server.closeAllConnections();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}
}
