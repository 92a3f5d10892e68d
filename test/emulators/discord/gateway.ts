/**
 * The WebSocket gateway: HELLO, IDENTIFY (READY + GUILD_CREATEs), RESUME (missed dispatches replayed),
 * heartbeats, dispatches, and the close codes Discord uses for protocol mistakes. Sharded as Discord shards:
 * IDENTIFY carries [shard_id, num_shards]; a guild's events go to shard (guild_id >> 22) % num_shards, DMs to
 * shard 0; more than 2,500 guilds on one shard closes with 4011; GUILD_CREATE only with the GUILDS intent.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { type ApplicationFlags, type GatewayReadyDispatchData, GatewayCloseCodes, GatewayDispatchEvents, GatewayOpcodes } from 'discord-api-types/v10';
import { guildCreate } from './payloads.js';
import { MAX_GUILDS_PER_SHARD, shardOf } from './scale.js';
import type { EmulatorState } from './state.js';
import type { EmulatedGuild, ShardSession } from './types.js';
import { isRecord } from './util.js';

const HEARTBEAT_INTERVAL = 41_250;

/** Close codes after which Discord no longer lets the session resume. */
const SESSION_ENDING_CLOSE_CODES = new Set([1000, 1001, GatewayCloseCodes.InvalidSeq, GatewayCloseCodes.SessionTimedOut]);

export const GUILDS_INTENT = 1;

interface DispatchRecord {
	s: number;
	t: string;
	/** The payload, or how to build it again (GUILD_CREATEs are large: a thousand of them are not kept). */
	d: unknown;
	make?: () => unknown;
}

interface Session {
	id: string;
	shard: [number, number];
	intents: number;
	guilds: number;
	seq: number;
	/** Every dispatch of the session, so RESUME can replay what a disconnected client missed. */
	log: DispatchRecord[];
	conn: Connection | null;
}

interface Connection {
	ws: WebSocket;
	session: Session | null;
	/** READY/RESUMED sent and the socket not (being) closed. */
	live: boolean;
}

export class Gateway {
	/** IDENTIFY `d` payloads received, including rejected ones. */
	readonly identifies: unknown[] = [];
	/** RESUME `d` payloads received, including rejected ones. */
	readonly resumes: unknown[] = [];

	private readonly state: EmulatorState;
	private readonly wss = new WebSocketServer({ noServer: true });
	private readonly connections = new Set<Connection>();
	private readonly sessions = new Map<string, Session>();
	/** Called with no argument when a connection goes live, with an error when the emulator closes. */
	private readonly readyWaiters = new Set<(error?: Error) => void>();

	constructor(state: EmulatorState) {
		this.state = state;
	}

	/** Takes over an HTTP upgrade request of the emulator's server. */
	handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
		this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, req));
	}

	/** Resolves when a gateway connection is (again) live: READY + GUILD_CREATEs sent, or RESUMED sent. */
	waitForReady(timeoutMs = 5_000): Promise<void> {
		if ([...this.connections].some((c) => c.live)) return Promise.resolve();
		return new Promise((resolve, reject) => {
			const done = (error?: Error): void => {
				clearTimeout(timer);
				this.readyWaiters.delete(done);
				if (error) reject(error);
				else resolve();
			};
			const timer = setTimeout(() => {
				this.readyWaiters.delete(done);
				reject(new Error(`discord emulator: no gateway client became ready within ${timeoutMs} ms`));
			}, timeoutMs);
			this.readyWaiters.add(done);
		});
	}

	hasSessions(): boolean {
		return this.sessions.size > 0;
	}

	/** The sessions that receive events of this guild (null: DMs, which go to shard 0). */
	private sessionsFor(guildId: string | null): Session[] {
		return [...this.sessions.values()].filter((s) => s.shard[0] === (guildId === null ? 0 : shardOf(guildId, s.shard[1])));
	}

	hasSessionFor(guildId: string | null): boolean {
		return this.sessionsFor(guildId).length > 0;
	}

	/**
	 * Dispatches to the shard of `guildId`, to sessions that asked for `intent` if the event needs one (guild
	 * events need GUILDS; interactions need none); a disconnected session gets it on RESUME.
	 */
	dispatchForGuild(guildId: string | null, t: string, d: unknown, intent = 0): void {
		for (const session of this.sessionsFor(guildId)) if ((session.intents & intent) === intent) this.dispatch(session, t, d);
	}

	sessionList(): ShardSession[] {
		return [...this.sessions.values()].map((s) => ({ shard: s.shard, intents: s.intents, guilds: s.guilds, live: s.conn?.live ?? false }));
	}

	/** Closes every gateway socket with `code`. */
	closeAll(code: number): void {
		const endsSession = SESSION_ENDING_CLOSE_CODES.has(code);
		for (const conn of this.connections) {
			conn.live = false;
			// Detach now so dispatches made before the client resumes are queued for replay.
			if (conn.session?.conn === conn) conn.session.conn = null;
			if (endsSession && conn.session) this.sessions.delete(conn.session.id);
			conn.ws.close(code, 'Emulator closed the connection');
		}
	}

	/** Rejects pending waitForReady() calls, drops every connection and stops the WebSocket server. */
	async close(): Promise<void> {
		for (const done of [...this.readyWaiters]) done(new Error('discord emulator closed'));
		for (const conn of this.connections) conn.ws.terminate();
		this.connections.clear();
		await new Promise<void>((resolve) => this.wss.close(() => resolve()));
	}

	private onConnection(ws: WebSocket, req: IncomingMessage): void {
		const conn: Connection = { ws, session: null, live: false };
		this.connections.add(conn);
		ws.on('error', () => undefined);
		ws.on('close', (code) => {
			this.connections.delete(conn);
			conn.live = false;
			const session = conn.session;
			if (session?.conn === conn) session.conn = null;
			// A client closing with 1000/1001 ends its session, as on Discord.
			if (session && (code === 1000 || code === 1001)) this.sessions.delete(session.id);
		});
		const params = new URL(req.url ?? '/', 'ws://127.0.0.1').searchParams;
		const version = params.get('v');
		const encoding = params.get('encoding');
		if (version !== null && version !== '10') {
			ws.close(GatewayCloseCodes.InvalidAPIVersion, 'Invalid API version.');
			return;
		}
		if (encoding !== null && encoding !== 'json') {
			ws.close(GatewayCloseCodes.DecodeError, 'Error while decoding payload.');
			return;
		}
		ws.on('message', (data, isBinary) => this.onMessage(conn, data.toString(), isBinary));
		this.sendOp(conn, GatewayOpcodes.Hello, { heartbeat_interval: HEARTBEAT_INTERVAL, _trace: ['["discord-emulator"]'] });
	}

	private sendOp(conn: Connection, op: GatewayOpcodes, d: unknown): void {
		if (conn.ws.readyState === conn.ws.OPEN) conn.ws.send(JSON.stringify({ op, d, s: null, t: null }));
	}

	private dispatch(session: Session, t: string, d: unknown, make?: () => unknown): void {
		const record: DispatchRecord = make ? { s: ++session.seq, t, d: undefined, make } : { s: ++session.seq, t, d };
		session.log.push(record);
		const conn = session.conn;
		if (conn && conn.ws.readyState === conn.ws.OPEN) this.send(conn, record, d);
	}

	private send(conn: Connection, record: DispatchRecord, built?: unknown): void {
		const d = built ?? (record.make ? record.make() : record.d);
		conn.ws.send(JSON.stringify({ op: GatewayOpcodes.Dispatch, s: record.s, t: record.t, d }));
	}

	private onMessage(conn: Connection, text: string, isBinary: boolean): void {
		let payload: unknown;
		try {
			payload = isBinary ? null : JSON.parse(text);
		} catch {
			payload = null;
		}
		if (!isRecord(payload) || typeof payload.op !== 'number') {
			conn.ws.close(GatewayCloseCodes.DecodeError, 'Error while decoding payload.');
			return;
		}
		const d = payload.d;
		switch (payload.op) {
			case GatewayOpcodes.Heartbeat:
				this.sendOp(conn, GatewayOpcodes.HeartbeatAck, null);
				return;
			case GatewayOpcodes.Identify:
				this.onIdentify(conn, d);
				return;
			case GatewayOpcodes.Resume:
				this.onResume(conn, d);
				return;
			case GatewayOpcodes.PresenceUpdate:
			case GatewayOpcodes.VoiceStateUpdate:
			case GatewayOpcodes.RequestGuildMembers:
				if (!conn.session) conn.ws.close(GatewayCloseCodes.NotAuthenticated, 'Not authenticated.');
				return;
			default:
				conn.ws.close(GatewayCloseCodes.UnknownOpcode, 'Unknown opcode.');
		}
	}

	private validToken(token: unknown): boolean {
		return typeof token === 'string' && token.replace(/^Bot /, '') === this.state.token;
	}

	private onIdentify(conn: Connection, d: unknown): void {
		this.identifies.push(d);
		if (conn.session) {
			conn.ws.close(GatewayCloseCodes.AlreadyAuthenticated, 'Already authenticated.');
			return;
		}
		if (!isRecord(d) || !this.validToken(d.token)) {
			conn.ws.close(GatewayCloseCodes.AuthenticationFailed, 'Authentication failed.');
			return;
		}
		if (typeof d.intents !== 'number' || !Number.isInteger(d.intents) || d.intents < 0) {
			conn.ws.close(GatewayCloseCodes.InvalidIntents, 'Invalid intent(s).');
			return;
		}
		const shard = d.shard === undefined ? [0, 1] : d.shard;
		if (!Array.isArray(shard) || shard.length !== 2 || !shard.every((n) => Number.isInteger(n)) || shard[1] < 1 || shard[0] < 0 || shard[0] >= shard[1]) {
			conn.ws.close(GatewayCloseCodes.InvalidShard, 'Invalid shard.');
			return;
		}
		const [shardId, shardCount] = shard as [number, number];
		const guilds = this.state.guilds.filter((g) => shardOf(g.id, shardCount) === shardId);
		if (guilds.length > MAX_GUILDS_PER_SHARD) {
			conn.ws.close(GatewayCloseCodes.ShardingRequired, 'Sharding required.');
			return;
		}
		const session: Session = {
			id: randomBytes(16).toString('hex'),
			shard: [shardId, shardCount],
			intents: d.intents,
			guilds: guilds.length,
			seq: 0,
			log: [],
			conn,
		};
		this.sessions.set(session.id, session);
		conn.session = session;
		this.dispatch(session, GatewayDispatchEvents.Ready, this.ready(session, guilds));
		// Guilds arrive as GUILD_CREATE only with the GUILDS intent; interactions need no intent.
		if (session.intents & GUILDS_INTENT) {
			for (const guild of guilds) this.dispatch(session, GatewayDispatchEvents.GuildCreate, undefined, () => guildCreate(this.state, guild));
		}
		this.markLive(conn);
	}

	private ready(session: Session, guilds: EmulatedGuild[]): GatewayReadyDispatchData & Record<string, unknown> {
		return {
			v: 10,
			user: { ...this.state.botUser, verified: true, mfa_enabled: false, email: null },
			guilds: guilds.map((g) => ({ id: g.id, unavailable: true })),
			session_id: session.id,
			resume_gateway_url: this.state.gatewayUrl,
			shard: session.shard,
			application: { id: this.state.applicationId, flags: 0 as ApplicationFlags, flags_new: '0' },
			user_settings: {},
			private_channels: [],
			relationships: [],
			presences: [],
			guild_join_requests: [],
			geo_ordered_rtc_regions: [],
			session_type: 'normal',
			auth: {},
			_trace: ['["discord-emulator"]'],
		};
	}

	private onResume(conn: Connection, d: unknown): void {
		this.resumes.push(d);
		if (!isRecord(d) || !this.validToken(d.token)) {
			conn.ws.close(GatewayCloseCodes.AuthenticationFailed, 'Authentication failed.');
			return;
		}
		const session = typeof d.session_id === 'string' ? this.sessions.get(d.session_id) : undefined;
		if (!session) {
			this.sendOp(conn, GatewayOpcodes.InvalidSession, false);
			return;
		}
		const seq = typeof d.seq === 'number' ? d.seq : 0;
		if (seq > session.seq) {
			conn.ws.close(GatewayCloseCodes.InvalidSeq, 'Invalid seq.');
			return;
		}
		// A newer connection takes the session over, as on Discord.
		if (session.conn && session.conn !== conn) {
			session.conn.live = false;
			session.conn.ws.close(GatewayCloseCodes.SessionTimedOut, 'Session resumed elsewhere.');
		}
		session.conn = conn;
		conn.session = session;
		for (const record of session.log) {
			if (record.s > seq) this.send(conn, record);
		}
		this.dispatch(session, GatewayDispatchEvents.Resumed, { _trace: ['["discord-emulator"]'] });
		this.markLive(conn);
	}

	private markLive(conn: Connection): void {
		conn.live = true;
		for (const done of [...this.readyWaiters]) done();
	}
}
