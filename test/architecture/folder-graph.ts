// The one check behind folder-graph.test.ts, shared by the real tree and the planted trees so a planted loop runs the same code.
// dependency-cruiser reads the imports (type-only ones included) and applies the rules in .dependency-cruiser.js;
// the folder graph is built here from its module graph, because its own folder scope lumps every loose src/*.ts file into
// the folder `src`, the parent of all folders, where every import from main.ts into commands/ and back reads as a loop.
import { join, posix } from 'node:path';
import { cruise, type ICruiseOptions, type ICruiseResult, type IDependency } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';

export const ROOT = join(import.meta.dirname, '../..');

export interface ArchitectureReport {
	/** One line per import that closes a loop between two or more folders: `loop [src/a, src/b]: src/a/x.ts → src/b/y.ts`. */
	folderLoops: string[];
	/** The rules in .dependency-cruiser.js, each with the imports that break it: `src/app/router.ts → commands/index.ts`. */
	violations: Record<string, string[]>;
}

/**
 * A node of the folder graph: the first folder under src/ (src/images/queue is part of src/images), a loose src/*.ts file on
 * its own (main.ts, command.ts, config.ts…), or commands/ as a whole. Anything else (node_modules, node:*) is no node.
 */
export function folderOf(path: string): string | undefined {
	return /^(?:src\/[^/]+|commands)(?=\/|$)/.exec(path)?.[0];
}

/** The file an import points at; an import that does not resolve (a file mid-move) still points at a folder. */
function target(source: string, dependency: IDependency): string {
	return dependency.couldNotResolve && dependency.module.startsWith('.') ? posix.join(posix.dirname(source), dependency.module) : dependency.resolved;
}

/** Tarjan's strongly connected components; a component of two or more nodes is a loop. */
function loops(graph: Map<string, Set<string>>): string[][] {
	const index = new Map<string, number>();
	const low = new Map<string, number>();
	const stack: string[] = [];
	const onStack = new Set<string>();
	const found: string[][] = [];
	const visit = (node: string): void => {
		index.set(node, index.size);
		low.set(node, index.get(node)!);
		stack.push(node);
		onStack.add(node);
		for (const next of graph.get(node) ?? []) {
			if (!index.has(next)) {
				visit(next);
				low.set(node, Math.min(low.get(node)!, low.get(next)!));
			} else if (onStack.has(next)) {
				low.set(node, Math.min(low.get(node)!, index.get(next)!));
			}
		}
		if (low.get(node) === index.get(node)) {
			const component: string[] = [];
			let member: string;
			do {
				member = stack.pop()!;
				onStack.delete(member);
				component.push(member);
			} while (member !== node);
			if (component.length > 1) found.push(component.sort());
		}
	};
	for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
	return found.sort((a, b) => a[0]!.localeCompare(b[0]!));
}

function folderLoops(result: ICruiseResult): string[] {
	const graph = new Map<string, Set<string>>();
	const imports: { from: string; to: string; line: string }[] = [];
	for (const module of result.modules) {
		const from = folderOf(module.source);
		if (from === undefined) continue;
		for (const dependency of module.dependencies) {
			const file = target(module.source, dependency);
			const to = folderOf(file);
			if (to === undefined || to === from) continue;
			if (!graph.has(from)) graph.set(from, new Set());
			graph.get(from)!.add(to);
			const types = dependency.dependencyTypes.includes('type-only') ? ' (type-only)' : '';
			imports.push({ from, to, line: `${module.source} → ${file}${types}` });
		}
	}
	return loops(graph).flatMap((component) => {
		const members = new Set(component);
		return imports
			.filter(({ from, to }) => members.has(from) && members.has(to))
			.map(({ line }) => `loop [${component.join(', ')}]: ${line}`)
			.sort();
	});
}

/** Cruises src/ and commands/ under `cwd` (which needs a tsconfig.json) with the repository's rules. */
export async function checkArchitecture(cwd: string): Promise<ArchitectureReport> {
	const configured = await extractDepcruiseOptions(join(ROOT, '.dependency-cruiser.js'));
	const tsConfig = join(cwd, 'tsconfig.json');
	const options: ICruiseOptions = { ...configured, baseDir: cwd, tsConfig: { fileName: tsConfig } };
	const { output } = await cruise(['src', 'commands'], options, {}, { tsConfig: extractTSConfig(tsConfig) });
	if (typeof output === 'string') throw new Error('dependency-cruiser returned text, not a cruise result');
	const violations: Record<string, string[]> = {};
	for (const rule of configured.ruleSet?.forbidden ?? []) if (rule.name !== undefined) violations[rule.name] = [];
	for (const violation of output.summary.violations) (violations[violation.rule.name] ??= []).push(`${violation.from} → ${violation.to}`);
	for (const lines of Object.values(violations)) lines.sort();
	return { folderLoops: folderLoops(output), violations };
}
