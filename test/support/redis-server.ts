// A real redis-server for tests, on an ephemeral port, with append-only persistence in a temporary folder so a
// test can stop it (a Redis crash or restart) and start it again with its data.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../e2e/harness.js';

export const hasRedis = spawnSync('redis-server', ['--version']).status === 0;
if (!hasRedis && process.env.CI) throw new Error('redis-server is required in CI (.ci/run installs it with apt-get)');

export interface RedisServer {
	url: string;
	port: number;
	/** Kills the server (SIGKILL: nothing flushed beyond what the append-only file already has). */
	kill(): Promise<void>;
	/** Starts it again on the same port and data. */
	restart(): Promise<void>;
	close(): Promise<void>;
}

async function listening(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = createConnection({ port, host: '127.0.0.1' }, () => {
			socket.end();
			resolve(true);
		});
		socket.on('error', () => resolve(false));
	});
}

export async function startRedis(): Promise<RedisServer> {
	const port = await freePort();
	const dir = mkdtempSync(join(tmpdir(), 'redis-'));
	let child: ChildProcess | undefined;
	const start = async () => {
		child = spawn(
			'redis-server',
			['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'everysec'],
			{
				stdio: 'ignore',
			},
		);
		for (let i = 0; i < 100 && !(await listening(port)); i++) await new Promise((r) => setTimeout(r, 50));
	};
	const kill = async () => {
		const c = child;
		if (!c || c.exitCode !== null) return;
		await new Promise<void>((resolve) => {
			c.once('exit', () => resolve());
			c.kill('SIGKILL');
		});
	};
	await start();
	return {
		url: `redis://127.0.0.1:${port}`,
		port,
		kill,
		restart: start,
		async close() {
			await kill();
			rmSync(dir, { recursive: true, force: true });
		},
	};
}
