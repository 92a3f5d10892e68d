// Unsigned clients holding the callback route open: FLOOD connections each send a callback's headers without the
// signature headers, then trickle a 64 KiB body. Measured on the real bot: its memory, how many connections it
// still holds, how it answered, how many warn lines it wrote, and whether a genuine callback still gets through.
import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { createWorld, freePort } from '../e2e/harness.js';
import { signHiapiCallback } from '../emulators/hiapi.js';
import { mib, ms, MemSampler, percentile, readMem, sortNum, type Build } from './util.js';

export const FLOOD = 500;
const BODY = 64 * 1024;
const CHUNK = 8 * 1024;
const CHUNK_EVERY_MS = 250;
/** How long the flood lasts before the figures are read. */
const HOLD_MS = 6000;

export interface FloodFigures {
	baseRssKb: number | undefined;
	peakRssKb: number;
	/** Connections the bot still held at the end of the flood. */
	open: number;
	/** Answers the flood got, by status ("none" for no answer). */
	answers: Record<string, number>;
	/** Time from connecting to the bot's answer, over the answered connections. */
	answerP50Ms: number;
	/** Bytes of body the flood got onto the wire in total. */
	sentKiB: number;
	/** "hiapi callback refused" warn lines the bot wrote. */
	warnLines: number;
	/** A correctly signed callback sent in the middle of the flood: its HTTP status. */
	genuine: number | string;
}

function trickle(port: number, path: string, onAnswer: (status: string, ms: number) => void, sent: { bytes: number }): Socket {
	const t0 = Date.now();
	const socket = connect(port, '127.0.0.1');
	let answered = false;
	let timer: NodeJS.Timeout | undefined;
	socket.on('connect', () => {
		socket.write(`POST ${path} HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\nContent-Length: ${BODY}\r\n\r\n`);
		socket.write(Buffer.alloc(CHUNK, 0x20)); // the first chunk with the headers
		sent.bytes += CHUNK;
		let left = BODY - 1 - CHUNK; // the last byte never comes
		timer = setInterval(() => {
			if (left <= 0 || socket.destroyed) return clearInterval(timer);
			const n = Math.min(CHUNK, left);
			left -= n;
			sent.bytes += n;
			socket.write(Buffer.alloc(n, 0x20));
		}, CHUNK_EVERY_MS);
	});
	socket.on('data', (d: Buffer) => {
		if (answered) return;
		answered = true;
		onAnswer(/^HTTP\/1\.1 (\d{3})/.exec(d.toString('latin1'))?.[1] ?? 'garbled', Date.now() - t0);
	});
	socket.on('error', () => undefined);
	socket.on('close', () => clearInterval(timer));
	return socket;
}

export async function floodFigures(build: Build): Promise<FloodFigures> {
	const world = await createWorld({ LOG_LEVEL: 'info' });
	const secret = world.hiapi.signingKey;
	try {
		const port = await freePort();
		const path = '/hiapi/callback';
		const bot = await world.start(
			{ HEALTH_PORT: String(port), HIAPI_CALLBACK_URL: `http://127.0.0.1:${port}${path}`, HIAPI_WEBHOOK_SECRET: secret },
			build.script,
			build.nodeFlags,
		);
		await sleep(2000);
		const baseRssKb = readMem(bot.child.pid)?.rssKb;
		const sampler = new MemSampler(bot.child.pid);
		sampler.start();
		const answers: Record<string, number> = {};
		const answerMs: number[] = [];
		const sent = { bytes: 0 };
		const sockets: Socket[] = [];
		for (let i = 0; i < FLOOD; i++) {
			sockets.push(
				trickle(
					port,
					path,
					(status, ms) => {
						answers[status] = (answers[status] ?? 0) + 1;
						answerMs.push(ms);
					},
					sent,
				),
			);
			if (i % 50 === 49) await sleep(10);
		}
		await sleep(HOLD_MS / 2);
		const body = JSON.stringify({ taskId: 'tk-bench-flood', status: 'success', output: [{ url: 'https://cdn.hiapi.ai/x.png' }] });
		const ts = String(Math.floor(Date.now() / 1000));
		const genuine = await fetch(`http://127.0.0.1:${port}${path}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'x-hiapi-timestamp': ts, 'x-hiapi-signature': signHiapiCallback(secret, ts, body) },
			body,
			signal: AbortSignal.timeout(5000),
		})
			.then((r) => r.status)
			.catch((error: unknown) => (error instanceof Error ? error.name : 'failed'));
		await sleep(HOLD_MS / 2);
		sampler.stop();
		const open = sockets.filter((s) => !s.destroyed && !s.readableEnded).length;
		answers.none = FLOOD - Object.values(answers).reduce((a, b) => a + b, 0);
		for (const s of sockets) s.destroy();
		const warnLines = bot.logs.filter((l) => l.msg === 'hiapi callback refused').length;
		return {
			baseRssKb,
			peakRssKb: sampler.peakRssKb,
			open,
			answers,
			answerP50Ms: percentile(sortNum(answerMs), 50),
			sentKiB: Math.round(sent.bytes / 1024),
			warnLines,
			genuine,
		};
	} finally {
		await world.close();
	}
}

/** The figures as table rows, one column per build. */
export function floodTable(f: FloodFigures[]): string[][] {
	const cells = (pick: (x: FloodFigures) => string) => f.map(pick);
	return [
		['bot RSS before → peak', ...cells((x) => `${mib(x.baseRssKb)} → ${mib(x.peakRssKb)}`)],
		['connections still open at the end', ...cells((x) => `${x.open} of ${FLOOD}`)],
		[
			'answers',
			...cells((x) =>
				Object.entries(x.answers)
					.map(([k, v]) => `${k}: ${v}`)
					.join(', '),
			),
		],
		['answer p50 (from connect)', ...cells((x) => ms(x.answerP50Ms))],
		['body sent by the flood', ...cells((x) => `${(x.sentKiB / 1024).toFixed(1)} MiB`)],
		['"callback refused" warn lines', ...cells((x) => String(x.warnLines))],
		['a genuine callback during the flood', ...cells((x) => String(x.genuine))],
	];
}
