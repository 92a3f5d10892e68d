// Cap notes in the log channel follow the language of the server whose job crossed the cap (its guild_locale), even
// on a process that has seen no interaction from that server yet (a restart, another process of the fleet).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIEmbed } from 'discord.js';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ModLog, type ChannelPoster } from '../../../src/moderation/mod-log.js';
import { jobSchema, type Job } from '../../../src/records/job.js';
import { Store } from '../../../src/storage/store.js';
import { LocalVault } from '../../../src/vault/local.js';
import { TestLedger as Ledger } from '../../support/test-ledger.js';

const logger = pino({ level: 'silent' });
const G = '100000000000000001';
const MOD = '100000000000000002';
const CHANNEL = '100000000000000003';
let dir: string;
let store: Store;
let posts: APIEmbed[];
let ledger: Ledger;
let modLog: ModLog;

beforeEach(async () => {
	dir = mkdtempSync(join(tmpdir(), 'mod-log-'));
	store = await Store.open(`sqlite://${join(dir, 'test.sqlite')}`, logger);
	posts = [];
	const poster: ChannelPoster = { post: (_channel, message) => Promise.resolve(void posts.push(...(message.embeds ?? []))) };
	ledger = new Ledger(store, new LocalVault(store), {
		period: 'monthly',
		defaultLimit: 1_000_000,
		globalLimit: undefined,
		logger,
		onCapNote: (note) => modLog.capReached(note),
	});
	modLog = new ModLog((g) => ledger.settings(g), poster, logger);
	await ledger.setGuildCap(G, MOD, 100_000);
	await ledger.setLogChannel(G, MOD, CHANNEL);
});

afterEach(async () => {
	await store.close();
	rmSync(dir, { recursive: true, force: true });
});

const job = (id: string, extra: Partial<Job>): Job =>
	jobSchema.parse({
		v: 3,
		id,
		token: '',
		applicationId: '',
		userId: '100000000000000004',
		guildId: G,
		channelId: CHANNEL,
		prompt: 'a fox',
		aspectRatio: '1:1',
		price: 100_000,
		attachmentSizeLimit: 1,
		canPostInChannel: false,
		state: 'reserved',
		createdAt: Date.now(),
		updatedAt: Date.now(),
		...extra,
	});

async function spendAll(j: Job): Promise<APIEmbed> {
	expect((await ledger.open(j, { guildId: G, userId: j.userId })).status).toBe('created');
	await ledger.close({ ...j, state: 'delivered', finishedAt: Date.now() });
	await expect.poll(() => posts.length).toBeGreaterThan(0);
	return posts.at(-1) as APIEmbed;
}

describe('cap notes in the log channel', () => {
	it("are in the server's language from the job, with no interaction from the server seen", async () => {
		const note = await spendAll(job('1', { locale: 'de', guildLocale: 'fr' }));
		expect(note.title).toBe('⚠️ 100 % du plafond');
	});

	it('the job’s guild_locale wins over one remembered from an earlier interaction', async () => {
		modLog.noteLocale(G, 'ja');
		expect((await spendAll(job('2', { guildLocale: 'es-ES' }))).title).toBe('⚠️ 100 % del tope');
	});

	it('a job from before localization (no guild_locale) uses the remembered one', async () => {
		modLog.noteLocale(G, 'ja');
		expect((await spendAll(job('3', {}))).description).toMatch(/[\u3040-\u30ff]/);
	});
});
