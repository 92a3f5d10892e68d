// The styles every server has: prompt templates written for FLUX 1.1 Pro, which follows plain descriptive
// sentences best (medium first, then light, detail and finish). `{prompt}` is the member's words. Each one's
// short hint for members is in the catalogue (messages/locales/*/style.ts, `style.hint.<id>`).
import type { StyleSnapshot } from '../records/job.js';

export const BUILT_IN_IDS = [
	'photo',
	'cinematic',
	'anime',
	'watercolor',
	'oil-painting',
	'pixel-art',
	'3d-render',
	'line-art',
	'comic-book',
	'fantasy-art',
] as const;
export type BuiltInId = (typeof BUILT_IN_IDS)[number];

export interface BuiltInStyle extends StyleSnapshot {
	id: BuiltInId;
}

const TEMPLATES: Record<BuiltInId, StyleSnapshot> = {
	photo: {
		name: 'Photo',
		template:
			'A high-resolution photograph of {prompt}. Shot on a full-frame camera with a 50mm lens, natural light, accurate colours, sharp focus, fine realistic detail and texture.',
	},
	cinematic: {
		name: 'Cinematic',
		template:
			'A cinematic film still of {prompt}. Anamorphic widescreen framing, dramatic lighting with deep shadows, shallow depth of field, subtle film grain, rich colour grading.',
	},
	anime: {
		name: 'Anime',
		template: 'An anime illustration of {prompt}. Clean cel shading, crisp line work, expressive characters, vibrant colours, detailed painted background.',
	},
	watercolor: {
		name: 'Watercolor',
		template:
			'A watercolor painting of {prompt}. Soft translucent washes, colours bleeding gently into each other, visible paper texture, loose brushwork, light airy palette.',
	},
	'oil-painting': {
		name: 'Oil painting',
		template:
			'An oil painting on canvas of {prompt}. Thick impasto brushstrokes, rich layered colour, classical composition, warm directional light, visible canvas weave.',
	},
	'pixel-art': {
		name: 'Pixel art',
		template: 'Pixel art of {prompt}. 16-bit retro video game style, limited colour palette, crisp hard-edged pixels, no anti-aliasing, clean readable shapes.',
	},
	'3d-render': {
		name: '3D render',
		template:
			'A 3D render of {prompt}. Physically based materials, soft global illumination, studio lighting, smooth clean surfaces, subtle ambient occlusion, high detail.',
	},
	'line-art': {
		name: 'Line art',
		template: 'Black ink line art of {prompt}. Clean confident outlines, fine hatching for shading, no colour, white background, minimal and elegant.',
	},
	'comic-book': {
		name: 'Comic book',
		template: 'A comic book panel of {prompt}. Bold black inks, flat vivid colours, halftone dot shading, dynamic composition, dramatic perspective.',
	},
	'fantasy-art': {
		name: 'Fantasy art',
		template:
			'Epic fantasy concept art of {prompt}. Painterly detail, sweeping sense of scale, magical atmosphere, glowing light through mist, rich saturated colours.',
	},
};

export const BUILT_IN_STYLES: readonly BuiltInStyle[] = BUILT_IN_IDS.map((id) => ({ id, ...TEMPLATES[id] }));
