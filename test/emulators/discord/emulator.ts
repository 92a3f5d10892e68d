/**
 * The emulator handle: one HTTP server on 127.0.0.1 answering REST and upgrading the gateway's WebSocket,
 * wiring the state, the recorder, the routes and the gateway together behind the DiscordEmulator interface.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
	type APIApplicationCommandOptionChoice,
	type APIMessage,
	type APIModalInteractionResponseCallbackData,
	GatewayDispatchEvents,
} from 'discord-api-types/v10';
import { GUILDS_INTENT, Gateway } from './gateway.js';
import { HttpFront } from './http.js';
import { type CreatedInteraction, createButtonClick, createInteraction, createModalSubmit } from './interactions.js';
import { Recorder } from './recording.js';
import { buildRoutes } from './routes.js';
import { EmulatorState } from './state.js';
import type {
	ClickButtonOptions,
	DiscordEmulator,
	DiscordEmulatorOptions,
	EmulatedGuild,
	FaultMatch,
	InteractionOptions,
	RecordedRequest,
	SentInteraction,
	ShardSession,
	SubmitModalOptions,
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
		this.http = new HttpFront(this.state, this.recorder, buildRoutes(this.state), opts.checkBody);
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
		this.requireSession();
		return this.dispatch(createInteraction(this.state, opts));
	}

	sendAutocomplete(opts: InteractionOptions): SentInteraction {
		this.requireSession();
		return this.dispatch(createInteraction(this.state, opts, true));
	}

	autocompleteChoices(interactionId: string): APIApplicationCommandOptionChoice[] | undefined {
		return this.state.interactions.get(interactionId)?.choices;
	}

	clickButton(opts: ClickButtonOptions): SentInteraction {
		this.requireSession();
		return this.dispatch(createButtonClick(this.state, opts));
	}

	submitModal(opts: SubmitModalOptions): SentInteraction {
		this.requireSession();
		return this.dispatch(createModalSubmit(this.state, opts));
	}

	redeliver(interactionId: string): void {
		const interaction = this.state.interactions.get(interactionId);
		if (!interaction) throw new Error(`discord emulator: unknown interaction ${interactionId}`);
		this.requireSession();
		this.gateway.dispatchForGuild(interaction.guildId, GatewayDispatchEvents.InteractionCreate, interaction.payload);
	}

	modal(interactionId: string): APIModalInteractionResponseCallbackData | undefined {
		return this.state.interactions.get(interactionId)?.modal;
	}

	message(messageId: string): APIMessage | undefined {
		return this.state.liveMessage(messageId);
	}

	deleted(messageId: string): boolean {
		return this.state.isDeleted(messageId);
	}

	denyChannel(channelId: string): void {
		this.state.deniedChannels.add(channelId);
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
		const originalId = this.state.interactions.get(interactionId)?.originalId;
		return originalId === undefined ? undefined : this.state.liveMessage(originalId);
	}

	invalidPayloads(): RecordedRequest[] {
		return this.requests.filter((r) => r.bodyIssues !== undefined);
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

	private requireSession(): void {
		if (!this.gateway.hasSessions()) {
			throw new Error('discord emulator: no gateway session to dispatch to; await waitForReady() first');
		}
	}

	/**
	 * Sends the dispatches the interaction needs first (roles it created: guild events, GUILDS intent only), then
	 * INTERACTION_CREATE, to the shard of its guild (DMs: shard 0).
	 */
	private dispatch({ interaction, payload, pending }: CreatedInteraction): SentInteraction {
		if (!this.gateway.hasSessionFor(interaction.guildId)) {
			throw new Error(
				`discord emulator: no gateway session runs the shard of ${interaction.guildId === null ? 'DMs (shard 0)' : `guild ${interaction.guildId}`}`,
			);
		}
		for (const { t, d } of pending) this.gateway.dispatchForGuild(interaction.guildId, t, d, GUILDS_INTENT);
		this.gateway.dispatchForGuild(interaction.guildId, GatewayDispatchEvents.InteractionCreate, payload);
		return { id: interaction.id, token: interaction.token, sentAt: interaction.sentAt };
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
