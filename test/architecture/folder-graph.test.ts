// Dependencies point one way between folders, not only between files: src/budget may use src/vault or the other way round,
// never both, even when no single file cycle joins them. Only the composition root (src/main.ts, src/deploy-commands.ts)
// imports commands/, and commands never import each other. Type-only imports count. Rules: .dependency-cruiser.js.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ArchitectureReport, checkArchitecture, folderOf, ROOT } from './folder-graph.js';

/** Writes `files` (path → source) into a fresh tree with the repository's module settings, checks it, then removes it. */
async function checkPlanted(files: Record<string, string>): Promise<ArchitectureReport> {
	const dir = mkdtempSync(join(tmpdir(), 'folders-'));
	try {
		mkdirSync(join(dir, 'src'));
		mkdirSync(join(dir, 'commands'));
		writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext' } }));
		for (const [path, source] of Object.entries(files)) {
			mkdirSync(dirname(join(dir, path)), { recursive: true });
			writeFileSync(join(dir, path), source);
		}
		return await checkArchitecture(dir);
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

describe('folder graph', () => {
	let real: ArchitectureReport;
	beforeAll(async () => {
		real = await checkArchitecture(ROOT);
	});

	it('has no loop between folders of src/ (loose src/*.ts files and commands/ count as folders of their own)', () => {
		expect(real.folderLoops).toEqual([]);
	});

	it('only src/main.ts and src/deploy-commands.ts import commands/', () => {
		expect(real.violations['commands-only-from-composition-root']).toEqual([]);
	});

	it('commands do not import each other (only commands/index.ts lists them)', () => {
		expect(real.violations['commands-do-not-import-each-other']).toEqual([]);
	});

	it('counts a folder by its first segment under src/', () => {
		expect(['src/images/queue/fleet.ts', 'src/images/start.ts', 'src/main.ts', 'commands/imagine.ts', 'node_modules/zod/index.cjs'].map(folderOf)).toEqual([
			'src/images',
			'src/images',
			'src/main.ts',
			'commands',
			undefined,
		]);
	});
});

describe('the folder check can fail', () => {
	it('finds a loop between two folders that no file cycle joins, type-only imports included', async () => {
		const report = await checkPlanted({
			'src/a/x.ts': "import type { Y } from '../b/y.js';\nexport type X = Y[];\n",
			'src/a/w.ts': 'export const w = 1;\n',
			'src/b/y.ts': 'export interface Y { y: number }\n',
			'src/b/z.ts': "import { w } from '../a/w.js';\nexport const z = w + 1;\n",
			'src/c/v.ts': "import { z } from '../b/z.js';\nexport const v = z;\n",
		});
		expect(report.folderLoops).toEqual(['loop [src/a, src/b]: src/a/x.ts → src/b/y.ts (type-only)', 'loop [src/a, src/b]: src/b/z.ts → src/a/w.ts']);
	});

	it('finds a loop through a subfolder and a loose src/*.ts file', async () => {
		const report = await checkPlanted({
			'src/contract.ts': "import type { Job } from './images/queue/job.js';\nexport interface Contract { job: Job }\n",
			'src/images/queue/job.ts': 'export interface Job { id: string }\n',
			'src/images/start.ts': "import type { Contract } from '../contract.js';\nexport type Start = Contract;\n",
		});
		expect(report.folderLoops).toEqual([
			'loop [src/contract.ts, src/images]: src/contract.ts → src/images/queue/job.ts (type-only)',
			'loop [src/contract.ts, src/images]: src/images/start.ts → src/contract.ts (type-only)',
		]);
	});

	it('still counts an import of a file that is missing mid-move', async () => {
		const report = await checkPlanted({
			'src/a/x.ts': "export { y } from '../b/gone.js';\n",
			'src/b/y.ts': "import { x } from '../a/x.js';\nexport const y = x;\n",
		});
		expect(report.folderLoops).toEqual(['loop [src/a, src/b]: src/a/x.ts → src/b/gone.js', 'loop [src/a, src/b]: src/b/y.ts → src/a/x.ts']);
	});

	it('reports src/ importing commands/ outside the composition root, and commands importing each other', async () => {
		const report = await checkPlanted({
			'commands/index.ts': "import ping from './ping.js';\nimport pong from './pong.js';\nexport const commands = [ping, pong] as const;\n",
			'commands/ping.ts': "import type pong from './pong.js';\nexport default { name: 'ping' } as { name: string; next?: typeof pong };\n",
			'commands/pong.ts': "export default { name: 'pong' };\n",
			'src/main.ts': "import { commands } from '../commands/index.js';\nexport const count = commands.length;\n",
			'src/app/router.ts': "import type { commands } from '../../commands/index.js';\nexport type Commands = typeof commands;\n",
		});
		expect(report.violations).toEqual({
			'commands-only-from-composition-root': ['src/app/router.ts → commands/index.ts'],
			'commands-do-not-import-each-other': ['commands/ping.ts → commands/pong.ts'],
		});
	});
});
