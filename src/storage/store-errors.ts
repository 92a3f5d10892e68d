// The store's errors: StoreError carries a message meant for the operator; isStoreUnreachable tells an outage
// (Redis down or reconnecting) from a bug.

export class StoreError extends Error {
	override name = 'StoreError';
}

const CONNECTION_ERRORS = new Set([
	'ClientClosedError',
	'ClientOfflineError',
	'SocketClosedUnexpectedlyError',
	'ConnectionTimeoutError',
	'SocketTimeoutError',
	'DisconnectsClientError',
]);

/** True when an error means the store cannot be reached right now (Redis down or reconnecting), not a bug. */
export function isStoreUnreachable(error: unknown): boolean {
	for (let e: unknown = error; e instanceof Error; e = e.cause) {
		if (CONNECTION_ERRORS.has(e.name) || /ECONNREFUSED|ECONNRESET|EHOSTUNREACH|client is (closed|offline)/i.test(e.message)) return true;
	}
	return false;
}
