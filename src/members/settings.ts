// A member's /imagine defaults: one small record each, validated on write and on read (a stored record is
// untrusted: an unreadable one reads as no defaults, and is replaced by the next change).
import type { Logger } from '../log.js';
import { CORRUPT } from '../records/read.js';
import { memberKeys, memberSettingsSchema, type MemberDefaults } from '../records/member.js';
import type { Store } from '../storage/store.js';

export interface SettingsRead {
	defaults: MemberDefaults;
	/** The stored record failed its schema: shown as none, and the member is told. */
	corrupt: boolean;
}

export class MemberSettingsStore {
	constructor(
		private readonly store: Store,
		private readonly logger: Logger,
	) {}

	async get(userId: string): Promise<SettingsRead> {
		const read = await this.store.get(memberKeys.settings(userId), memberSettingsSchema);
		if (read === CORRUPT) return { defaults: {}, corrupt: true };
		if (read === undefined) return { defaults: {}, corrupt: false };
		const { v: _v, ...defaults } = read;
		return { defaults, corrupt: false };
	}

	/** The member's defaults for /imagine; none when unreadable or out of reach (the request itself then says what is wrong). */
	async defaultsFor(userId: string): Promise<MemberDefaults> {
		try {
			return (await this.get(userId)).defaults;
		} catch (error) {
			this.logger.warn({ err: error, userId }, 'member settings unreadable; using none');
			return {};
		}
	}

	/** Merges `changes` into the member's defaults and drops `clear` (an unreadable record is replaced); throws on a value the schema refuses. */
	update(userId: string, changes: MemberDefaults, clear: ReadonlyArray<keyof MemberDefaults> = []): Promise<MemberDefaults> {
		return this.store.write(async (tx) => {
			const key = memberKeys.settings(userId);
			const before = await tx.get(key, memberSettingsSchema);
			if (before === CORRUPT) this.logger.warn({ userId }, 'unreadable member settings replaced');
			const merged: Record<string, unknown> = { ...(before && before !== CORRUPT ? before : {}), ...changes, v: 1 };
			for (const k of clear) delete merged[k];
			const next = memberSettingsSchema.parse(merged);
			await tx.set(key, next);
			const { v: _v, ...defaults } = next;
			return defaults;
		});
	}

	reset(userId: string): Promise<void> {
		return this.store.write((tx) => tx.delete(memberKeys.settings(userId)));
	}
}

/** What /imagine was given; undefined = left out. */
export interface ImagineOptions {
	aspectRatio: string | undefined;
	style: string | undefined;
	count: number | undefined;
	private: boolean | undefined;
}

/** The options with the member's defaults filling what they left out; `styleFromDefaults` says the style came from them. */
export function withDefaults(options: ImagineOptions, defaults: MemberDefaults): ImagineOptions & { styleFromDefaults: boolean } {
	return {
		aspectRatio: options.aspectRatio ?? defaults.aspectRatio,
		style: options.style ?? defaults.style,
		count: options.count ?? defaults.count,
		private: options.private ?? defaults.private,
		styleFromDefaults: options.style === undefined && defaults.style !== undefined,
	};
}
