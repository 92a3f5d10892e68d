/**
 * Tiny real-PNG encoder for tests: RGBA, 8 bits per channel, filter 0, zlib deflate, correct CRCs.
 * The picture is a seed-dependent gradient with diagonal stripes and a checker, so different seeds differ visibly.
 */
import { crc32, deflateSync } from 'node:zlib';

export const PNG_MAGIC: Buffer = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Buffer): Buffer {
	const len = Buffer.alloc(4);
	len.writeUInt32BE(data.length, 0);
	const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(typeAndData) >>> 0, 0);
	return Buffer.concat([len, typeAndData, crc]);
}

/** Small deterministic PRNG (mulberry32) so a seed always gives the same picture. */
function rng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export function makePng(width: number, height: number, seed = 1): Buffer {
	if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
		throw new RangeError(`makePng: bad size ${width}x${height}`);
	}
	const r = rng(seed);
	const base = [Math.floor(r() * 256), Math.floor(r() * 256), Math.floor(r() * 256)] as const;
	const stripe = 3 + Math.floor(r() * 9);
	const cell = 4 + Math.floor(r() * 12);
	const rowLen = width * 4 + 1;
	const raw = Buffer.alloc(rowLen * height);
	for (let y = 0; y < height; y++) {
		const row = y * rowLen;
		raw[row] = 0; // filter: none
		for (let x = 0; x < width; x++) {
			const o = row + 1 + x * 4;
			const gx = Math.floor((x / Math.max(1, width - 1)) * 255);
			const gy = Math.floor((y / Math.max(1, height - 1)) * 255);
			const onStripe = Math.floor((x + y) / stripe) % 2 === 0;
			const onCheck = (Math.floor(x / cell) + Math.floor(y / cell)) % 2 === 0;
			raw[o] = (base[0] + gx + (onStripe ? 60 : 0)) & 0xff;
			raw[o + 1] = (base[1] + gy + (onCheck ? 90 : 0)) & 0xff;
			raw[o + 2] = (base[2] + ((gx + gy) >> 1)) & 0xff;
			raw[o + 3] = 0xff;
		}
	}
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(width, 0);
	ihdr.writeUInt32BE(height, 4);
	ihdr[8] = 8; // bit depth
	ihdr[9] = 6; // colour type RGBA
	ihdr[10] = 0; // compression
	ihdr[11] = 0; // filter method
	ihdr[12] = 0; // no interlace
	return Buffer.concat([PNG_MAGIC, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}
