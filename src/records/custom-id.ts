// Every custom_id the bot puts on a button or modal, built and parsed here and nowhere else.
// A custom_id comes back from Discord as untrusted input (old messages, other bots' formats, forgeries):
// it is parsed with zod and anything unexpected is simply "not ours".
import { z } from 'zod';

/** `<command>:<action>:<jobId>`: what to load after any restart is in the id itself. */
const snowflake = z.string().regex(/^\d{17,20}$/);
const jobIdSchema = z.discriminatedUnion('action', [
	z.object({ command: z.literal('imagine'), action: z.literal('reroll'), jobId: snowflake }),
	z.object({ command: z.literal('imagine'), action: z.literal('remix'), jobId: snowflake }),
	z.object({ command: z.literal('imagine'), action: z.literal('delete'), jobId: snowflake }),
	/** The Remix modal: submitting it starts a job from the form. */
	z.object({ command: z.literal('imagine'), action: z.literal('remix-form'), jobId: snowflake }),
	/** /history's Again: the same request as that job, charged to whoever clicks. */
	z.object({ command: z.literal('history'), action: z.literal('again'), jobId: snowflake }),
]);
/** Ids naming a job. */
export type CustomId = z.infer<typeof jobIdSchema>;

/** /history's Prev/Next: the page to show (0-based, ASCII digits); whose history is always the clicker's. */
export const MAX_HISTORY_PAGE = 99;
const pageIdSchema = z.object({
	command: z.literal('history'),
	action: z.literal('page'),
	page: z
		.string()
		.regex(/^(0|[1-9]\d?)$/)
		.transform(Number),
});
export type PageId = z.output<typeof pageIdSchema>;

/** Every id the bot makes. */
export type AnyCustomId = CustomId | PageId;
export type CustomIdAction = AnyCustomId['action'];

/** Field ids inside the Remix modal. */
export const REMIX_FIELDS = { prompt: 'prompt', aspectRatio: 'aspect_ratio' } as const;

export function buildCustomId(id: AnyCustomId): string {
	return 'page' in id ? `${id.command}:${id.action}:${id.page}` : `${id.command}:${id.action}:${id.jobId}`;
}

/** The parsed id, or undefined for anything this bot did not make (or no longer understands). */
export function parseCustomId(raw: string): AnyCustomId | undefined {
	if (raw.length > 100) return undefined;
	const [command, action, arg, ...rest] = raw.split(':');
	if (rest.length > 0) return undefined;
	if (command === 'history' && action === 'page') {
		const page = pageIdSchema.safeParse({ command, action, page: arg });
		return page.success ? page.data : undefined;
	}
	const parsed = jobIdSchema.safeParse({ command, action, jobId: arg });
	return parsed.success ? parsed.data : undefined;
}
