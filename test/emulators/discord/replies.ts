/** HTTP replies and the error bodies Discord answers with (including the nested 50035 form errors). */
import { isRecord } from './util.js';

export interface Reply {
	status: number;
	body?: unknown;
	headers?: Record<string, string>;
	/** Raw bytes (attachment downloads) instead of a JSON body. */
	raw?: { data: Buffer; contentType: string };
	interactionId?: string;
}

export function apiError(status: number, code: number, message: string, errors?: Record<string, unknown>): Reply {
	return { status, body: errors ? { message, code, errors } : { message, code } };
}

export const UNAUTHORIZED = (): Reply => apiError(401, 0, '401: Unauthorized');
export const NOT_FOUND = (): Reply => apiError(404, 0, '404: Not Found');
export const UNKNOWN_INTERACTION = (): Reply => apiError(404, 10062, 'Unknown interaction');
export const UNKNOWN_WEBHOOK = (): Reply => apiError(404, 10015, 'Unknown Webhook');
export const UNKNOWN_MESSAGE = (): Reply => apiError(404, 10008, 'Unknown Message');
/** A guild or channel the bot is not in (a user install used there). */
export const MISSING_ACCESS = (): Reply => apiError(403, 50001, 'Missing Access');
export const UNKNOWN_CHANNEL = (): Reply => apiError(404, 10003, 'Unknown Channel');

/** Discord's 50035 shape: errors nested by path, leaves hold `_errors`. */
export class FormErrors {
	readonly root: Record<string, unknown> = {};
	count = 0;

	add(path: Array<string | number>, code: string, message: string): void {
		let node = this.root;
		for (const key of path) {
			const next = node[String(key)];
			if (isRecord(next)) {
				node = next;
			} else {
				const created: Record<string, unknown> = {};
				node[String(key)] = created;
				node = created;
			}
		}
		const list = Array.isArray(node._errors) ? (node._errors as unknown[]) : [];
		list.push({ code, message });
		node._errors = list;
		this.count++;
	}

	reply(): Reply | null {
		return this.count === 0 ? null : apiError(400, 50035, 'Invalid Form Body', this.root);
	}
}

export function formError(path: Array<string | number>, code: string, message: string): Reply {
	const errors = new FormErrors();
	errors.add(path, code, message);
	return apiError(400, 50035, 'Invalid Form Body', errors.root);
}
