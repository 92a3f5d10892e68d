// An HTTP/1.1 client on a bare TCP socket, for what fetch cannot do: send headers and then trickle a body, or hold
// a connection open without a request, and see exactly when the server answers and when it closes.
import { connect, type Socket } from 'node:net';

export interface RawAnswer {
	/** The status code, or undefined when the connection closed without an answer. */
	status: number | undefined;
	/** Header block of the answer (lower-cased), '' without one. */
	head: string;
	/** Body bytes this client had written when the answer (or the close) came. */
	bodySent: number;
}

export interface RawConnection {
	socket: Socket;
	/** Resolves once the TCP connection is established. */
	connected: Promise<void>;
	/** The first answer, or the close without one. */
	answer: Promise<RawAnswer>;
	/** Resolves when the server has closed its side (FIN or reset). */
	closed: Promise<void>;
	/** Writes `bytes` now (counted as body). */
	send(bytes: Buffer): void;
	/** Writes `chunk` every `everyMs` until `total` body bytes are out or the connection ends. */
	trickle(chunk: Buffer, everyMs: number, total: number): void;
	destroy(): void;
}

/** Connects to `host:port` and, with `head`, writes a request head at once (not counted as body). */
export function rawConnection(port: number, o: { head?: Buffer; host?: string } = {}): RawConnection {
	const socket = connect(port, o.host ?? '127.0.0.1');
	if (o.head) socket.write(o.head);
	let bodySent = 0;
	let received = '';
	let timer: NodeJS.Timeout | undefined;
	let settle: (a: RawAnswer) => void = () => undefined;
	const answer = new Promise<RawAnswer>((resolve) => (settle = resolve));
	const connected = new Promise<void>((resolve) => socket.once('connect', () => resolve()));
	const closed = new Promise<void>((resolve) => {
		const done = () => {
			clearInterval(timer);
			settle({ status: undefined, head: '', bodySent });
			resolve();
		};
		socket.once('end', done);
		socket.once('close', done);
	});
	socket.on('error', () => undefined);
	socket.on('data', (d: Buffer) => {
		received += d.toString('latin1');
		const end = received.indexOf('\r\n\r\n');
		if (end < 0) return;
		const status = /^HTTP\/1\.1 (\d{3})/.exec(received)?.[1];
		settle({ status: status === undefined ? undefined : Number(status), head: received.slice(0, end).toLowerCase(), bodySent });
	});
	const send = (bytes: Buffer) => {
		if (socket.destroyed || socket.writableEnded) return;
		bodySent += bytes.length;
		socket.write(bytes);
	};
	return {
		socket,
		connected,
		answer,
		closed,
		send,
		trickle(chunk, everyMs, total) {
			timer = setInterval(() => {
				if (bodySent >= total || socket.destroyed) return clearInterval(timer);
				send(chunk.subarray(0, Math.min(chunk.length, total - bodySent)));
			}, everyMs);
		},
		destroy() {
			clearInterval(timer);
			socket.destroy();
		},
	};
}

/** A request head: `POST /path HTTP/1.1` and the headers, up to the blank line. */
export function requestHead(method: string, path: string, headers: Record<string, string | number>): Buffer {
	const lines = [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
	return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
}
