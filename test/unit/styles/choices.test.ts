// What members pick from: autocomplete choices within Discord's limits, and Remix's style select (no style, the
// image's own first and chosen, then built-ins and the server's, at most 25) with how its answer is read back.
import { describe, expect, it } from 'vitest';
import { remixStyleChosen, remixStyleOptions, styleChoices } from '../../../src/styles/choices.js';
import { suggest } from '../../../src/styles/resolve.js';

const server = Array.from({ length: 25 }, (_, i) => ({
	name: `Server style ${String(i).padStart(2, '0')}`,
	template: `${'long words '.repeat(40)}{prompt} ${i}`,
}));

describe('style choices', () => {
	it('name each suggestion with a hint within 100 characters, and give the style name as the value', () => {
		const choices = styleChoices(suggest('', server));
		expect(choices).toHaveLength(25);
		expect(choices[0]).toEqual({ name: 'Photo — realistic photograph, natural light', value: 'Photo' });
		for (const c of choices) expect(c.name.length).toBeLessThanOrEqual(100);
		expect(choices.at(-1)?.name).toMatch(/^Server style 14 — server style: long words/);
	});

	it("offer Remix no style, then the image's own style (chosen), then the rest, 25 at most and each value once", () => {
		const own = { name: 'Server style 03', template: 'old {prompt}' };
		const options = remixStyleOptions(own, server);
		expect(options).toHaveLength(25);
		expect(options.slice(0, 3).map((o) => [o.label, o.value, o.default])).toEqual([
			['No style', 'none', false],
			['Server style 03', 'own', true],
			['Photo', 'name:photo', undefined],
		]);
		expect(new Set(options.map((o) => o.value)).size).toBe(25);
		expect(options.filter((o) => o.label === 'Server style 03')).toHaveLength(1);
		for (const o of options) expect((o.description ?? '').length).toBeLessThanOrEqual(100);
		const none = remixStyleOptions(undefined, []);
		expect(none.filter((o) => o.default).map((o) => o.value)).toEqual(['none']);
		expect(none).toHaveLength(11);
	});

	it("read Remix's answer back: no style, a style now, or the image's own as it was if it is gone", () => {
		const own = { name: 'Gone style', template: 'gone {prompt}' };
		expect(remixStyleChosen('none', own, server)).toEqual({ ok: true, style: undefined });
		expect(remixStyleChosen('own', own, server)).toEqual({ ok: true, style: own });
		expect(remixStyleChosen('own', { name: 'Server style 01', template: 'was {prompt}' }, server)).toEqual({
			ok: true,
			style: { name: 'Server style 01', template: server[1]!.template },
		});
		expect(remixStyleChosen('name:anime', undefined, [])).toMatchObject({ ok: true, style: { name: 'Anime' } });
		expect(remixStyleChosen('name:server style 09', undefined, [])).toEqual({ ok: false, name: 'server style 09' });
		expect(remixStyleChosen('own', undefined, [])).toEqual({ ok: false, name: 'own' });
		// A form shown before it had a style field keeps the image's style.
		expect(remixStyleChosen(undefined, own, [])).toEqual({ ok: true, style: own });
	});
});
