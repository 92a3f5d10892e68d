// Finding a style by the name a member typed or picked (built in first, then the server's), and the
// suggestions autocomplete offers while they type. Pure: the caller reads the server's styles once.
import type { StyleSnapshot } from '../records/job.js';
import { finalPrompt } from '../records/job.js';
import { BUILT_IN_STYLES, type BuiltInId } from './built-in.js';
import { FINAL_PROMPT_MAX, nameKey } from './rules.js';

/** Discord shows at most 25 suggestions, and a select at most 25 options. */
export const MAX_CHOICES = 25;

export interface Suggestion {
	name: string;
	/** Set for a built-in style (its hint is in the texts); absent for a server style. */
	builtIn?: BuiltInId;
	template: string;
}

/** The style called `name` (any case, any spacing) among the built-ins and `server`, as a snapshot for the job. */
export function findStyle(name: string, server: readonly StyleSnapshot[]): StyleSnapshot | undefined {
	const key = nameKey(name);
	if (!key) return undefined;
	const found = BUILT_IN_STYLES.find((s) => nameKey(s.name) === key) ?? server.find((s) => nameKey(s.name) === key);
	return found && { name: found.name, template: found.template };
}

/** Built-in (unless left out) and server styles whose name contains `typed` (any case), names starting with it first; at most 25. */
export function suggest(typed: string, server: readonly StyleSnapshot[], builtIns = true): Suggestion[] {
	const key = nameKey(typed);
	const all: Suggestion[] = [
		...(builtIns ? BUILT_IN_STYLES.map((s) => ({ name: s.name, builtIn: s.id, template: s.template })) : []),
		...server.map((s) => ({ name: s.name, template: s.template })),
	];
	const matching = all.filter((s) => nameKey(s.name).includes(key));
	const starts = matching.filter((s) => nameKey(s.name).startsWith(key));
	const rest = matching.filter((s) => !nameKey(s.name).startsWith(key));
	return [...starts, ...rest].slice(0, MAX_CHOICES);
}

/** The prompt hiapi would get, or its length when that is over what the bot sends. */
export function styledPrompt(prompt: string, style: StyleSnapshot | undefined): { ok: true; prompt: string } | { ok: false; length: number } {
	const final = finalPrompt(prompt, style);
	return final.length <= FINAL_PROMPT_MAX ? { ok: true, prompt: final } : { ok: false, length: final.length };
}

/**
 * What autocomplete offers for `typed`: the server's styles are read once, but never waited on past `deadlineMs`
 * (a slow store still gets the member the built-ins well within Discord's 3 s).
 */
export async function suggestWithin(typed: string, server: () => Promise<readonly StyleSnapshot[]>, deadlineMs: number): Promise<Suggestion[]> {
	let timer: NodeJS.Timeout | undefined;
	const late = new Promise<readonly StyleSnapshot[]>((resolve) => {
		timer = setTimeout(() => resolve([]), deadlineMs);
	});
	try {
		return suggest(typed, await Promise.race([server(), late]));
	} finally {
		clearTimeout(timer);
	}
}
