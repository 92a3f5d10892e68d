// One pino logger for the whole bot. Secrets are scrubbed from every serialized line,
// so a token inside an error message or a URL is caught too, not just known fields.
import { pino, type DestinationStream, type Logger } from 'pino';
import { redactUrls } from './util/url.js';

export type { Logger } from 'pino';

export function scrubber(secrets: readonly string[]): (text: string) => string {
	// Also catch the forms a secret takes inside URLs and JSON.
	const needles = [...new Set(secrets.filter((s) => s.length >= 6).flatMap((s) => [s, encodeURIComponent(s), JSON.stringify(s).slice(1, -1)]))];
	needles.sort((a, b) => b.length - a.length);
	return (text) => {
		// Interaction tokens ride in webhook and callback URLs; they are credentials for 15 minutes.
		let out = text.replace(/(\/(?:webhooks|interactions)\/\d+\/)[A-Za-z0-9_\-.%]{20,}/g, '$1[token]');
		for (const needle of needles) if (out.includes(needle)) out = out.replaceAll(needle, '[REDACTED]');
		// CDN links are bearer links: a query (signatures) or a token-like path is cut to a short hash.
		return redactUrls(out);
	};
}

/** Errors keep type, message, stack and status; discord.js's requestBody (uploaded files, user text) stays out. */
function serializeError(error: unknown): unknown {
	if (!(error instanceof Error)) return error;
	const out = pino.stdSerializers.err(error) as unknown as Record<string, unknown>;
	delete out.requestBody;
	delete out.rawError;
	return out;
}

export function createLogger(options: { level: string; secrets: readonly string[]; destination?: DestinationStream }): Logger {
	const scrub = scrubber(options.secrets);
	return pino(
		{
			level: options.level,
			base: { app: 'imagine-bot' },
			timestamp: pino.stdTimeFunctions.isoTime,
			redact: { paths: ['*.authorization', '*.Authorization', '*.token', 'headers.authorization'], censor: '[REDACTED]' },
			hooks: { streamWrite: scrub },
			serializers: { err: serializeError },
		},
		options.destination ?? pino.destination({ fd: 1, sync: false }),
	);
}
