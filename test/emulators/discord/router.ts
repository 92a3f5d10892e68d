/** The REST router: route table entries, path matching with `:params`, and the bot-token check. */
import { type Reply, NOT_FOUND, UNAUTHORIZED } from './replies.js';
import type { RecordedFile } from './types.js';

export interface RouteContext {
	params: Record<string, string>;
	query: Record<string, string>;
	headers: Record<string, string>;
	json: unknown;
	files: RecordedFile[];
}

export interface Route {
	method: string;
	segments: string[];
	auth: boolean;
	handle: (ctx: RouteContext) => Reply;
}

/** A route table entry; `path` segments starting with ':' capture params. */
export function defineRoute(method: string, path: string, auth: boolean, handle: (ctx: RouteContext) => Reply): Route {
	return {
		method,
		segments: path.split('/').filter(Boolean),
		auth,
		handle,
	};
}

/** Runs the first route matching `method` and `segments`: 401 if it needs the bot token and lacks it, 404 if none matches. */
export function runRoute(routes: readonly Route[], token: string, method: string, segments: string[], base: RouteContext): Reply {
	for (const route of routes) {
		if (route.method !== method || route.segments.length !== segments.length) continue;
		const params: Record<string, string> = {};
		let matched = true;
		route.segments.forEach((pattern, i) => {
			const actual = segments[i] ?? '';
			if (pattern.startsWith(':')) params[pattern.slice(1)] = actual;
			else if (pattern !== actual) matched = false;
		});
		if (!matched) continue;
		if (route.auth && base.headers.authorization !== `Bot ${token}`) return UNAUTHORIZED();
		return route.handle({ ...base, params });
	}
	return NOT_FOUND();
}
