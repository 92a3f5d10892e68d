// Deploy-time install scopes: member commands follow USER_INSTALL, moderator commands (and unmarked ones) never do.
import { describe, expect, it } from 'vitest';
import { commands } from '../../../commands/index.js';
import { installScopes, withInstallScopes } from '../../../src/app/install-scopes.js';

describe('installScopes', () => {
	it('member commands: server + user install, every context when on; server install, server and bot DM when off', () => {
		expect(installScopes({ audience: 'member' }, true)).toEqual({ integration_types: [0, 1], contexts: [0, 1, 2] });
		expect(installScopes({ audience: 'member' }, false)).toEqual({ integration_types: [0], contexts: [0, 1] });
	});

	it('moderator commands, and commands that do not say, stay server-only either way', () => {
		for (const on of [true, false]) {
			expect(installScopes({ audience: 'moderator' }, on)).toEqual({ integration_types: [0], contexts: [0] });
			expect(installScopes({}, on)).toEqual({ integration_types: [0], contexts: [0] });
		}
	});

	it('the registered list: /imagine, /usage, /settings and /history are member commands, /budget, /blocklist and /style moderator ones', () => {
		const deployed = (on: boolean) => Object.fromEntries(commands.map((c) => withInstallScopes(c, on)).map((b) => [b.name, [b.integration_types, b.contexts]]));
		expect(deployed(true)).toEqual({
			imagine: [
				[0, 1],
				[0, 1, 2],
			],
			usage: [
				[0, 1],
				[0, 1, 2],
			],
			budget: [[0], [0]],
			blocklist: [[0], [0]],
			style: [[0], [0]],
			settings: [
				[0, 1],
				[0, 1, 2],
			],
			history: [
				[0, 1],
				[0, 1, 2],
			],
		});
		expect(deployed(false)).toEqual({
			imagine: [[0], [0, 1]],
			usage: [[0], [0, 1]],
			budget: [[0], [0]],
			blocklist: [[0], [0]],
			style: [[0], [0]],
			settings: [[0], [0, 1]],
			history: [[0], [0, 1]],
		});
	});
});
