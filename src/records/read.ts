// What reading a stored record gives: the value, nothing, or CORRUPT when it fails its schema. Every reader
// must choose a safe meaning for CORRUPT (refuse, block, or fall back), so the marker lives with the shapes.

/** Returned instead of a value when a stored record fails validation: callers must choose a safe reading. */
export const CORRUPT = Symbol('corrupt record');
export type Read<T> = T | undefined | typeof CORRUPT;
