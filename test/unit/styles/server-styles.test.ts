// A server's styles on both stores (SQLite always; Redis against a real redis-server): added, listed and removed
// with their audit entries; refused changes write nothing; and on Redis two processes racing for the 25th
// style never both get it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Audit } from '../../../src/budget/audit.js';
import type { AuditEntry } from '../../../src/records/audit.js';
import { Store } from '../../../src/storage/store.js';
import { MAX_SERVER_STYLES } from '../../../src/styles/rules.js';
import { ServerStyles, stylesKey } from '../../../src/styles/server-styles.js';
import { hasRedis, startRedis, type RedisServer } from '../../support/redis-server.js';

const logger = pino({ level: 'silent' });
let dir: string;
let redis: RedisServer | undefined;

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), 'styles-'));
	if (hasRedis) redis = await startRedis();
});
afterAll(async () => {
	await redis?.close();
	rmSync(dir, { recursive: true, force: true });
});

const backends = [
	{ name: 'sqlite', url: () => `sqlite://${join(dir, `s-${Math.random()}.sqlite`)}` },
	...(hasRedis ? [{ name: 'redis', url: () => redis!.url }] : []),
];
let guildSeq = 0;
const newGuild = () => `9${String(process.pid).padStart(7, '0')}${String(++guildSeq).padStart(10, '0')}`;

async function open(url: string) {
	const store = await Store.open(url, logger);
	const audit = new Audit(store, logger);
	const told: AuditEntry[] = [];
	audit.subscribe((e) => told.push(e));
	return { store, audit, styles: new ServerStyles(store, audit, () => 1_700_000_000_000), told };
}

describe.each(backends)('server styles on $name', ({ url }) => {
	it('adds, lists (by name), and removes styles, each change audited and told to the log channel', async () => {
		const { store, audit, styles, told } = await open(url());
		try {
			const guild = newGuild();
			expect(await styles.list(guild)).toEqual([]);
			const added = await styles.add(guild, 'mod', '  Neon   Noir ', 'neon noir photo of {prompt}, rain');
			expect(added).toEqual({
				ok: true,
				count: 1,
				style: { name: 'Neon Noir', template: 'neon noir photo of {prompt}, rain', addedBy: 'mod', at: 1_700_000_000_000 },
			});
			await styles.add(guild, 'mod', 'Blueprint', 'a blueprint of {prompt}');
			expect((await styles.list(guild)).map((s) => s.name)).toEqual(['Blueprint', 'Neon Noir']);
			expect(await styles.add(guild, 'mod', 'NEON NOIR', '{prompt}')).toEqual({ ok: false, why: expect.stringContaining('already has a style') as string });
			expect(await styles.add(guild, 'mod', 'watercolor', '{prompt}, wet')).toEqual({ ok: false, why: expect.stringContaining('built-in') as string });
			expect(await styles.add(guild, 'mod', 'plain', 'no placeholder')).toEqual({ ok: false, why: expect.stringContaining('{prompt}') as string });
			expect(await styles.add(guild, 'mod', 'a\u200Bb', '{prompt}')).toMatchObject({ ok: false });
			expect(await styles.remove(guild, 'mod2', 'Photo')).toEqual({ ok: false, why: expect.stringContaining('cannot be removed') as string });
			expect(await styles.remove(guild, 'mod2', 'nothing')).toEqual({ ok: false, why: expect.stringContaining('no style named') as string });
			expect(await styles.remove(guild, 'mod2', 'neon noir')).toMatchObject({ ok: true, count: 1, style: { name: 'Neon Noir' } });
			expect((await styles.list(guild)).map((s) => s.name)).toEqual(['Blueprint']);

			const history = await audit.history(guild, undefined);
			expect(history.map((e) => [e.action, e.moderatorId, e.old, e.new])).toEqual([
				['style-remove', 'mod2', 'Neon Noir: neon noir photo of {prompt}, rain', null],
				['style-add', 'mod', null, 'Blueprint: a blueprint of {prompt}'],
				['style-add', 'mod', null, 'Neon Noir: neon noir photo of {prompt}, rain'],
			]);
			expect(told.map((e) => e.action)).toEqual(['style-add', 'style-add', 'style-remove']);
			// Another server sees none of it.
			expect(await styles.list(newGuild())).toEqual([]);
		} finally {
			await store.close();
		}
	});

	it('refuses the 26th style and keeps the 25', async () => {
		const { store, styles } = await open(url());
		try {
			const guild = newGuild();
			for (let i = 0; i < MAX_SERVER_STYLES; i++) expect(await styles.add(guild, 'mod', `s${i}`, `{prompt} ${i}`)).toMatchObject({ ok: true, count: i + 1 });
			expect(await styles.add(guild, 'mod', 's25', '{prompt}')).toEqual({ ok: false, why: expect.stringContaining('25 styles') as string });
			expect(await styles.list(guild)).toHaveLength(MAX_SERVER_STYLES);
		} finally {
			await store.close();
		}
	});

	it('reads an unreadable list as empty', async () => {
		const { store, styles } = await open(url());
		try {
			const guild = newGuild();
			await store.write((tx) => tx.set(stylesKey(guild), { v: 1, styles: 'broken' }));
			expect(await styles.list(guild)).toEqual([]);
		} finally {
			await store.close();
		}
	});
});

describe.runIf(hasRedis)('server styles in a fleet (two processes on one Redis)', () => {
	it('never lets two processes both add the 25th style, nor lose one', async () => {
		const a = await open(redis!.url);
		const b = await open(redis!.url);
		try {
			for (let round = 0; round < 5; round++) {
				const guild = newGuild();
				for (let i = 0; i < MAX_SERVER_STYLES - 1; i++) await a.styles.add(guild, 'mod', `s${i}`, `{prompt} ${i}`);
				const results = await Promise.all([a.styles.add(guild, 'mod', 'from a', '{prompt} a'), b.styles.add(guild, 'mod', 'from b', '{prompt} b')]);
				expect(results.filter((r) => r.ok)).toHaveLength(1);
				const listed = await a.styles.list(guild);
				expect(listed).toHaveLength(MAX_SERVER_STYLES);
				const winner = results.find((r) => r.ok);
				expect(listed.map((s) => s.name)).toContain(winner?.ok ? winner.style.name : '');
			}
		} finally {
			await a.store.close();
			await b.store.close();
		}
	});
});
