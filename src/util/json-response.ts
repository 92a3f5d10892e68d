// One JSON answer on Node's HTTP server (health, metrics errors, the callback route).
import type { ServerResponse } from 'node:http';

export function json(res: ServerResponse, status: number, body: unknown): void {
	res.writeHead(status, { 'content-type': 'application/json' });
	res.end(JSON.stringify(body));
}
