// The layout a reader relies on: `ls src` shows the rooms, each says what it is for in its main file's first
// line, few files stay loose, and no file in src/ or commands/ grows past 300 lines.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './folder-graph.js';

const SRC = join(ROOT, 'src');
const MAX_LINES = 300;
const MAX_LOOSE = 8;

function filesUnder(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		return statSync(path).isDirectory() ? filesUnder(path) : name.endsWith('.ts') ? [path] : [];
	});
}

describe('layout', () => {
	it(`keeps at most ${MAX_LOOSE} files loose in src/`, () => {
		const loose = readdirSync(SRC).filter((name) => name.endsWith('.ts'));
		expect(loose.length, loose.join(', ')).toBeLessThanOrEqual(MAX_LOOSE);
	});

	it('gives every folder of src/ a main file whose first line says what the folder is for', () => {
		const folders = readdirSync(SRC).filter((name) => statSync(join(SRC, name)).isDirectory());
		expect(folders.length).toBeGreaterThan(5);
		for (const folder of folders) {
			const mains = filesUnder(join(SRC, folder)).filter((file) => readFileSync(file, 'utf8').startsWith(`// ${folder}/: `));
			expect(
				mains.map((f) => relative(ROOT, f)),
				`src/${folder}/ needs exactly one file starting "// ${folder}/: <purpose>"`,
			).toHaveLength(1);
		}
	});

	it(`keeps every file in src/ and commands/ within ${MAX_LINES} lines`, () => {
		const long = [...filesUnder(SRC), ...filesUnder(join(ROOT, 'commands'))]
			.map((file) => ({ file: relative(ROOT, file), lines: readFileSync(file, 'utf8').split('\n').length - 1 }))
			.filter((f) => f.lines > MAX_LINES);
		expect(long).toEqual([]);
	});
});
