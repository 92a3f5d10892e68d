import { describe, expect, it } from 'vitest';
import { BLOCKLIST_TEXT, TEXT, auditLine, failureMessage } from '../../../src/messages/texts.js';
import type { AuditEntry } from '../../../src/records/audit.js';
import { HOSTILE, liveMarkup, rendered } from './hostile.js';

const entry = (action: 'blocklist-add' | 'blocklist-remove', term: string): AuditEntry => ({
	at: 1_700_000_000_000,
	guildId: '100000000000000001',
	moderatorId: '300000000000000001',
	targetId: null,
	action,
	old: action === 'blocklist-remove' ? term : null,
	new: action === 'blocklist-add' ? term : null,
});

/** The part of a rendered text that came from the member, between the given quotes. */
const between = (text: string, open: string, close: string) => text.slice(text.indexOf(open) + open.length, text.lastIndexOf(close));

describe('texts that echo member text', () => {
	it.each(Object.entries(HOSTILE))('show a %s blocklist term as typed, inert, in audit lines', (_name, term) => {
		for (const action of ['blocklist-add', 'blocklist-remove'] as const) {
			const line = auditLine(entry(action, term));
			const shown = between(line, '"', '"');
			expect(liveMarkup(shown)).toEqual([]);
			expect(rendered(shown)).toBe(term);
			expect(line).toMatch(/^<t:\d+:f> <@300000000000000001> \*\*blocklist-/); // the bot's own markup stays
		}
	});

	it.each(Object.entries(HOSTILE))('show a %s term inert in /blocklist answers and the moderator refusal', (_name, term) => {
		const texts = [
			[BLOCKLIST_TEXT.added(term, 1, 200), '**', '**'],
			[BLOCKLIST_TEXT.removed(term, 0), '**', '**'],
			[BLOCKLIST_TEXT.already(term), '"', '"'],
			[BLOCKLIST_TEXT.notListed(term), '"', '"'],
			[TEXT.blocked(term), '"', '"'],
			[BLOCKLIST_TEXT.list([term]), '• ', undefined],
		] as const;
		for (const [text, open, close] of texts) {
			const shown = close === undefined ? text.slice(open.length) : between(text, open, close);
			expect(liveMarkup(shown), text).toEqual([]);
			expect(rendered(shown)).toBe(term);
		}
	});

	it('never says @everyone or @here so that Discord would read it', () => {
		expect(BLOCKLIST_TEXT.list(['@everyone', '@here'])).toBe('• @\u200Beveryone\n• @\u200Bhere');
	});
});

describe('failure texts', () => {
	it('tells a download that ran out of time apart from a generation that did, and says nothing was charged', () => {
		const generation = failureMessage('timeout', '1');
		const download = failureMessage('timeout', '1', { download: true });
		expect(generation).toContain('took too long to generate');
		expect(download).toContain("couldn't fetch it from the image service in time");
		expect(download).not.toContain('generate');
		for (const text of [generation, download]) expect(text).toMatch(/You were not charged\.$/);
	});
});
