// Every custom_id the bot puts on a button or modal, built and parsed here and nowhere else.
// A custom_id comes back from Discord as untrusted input (old messages, other bots' formats, forgeries):
// it is parsed with zod and anything unexpected is simply "not ours".
import { z } from 'zod';

/** `<command>:<action>:<jobId>`: what to load after any restart is in the id itself. */
const snowflake = z.string().regex(/^\d{17,20}$/);
const customIdSchema = z.discriminatedUnion('action', [
	z.object({ command: z.literal('imagine'), action: z.literal('reroll'), jobId: snowflake }),
	z.object({ command: z.literal('imagine'), action: z.literal('remix'), jobId: snowflake }),
	z.object({ command: z.literal('imagine'), action: z.literal('delete'), jobId: snowflake }),
	/** The Remix modal: submitting it starts a job from the form. */
	z.object({ command: z.literal('imagine'), action: z.literal('remix-form'), jobId: snowflake }),
]);
export type CustomId = z.infer<typeof customIdSchema>;
export type CustomIdAction = CustomId['action'];

/** Field ids inside the Remix modal. */
export const REMIX_FIELDS = { prompt: 'prompt', aspectRatio: 'aspect_ratio' } as const;

export function buildCustomId(id: CustomId): string {
	return `${id.command}:${id.action}:${id.jobId}`;
}

/** The parsed id, or undefined for anything this bot did not make (or no longer understands). */
export function parseCustomId(raw: string): CustomId | undefined {
	if (raw.length > 100) return undefined;
	const [command, action, jobId, ...rest] = raw.split(':');
	if (rest.length > 0) return undefined;
	const parsed = customIdSchema.safeParse({ command, action, jobId });
	return parsed.success ? parsed.data : undefined;
}
