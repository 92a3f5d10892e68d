// Dependencies point one way: commands/ → src/, with the wiring (bot, deploy-commands) above both.
// Type-only imports count too: a type cycle still ties two modules' designs together.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseCircular, parseDependencyTree } from 'dpdm';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

async function cyclesIn(cwd: string, entries: string[]): Promise<string[][]> {
	// The tsconfig lets dpdm map './x.js' to x.ts as NodeNext does; node_modules is outside the question.
	const tree = await parseDependencyTree(entries, { cwd, context: cwd, transform: false, exclude: /node_modules/, tsconfig: join(cwd, 'tsconfig.json') });
	return parseCircular(tree);
}

describe('module graph', () => {
	it('has no import cycle in src/ or commands/', async () => {
		const cycles = await cyclesIn(ROOT, ['src/**/*.ts', 'commands/**/*.ts']);
		expect(cycles.map((c) => c.join(' → '))).toEqual([]);
	});

	it('the check finds a cycle, type-only imports included', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'cycle-'));
		try {
			mkdirSync(join(dir, 'src'));
			writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext' } }));
			writeFileSync(join(dir, 'src/a.ts'), "import type { B } from './b.js';\nexport interface A { b: B }\n");
			writeFileSync(join(dir, 'src/b.ts'), "import type { A } from './a.js';\nexport interface B { a?: A }\n");
			const cycles = await cyclesIn(dir, ['src/**/*.ts']);
			expect(cycles).toHaveLength(1);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});
});
