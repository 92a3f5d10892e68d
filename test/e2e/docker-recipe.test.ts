// The Dockerfile's recipe, run outside Docker (CI has no Docker engine): the files its build stage copies
// (taken from git, as a build context would be) go into a temporary directory, the npm commands its RUN lines
// name are run there exactly, dev dependencies must be gone afterwards, and the pruned result, started the
// way the image's CMD starts it, must connect, deliver an /imagine, answer /healthz and stop cleanly on SIGTERM.
// The commands and the CMD are read from the Dockerfile, so this test and the image cannot drift apart.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NODE_FLAGS, ROOT, createWorld, freePort, imagine, outcome, spawnBot, type World } from './harness.js';

interface Instruction {
	stage: number;
	stageName: string | undefined;
	op: string;
	args: string;
}

/** Dockerfile → instructions (continuations joined, comments dropped), each tagged with its stage. */
function parseDockerfile(text: string): Instruction[] {
	const out: Instruction[] = [];
	let stage = -1;
	let stageName: string | undefined;
	let pending = '';
	for (const raw of text.split('\n')) {
		const line = raw.trim();
		if (line.startsWith('#') || (!pending && !line)) continue;
		if (line.endsWith('\\')) {
			pending += `${line.slice(0, -1).trim()} `;
			continue;
		}
		const full = (pending + line).trim();
		pending = '';
		if (!full) continue;
		const m = /^(\S+)\s*(.*)$/s.exec(full);
		if (!m) continue;
		const op = (m[1] ?? '').toUpperCase();
		const args = m[2] ?? '';
		if (op === 'FROM') {
			stage += 1;
			stageName = /\sAS\s+(\S+)/i.exec(` ${args}`)?.[1];
		}
		out.push({ stage, stageName, op, args });
	}
	return out;
}

/** The value of an exec-form (JSON array) instruction such as CMD ["node", "x.js"]. */
function execForm(args: string): string[] {
	const parsed: unknown = JSON.parse(args);
	if (!Array.isArray(parsed) || !parsed.every((p) => typeof p === 'string')) throw new Error(`not an exec-form array: ${args}`);
	return parsed;
}

const dockerfile = parseDockerfile(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
const lastStage = Math.max(...dockerfile.map((i) => i.stage));
const buildStage = dockerfile.filter((i) => i.stageName === 'build');
const runtime = dockerfile.filter((i) => i.stage === lastStage);
/** Every npm command of the build stage's RUN lines, in order. */
const npmSteps = buildStage
	.filter((i) => i.op === 'RUN')
	.flatMap((i) => i.args.split('&&').map((c) => c.trim()))
	.filter((c) => c.startsWith('npm '))
	.map((c) => c.split(/\s+/).slice(1));
/** Sources of the build stage's plain COPY lines: what the image is built from. */
const copySources = buildStage
	.filter((i) => i.op === 'COPY' && !i.args.startsWith('--'))
	.flatMap((i) => i.args.split(/\s+/).slice(0, -1))
	.map((s) => s.replace(/^\.\//, '').replace(/\/$/, ''));

describe('Dockerfile', () => {
	it('builds with npm ci → npm run build → npm prune --omit=dev from package files, tsconfigs, src and commands', () => {
		expect(buildStage[0]?.args).toMatch(/^node:24-bookworm-slim\s+AS\s+build$/i);
		expect(npmSteps.map((s) => s.filter((a) => !['--no-audit', '--no-fund'].includes(a)).join(' '))).toEqual(['ci', 'run build', 'prune --omit=dev']);
		expect(copySources).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'src', 'commands']));
	});

	it('runs node dist/src/main.js under tini as the node user, with the documented defaults', () => {
		const one = (op: string) => runtime.filter((i) => i.op === op).at(-1)?.args;
		expect(runtime[0]?.args).toBe('node:24-bookworm-slim');
		expect(execForm(one('CMD') ?? '')).toEqual(['node', 'dist/src/main.js']);
		expect(execForm(one('ENTRYPOINT') ?? '')).toEqual(['/usr/bin/tini', '--']);
		expect(one('USER')).toBe('node');
		expect(one('WORKDIR')).toBe('/app');
		expect(one('STOPSIGNAL')).toBe('SIGTERM');
		expect(one('VOLUME')).toBe('/data');
		// A relative STORE_URL (sqlite://data/…, the .env.example default) must land in the volume as well.
		expect(runtime.some((i) => i.op === 'RUN' && /\bln -s \/data \/app\/data\b/.test(i.args))).toBe(true);
		expect(one('HEALTHCHECK')).toMatch(/CMD \[.*\/healthz/);
		const env = runtime
			.filter((i) => i.op === 'ENV')
			.map((i) => i.args)
			.join(' ');
		for (const kv of ['NODE_ENV=production', 'STORE_URL=sqlite:///data/imagine-bot.sqlite', 'HEALTH_PORT=8080', `NODE_OPTIONS=${NODE_FLAGS.join(' ')}`]) {
			expect(env.split(/\s+/)).toContain(kv);
		}
		// The runtime stage takes only the pruned build output from the build stage, never the context.
		const copies = runtime.filter((i) => i.op === 'COPY');
		expect(copies.every((c) => c.args.startsWith('--from=build '))).toBe(true);
		expect(copies.map((c) => c.args.split(/\s+/)[1])).toEqual(expect.arrayContaining(['/app/node_modules', '/app/dist', '/app/package.json']));
		// The version label follows package.json.
		const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
		expect(runtime.find((i) => i.op === 'ARG' && i.args.startsWith('VERSION='))?.args).toBe(`VERSION=${version}`);
		for (const label of ['title', 'description', 'source', 'licenses', 'version']) expect(one('LABEL')).toContain(`org.opencontainers.image.${label}=`);
	});

	it('.dockerignore keeps secrets, dependencies, build output, data and test output out of the context', () => {
		const patterns = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
			.split('\n')
			.map((l) => l.trim())
			.filter((l) => l && !l.startsWith('#'));
		for (const p of ['.env', '*.pem', 'node_modules', 'dist', 'data', '*.sqlite', '*.sqlite-*', '.git', 'coverage', 'demo-output'])
			expect(patterns).toContain(p);
	});
});

/** The caller's environment (PATH, npm and proxy settings) less what an enclosing `npm test` or vitest adds. */
function npmEnv(): NodeJS.ProcessEnv {
	const env = { ...process.env };
	for (const key of Object.keys(env)) {
		if (
			/^npm_(lifecycle_|package_|command$|config_local_prefix$|config_call$)/i.test(key) ||
			key === 'INIT_CWD' ||
			key === 'NODE_ENV' ||
			key.startsWith('VITEST')
		)
			delete env[key];
	}
	return env;
}

function run(command: string, args: string[], cwd: string): Promise<string> {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, { cwd, env: npmEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
		let output = '';
		child.stdout.setEncoding('utf8').on('data', (c: string) => (output += c));
		child.stderr.setEncoding('utf8').on('data', (c: string) => (output += c));
		child.once('error', reject);
		child.once('exit', (code, signal) =>
			code === 0 ? resolve(output) : reject(new Error(`${command} ${args.join(' ')} exited ${code ?? signal}:\n${output.slice(-4000)}`)),
		);
	});
}

describe('the Dockerfile recipe, outside Docker', () => {
	// Made by the first test, not at collection, so a filtered run (-t) that skips this suite leaves nothing behind.
	let dir = '';
	let world: World | undefined;
	let built = false;

	afterAll(async () => {
		await world?.close();
		if (dir) rmSync(dir, { recursive: true, force: true });
	}, 30_000);

	it('npm ci, npm run build and npm prune --omit=dev in a copy of the build context leave production dependencies only', async () => {
		dir = mkdtempSync(join(tmpdir(), 'imagine-docker-recipe-'));
		// What `docker build` would see: tracked and untracked-but-not-ignored files, limited to what the build stage COPYs.
		const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' })
			.split('\0')
			.filter((f) => f && copySources.some((s) => f === s || f.startsWith(`${s}/`)))
			.filter((f) => existsSync(join(ROOT, f)) && statSync(join(ROOT, f)).isFile());
		expect(files).toContain('package-lock.json');
		expect(files).toContain('src/main.ts');
		for (const f of files) {
			mkdirSync(dirname(join(dir, f)), { recursive: true });
			cpSync(join(ROOT, f), join(dir, f));
		}

		for (const args of npmSteps) {
			// --prefer-offline only spares the registry; the commands are otherwise the Dockerfile's own.
			const extra = args[0] === 'run' ? [] : ['--prefer-offline', '--no-audit', '--no-fund'].filter((a) => !args.includes(a));
			await run('npm', [...args, ...extra], dir);
		}

		expect(existsSync(join(dir, 'dist/src/main.js'))).toBe(true);
		expect(existsSync(join(dir, 'dist/src/deploy-commands.js'))).toBe(true);
		expect(existsSync(join(dir, 'dist/test'))).toBe(false);
		for (const dev of ['vitest', 'typescript', 'tsx', 'esbuild']) expect(existsSync(join(dir, 'node_modules', dev)), `${dev} survived npm prune`).toBe(false);
		for (const dep of ['discord.js', 'keyv', '@keyv/sqlite', 'pino', 'prom-client', 'undici', 'zod'])
			expect(existsSync(join(dir, 'node_modules', dep)), `${dep} is missing`).toBe(true);
		expect(existsSync(join(dir, 'node_modules/sqlite3/build/Release/node_sqlite3.node'))).toBe(true);
		built = true;
	}, 240_000);

	it('the pruned build, started like the image CMD, connects, delivers an /imagine, is healthy and stops cleanly on SIGTERM', async () => {
		expect(built, 'the recipe did not build').toBe(true);
		const cmd = execForm(runtime.filter((i) => i.op === 'CMD').at(-1)?.args ?? '');
		expect(cmd[0]).toBe('node');
		const script = join(dir, cmd[1] ?? '');

		world = await createWorld({ IMAGE_PRICE_USD: '0.05' });
		const port = await freePort();
		const started = spawnBot({ ...world.env, NODE_ENV: 'production', HEALTH_PORT: String(port) }, dir, script);
		world.bots.push(started);
		await Promise.race([
			started.waitForLog((l) => l.msg === 'connected to Discord', 20_000),
			started.exited.then(({ code }) => {
				throw new Error(`bot exited (${code}) before connecting: ${started.stderr}${started.stdout.slice(-2000)}`);
			}),
		]);

		const sent = imagine(world, { prompt: 'a container ship at night' });
		const done = await outcome(world, started, sent.id);
		expect(done.kind).toBe('delivered');
		const task = world.hiapi.tasks().find((t) => t.idempotencyKey === sent.id);
		expect(done.finalEdit?.files[0]?.data.equals(world.hiapi.cdnBytes(task?.taskId ?? ''))).toBe(true);

		const health = await fetch(`http://127.0.0.1:${port}/healthz`);
		expect(health.status).toBe(200);
		expect(await health.json()).toMatchObject({ status: 'ok', gateway: true, store: true });

		const exit = await started.stop();
		expect(exit).toEqual({ code: 0, signal: null });
		expect(started.logs.some((l) => l.msg === 'stopped')).toBe(true);
	}, 60_000);
});
