// Lint rules that catch real bugs here (promises, any, non-null); style is Prettier's job.
// Import cycles are checked by test/architecture/import-cycles.test.ts (type-only imports included).
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
	{ ignores: ['dist/', 'node_modules/', 'coverage/'] },
	js.configs.recommended,
	...tseslint.configs.recommendedTypeChecked,
	{
		languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
		rules: {
			'@typescript-eslint/no-floating-promises': 'error',
			'@typescript-eslint/no-misused-promises': 'error',
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
			'@typescript-eslint/no-explicit-any': 'error',
			'@typescript-eslint/no-non-null-assertion': 'error',
			'@typescript-eslint/consistent-type-imports': 'error',
			'@typescript-eslint/switch-exhaustiveness-check': 'error',
			'no-console': 'error',
			eqeqeq: ['error', 'smart'],
		},
	},
	{
		// Scripts talk to a terminal; in tests a wrong `!` fails the test loudly, which is what a test is for.
		files: ['test/**/*.ts', 'src/deploy-commands.ts'],
		rules: {
			'no-console': 'off',
			'@typescript-eslint/no-non-null-assertion': 'off',
			// The emulators speak raw wire data (opcodes as numbers, Buffers as text) on purpose.
			'@typescript-eslint/no-unsafe-enum-comparison': 'off',
			'@typescript-eslint/no-base-to-string': 'off',
			// vitest's asymmetric matchers (expect.stringContaining…) are typed `any`.
			'@typescript-eslint/no-unsafe-assignment': 'off',
		},
	},
	{ files: ['**/*.js'], ...tseslint.configs.disableTypeChecked },
	prettier,
);
