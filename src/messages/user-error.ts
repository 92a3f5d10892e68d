// An expected problem whose message is shown to the member as is (the router's error boundary answers with it).

/** An expected problem whose message is shown to the user as is. */
export class UserError extends Error {
	override name = 'UserError';
}
