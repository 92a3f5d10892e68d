// util/: small helpers with no domain knowledge, each used by more than one room.
// Small text helpers shared by records, messages and the hiapi client.

/** At most `max` characters; a cut text ends with an ellipsis. */
export function truncate(text: string, max: number): string {
	return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Epoch ms as 13 digits, so keys holding times sort as the times do (until the year 2286). */
export function sortableTime(ms: number): string {
	return String(Math.max(0, Math.floor(ms))).padStart(13, '0');
}
