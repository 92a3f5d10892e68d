// Which way imports may point between src/ and commands/. Checked inside `npm test` by test/architecture/folder-graph.test.ts,
// which also finds loops between folders (dependency-cruiser's own folder scope counts every loose src/*.ts file as the
// folder `src`, the parent of all, so it cannot tell the composition root from the contract). `npx depcruise src commands`
// prints the same rule violations by hand.
/** @type {import('dependency-cruiser').IConfiguration} */
export default {
	forbidden: [
		{
			name: 'commands-only-from-composition-root',
			comment: 'Only the composition root (src/main.ts, src/deploy-commands.ts) imports commands/; the rest of src/ must not know commands exist.',
			severity: 'error',
			from: { path: '^src/', pathNot: '^src/(main|deploy-commands)[.]ts$' },
			to: { path: '^commands/' },
		},
		{
			name: 'commands-do-not-import-each-other',
			comment: 'A command imports src/ and its own folder, never another command; only commands/index.ts (the explicit list) imports the commands.',
			severity: 'error',
			from: { path: '^commands/([^/.]+)', pathNot: '^commands/index[.]ts$' },
			to: { path: '^commands/', pathNot: '^commands/$1/' },
		},
	],
	options: {
		// Type-only imports count: a type import still ties two folders' designs together.
		tsPreCompilationDeps: true,
		doNotFollow: { path: 'node_modules' },
		tsConfig: { fileName: 'tsconfig.json' },
	},
};
