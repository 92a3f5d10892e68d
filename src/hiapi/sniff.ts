// What an image download holds, told by its first bytes (magic numbers), with the content types hiapi's CDN sends.

export type ImageExtension = 'png' | 'jpg' | 'webp' | 'gif';

export function sniffImage(b: Buffer): { contentType: string; extension: ImageExtension } | undefined {
	if (b.length >= 8 && b.readUInt32BE(0) === 0x89504e47 && b.readUInt32BE(4) === 0x0d0a1a0a) {
		return { contentType: 'image/png', extension: 'png' };
	}
	if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return { contentType: 'image/jpeg', extension: 'jpg' };
	if (b.length >= 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') {
		return { contentType: 'image/webp', extension: 'webp' };
	}
	if (b.length >= 6 && (b.toString('latin1', 0, 6) === 'GIF87a' || b.toString('latin1', 0, 6) === 'GIF89a')) {
		return { contentType: 'image/gif', extension: 'gif' };
	}
	return undefined;
}

export const CONTENT_TYPE_EXT: Record<string, ImageExtension> = {
	'image/png': 'png',
	'image/jpeg': 'jpg',
	'image/jpg': 'jpg',
	'image/webp': 'webp',
	'image/gif': 'gif',
};
