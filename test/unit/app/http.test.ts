// The bot's HTTP server on real sockets: it listens on the configured address only, keeps Node's timeouts short,
// and past its connection limit closes new connections at once, so idle clients cannot pile up.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { HTTP_LIMITS, startHttpServer, type HttpOptions } from '../../../src/app/http.js';
import { createMetrics } from '../../../src/metrics.js';
import { rawConnection, requestHead, type RawConnection } from '../../support/raw-http.js';

const servers: Server[] = [];
const connections: RawConnection[] = [];
afterEach(async () => {
	for (const c of connections.splice(0)) c.destroy();
	for (const s of servers.splice(0)) await new Promise<void>((resolve) => s.close(() => resolve()));
});

async function start(o: Partial<HttpOptions> = {}, logs: Array<Record<string, unknown>> = []): Promise<Server> {
	const server = await startHttpServer({
		port: 0,
		checks: {
			gateway: () => ({ ok: true, shards: { 0: true } }),
			store: () => Promise.resolve(true),
			storeKind: 'sqlite',
			jobs: () => ({ running: 0, queued: 0, accepting: true }),
		},
		metrics: createMetrics(),
		logger: pino({ level: 'warn' }, { write: (line: string) => logs.push(JSON.parse(line) as Record<string, unknown>) }),
		...o,
	});
	servers.push(server);
	return server;
}
const portOf = (s: Server) => (s.address() as AddressInfo).port;
/** Resolves with how the connection ended up: refused, or connected. */
const tryConnect = (port: number, host: string) => {
	const c = rawConnection(port, { host });
	connections.push(c);
	return Promise.race([c.connected.then(() => 'connected' as const), new Promise<'refused'>((r) => c.socket.once('error', () => r('refused')))]);
};

describe('the HTTP server', () => {
	it('listens on the configured address only (HTTP_HOST), loopback by default', async () => {
		const byDefault = await start();
		expect((byDefault.address() as AddressInfo).address).toBe('127.0.0.1');
		// 127.0.0.2 is loopback too on Linux: bound there, the server does not answer on 127.0.0.1.
		const other = await start({ host: '127.0.0.2' });
		expect((other.address() as AddressInfo).address).toBe('127.0.0.2');
		expect(await tryConnect(portOf(other), '127.0.0.1')).toBe('refused');
		expect(await tryConnect(portOf(other), '127.0.0.2')).toBe('connected');
	});

	it("keeps Node's header, request and keep-alive timeouts short, and caps open connections", async () => {
		const server = await start();
		expect(server.headersTimeout).toBe(HTTP_LIMITS.headersTimeoutMs);
		expect(server.requestTimeout).toBe(HTTP_LIMITS.requestTimeoutMs);
		expect(server.keepAliveTimeout).toBe(HTTP_LIMITS.keepAliveTimeoutMs);
		expect(server.maxConnections).toBe(256);
		expect(HTTP_LIMITS).toEqual({ headersTimeoutMs: 10_000, requestTimeoutMs: 15_000, keepAliveTimeoutMs: 5000, maxConnections: 256 });
	});

	it('closes connections beyond maxConnections at once, logs that (once), and serves again when one leaves', async () => {
		const logs: Array<Record<string, unknown>> = [];
		const server = await start({ maxConnections: 3 }, logs);
		const port = portOf(server);
		let accepted = 0;
		server.on('connection', () => accepted++);
		const idle = [rawConnection(port), rawConnection(port), rawConnection(port)];
		connections.push(...idle);
		await Promise.all(idle.map((c) => c.connected));
		while (accepted < 3) await new Promise((r) => setTimeout(r, 10));
		// Two more idle connections: closed by the server without a byte.
		const extra = [rawConnection(port), rawConnection(port)];
		connections.push(...extra);
		for (const c of extra) {
			await c.closed;
			expect((await c.answer).status).toBeUndefined();
		}
		expect(logs.filter((l) => l.msg === 'HTTP connection refused: too many open connections')).toHaveLength(1);
		// The three idle ones are still open; once one leaves, a request is served.
		expect(idle.every((c) => !c.socket.destroyed)).toBe(true);
		idle[0]?.destroy();
		await new Promise((r) => setTimeout(r, 50));
		const health = rawConnection(port, { head: requestHead('GET', '/healthz', { connection: 'close' }) });
		connections.push(health);
		expect((await health.answer).status).toBe(200);
	});
});
