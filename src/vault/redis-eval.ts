// Runs the vault's Lua scripts (redis-scripts.ts) by EVALSHA: a script's text is sent only when the server does
// not know it yet.
import { createHash } from 'node:crypto';
import type { RedisClientType } from '@keyv/redis';
import { CLOSE, OPEN, PRUNE, RESET_SPEND, SAVE } from './redis-scripts.js';

/** A script with its SHA1. */
export class Script {
	readonly sha: string;
	constructor(readonly source: string) {
		this.sha = createHash('sha1').update(source).digest('hex');
	}
}

export const SCRIPTS = {
	open: new Script(OPEN),
	close: new Script(CLOSE),
	save: new Script(SAVE),
	prune: new Script(PRUNE),
	resetSpend: new Script(RESET_SPEND),
};

/** Runs `script` with `args` as ARGV (the key prefix first). */
export async function runScript(client: RedisClientType, script: Script, args: string[]): Promise<unknown> {
	try {
		return await client.evalSha(script.sha, { arguments: args });
	} catch (error) {
		if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
		return client.eval(script.source, { arguments: args });
	}
}
