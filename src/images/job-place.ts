// Where a job's buttons may be used: in the job's own server (its own channel, for a personal-scope job: the bot DM,
// a group DM or a server that did not add the bot) and on its own message.
// A custom id is untrusted (anyone can send any id); the interaction's guild, channel and message come from Discord.
import type { Job } from '../records/job.js';

/** Where a button was clicked or a modal submitted, as Discord's interaction payload says. */
export interface Place {
	guildId: string | null;
	channelId: string | null;
	/**
	 * The message the button is on (a modal opened from a button carries it too): the id of the interaction
	 * that made it (interaction_metadata; absent on a channel post) and the custom ids it carries.
	 */
	message?: { interactionId: string | undefined; customIds: readonly string[] };
	/** The click spends from the personal scope (where-served.ts: bot DM or a user install); default: no guild. */
	personal?: boolean;
}

/**
 * Why a button (custom id `buttonId`, naming job `jobId`) may not act here, or undefined when it may. `job` is
 * undefined once pruned: then only the message can be checked.
 */
export function refusedHere(jobId: string, job: Pick<Job, 'guildId' | 'channelId'> | undefined, place: Place, buttonId: string): string | undefined {
	// A personal-scope job (guildId null) belongs to its channel: channel ids are unique across Discord, so the
	// channel alone says the place (a user install in a server that did not add the bot keeps that server's channel).
	const personal = place.personal ?? place.guildId === null;
	if (job && job.guildId === null && (!personal || job.channelId !== place.channelId))
		return place.guildId === null ? 'a DM job in another DM' : 'a DM job in a server';
	if (job && job.guildId !== null && (personal || job.guildId !== place.guildId))
		return place.guildId === null ? 'a server job in a DM' : 'a job of another server';
	const message = place.message;
	if (!message) return undefined;
	// The bot puts a job's buttons only on that job's message, which the job's own interaction made (a Reroll or
	// Remix result is a new job whose id is the interaction that made its message). A channel post has no record.
	if (!message.customIds.includes(buttonId)) return "not on the job's message";
	if (message.interactionId !== undefined && message.interactionId !== jobId) return "not on the job's message";
	return undefined;
}

/** Every custom_id in a component tree, as the API describes it (action rows, or v2 layouts). */
export function customIdsIn(components: readonly unknown[]): string[] {
	const found: string[] = [];
	const visit = (node: unknown): void => {
		if (typeof node !== 'object' || node === null) return;
		const c = node as { custom_id?: unknown; components?: unknown; component?: unknown; accessory?: unknown };
		if (typeof c.custom_id === 'string') found.push(c.custom_id);
		if (Array.isArray(c.components)) c.components.forEach(visit);
		visit(c.component);
		visit(c.accessory);
	};
	components.forEach(visit);
	return found;
}
