// Starting an image, however it was asked for (/imagine, Reroll, Remix): every check, the reservation, the
// acknowledgement and the hand-off to the queue. One path, so budgets, limits, the blocklist, pause and
// restart safety hold the same for every image.
import { setTimeout as sleep } from 'node:timers/promises';
import { MessageFlags, PermissionFlagsBits, type ButtonInteraction, type ChatInputCommandInteraction, type ModalSubmitInteraction } from 'discord.js';
import type { Ledger } from '../budget/ledger.js';
import { memberRoleIds } from '../budget/member-roles.js';
import type { Pricing } from '../budget/pricing.js';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { installTexts } from '../messages/install-texts.js';
import { texts, refusalMessage } from '../messages/texts.js';
import { batchTexts } from '../messages/batch-texts.js';
import { UserError } from '../messages/user-error.js';
import type { Metrics } from '../metrics.js';
import type { Blocklist } from '../moderation/blocklist.js';
import { finalPrompt, type Job, type JobKind, type StyleSnapshot } from '../records/job.js';
import { isStoreUnreachable } from '../storage/store-errors.js';
import { attachmentLimit, tellPrivately } from '../util/interaction.js';
import { imagesThatFit } from './batch.js';
import { closeJob } from './close-job.js';
import type { JobQueue } from './queue/queue.js';
import { ledgerGuildId, servedOf } from './where-served.js';

export type StartingInteraction = ChatInputCommandInteraction | ButtonInteraction | ModalSubmitInteraction;

export interface ImageRequest {
	/** The member's own words (the style's template, if any, wraps them before hiapi sees them). */
	prompt: string;
	aspectRatio: string;
	kind: JobKind;
	sourceJobId?: string;
	/** Images at once, 1–4 (default 1). */
	count?: number;
	style?: StyleSnapshot;
	/** Only the member sees the exchange. */
	private?: boolean;
}

/** What starting an image needs (the command services carry all of it). */
export interface StartDeps {
	/** userInstall: serve user installs where the bot is not (the router refuses them first when off). */
	config: Pick<Config, 'maxJobsPerUser'> & Partial<Pick<Config, 'userInstall'>>;
	logger: Logger;
	ledger: Ledger;
	blocklist: Blocklist;
	queue: JobQueue;
	pricing: Pricing;
	metrics: Metrics;
	/** When the interaction arrived (the acknowledgement deadline counts from here). */
	receivedAt: number;
}

/** Acknowledge by this long after the interaction arrived, whatever the store is doing (Discord allows 3 s). */
const ACK_SAFETY_MS = 1500;

type Decision = { kind: 'accepted'; job: Job; release: () => void } | { kind: 'refused'; content: string; why: string } | { kind: 'duplicate' };

export async function startImage(interaction: StartingInteraction, request: ImageRequest, s: StartDeps): Promise<void> {
	const deciding = decide(interaction, request, s);
	// Discord drops interactions not answered within 3 s: if the store is slow, acknowledge first.
	const timer = new AbortController();
	const waitMs = Math.max(0, ACK_SAFETY_MS - (Date.now() - s.receivedAt));
	const slow = await Promise.race([deciding.then(() => false), sleep(waitMs, true, { signal: timer.signal }).catch(() => false)]);
	timer.abort();
	let deferred = false;
	if (slow) {
		try {
			await interaction.deferReply(deferOptions(request));
		} catch (error) {
			// Not acknowledged while the reservation is still being made: undo it once it lands.
			void deciding.then((d) => (d.kind === 'accepted' ? abandon(d.job, d.release, s) : undefined)).catch(() => undefined);
			throw error;
		}
		deferred = true;
		s.logger.warn({ waitedMs: Date.now() - s.receivedAt }, 'store slow: acknowledged before the reservation finished');
	}
	const decision = await deciding;
	if (decision.kind === 'duplicate') {
		s.logger.warn({ kind: request.kind }, 'interaction already made a job; ignoring the repeat');
		return;
	}
	if (decision.kind === 'refused') {
		// After a (public) deferral, the placeholder goes and a private note follows.
		if (deferred) await interaction.deleteReply().catch(() => undefined);
		await tellPrivately(interaction, decision.content);
		s.metrics.firstReply.observe((Date.now() - s.receivedAt) / 1000);
		s.logger.info({ reason: decision.why, kind: request.kind }, 'image refused');
		return;
	}
	const { job, release } = decision;
	if (!deferred) {
		try {
			await interaction.deferReply(deferOptions(request));
		} catch (error) {
			await abandon(job, release, s);
			throw error;
		}
	}
	s.metrics.firstReply.observe((Date.now() - s.receivedAt) / 1000);
	s.logger.info(
		{
			jobId: job.id,
			kind: job.kind,
			sourceJobId: job.sourceJobId,
			price: job.price,
			aspectRatio: job.aspectRatio,
			promptLength: job.prompt.length,
			ackMs: Date.now() - s.receivedAt,
		},
		'image accepted',
	);
	// If queueing fails, the job stays open in the vault and is picked up by the next resume or sweep.
	s.queue
		.enqueue(job, release)
		.catch((error: unknown) => s.logger.error({ err: error, jobId: job.id }, 'could not queue the job; it stays open and is retried'));
}

/** A private request is acknowledged privately: the placeholder, progress and result are the member's alone. */
function deferOptions(request: ImageRequest): { flags?: MessageFlags.Ephemeral } {
	return request.private ? { flags: MessageFlags.Ephemeral } : {};
}

/** The interaction could not be acknowledged: give the money back and the member's slot, nothing else to do. */
async function abandon(job: Job, release: () => void, s: StartDeps): Promise<void> {
	try {
		await closeJob({ ledger: s.ledger, metrics: s.metrics, now: Date.now }, job, 'refunded', 'abandoned: could not acknowledge the interaction');
	} finally {
		release();
	}
}

/** Every check in order, ending in an atomic reservation. Never throws a UserError: refusals are values. */
async function decide(interaction: StartingInteraction, request: ImageRequest, s: StartDeps): Promise<Decision> {
	try {
		return await checkAndReserve(interaction, request, s);
	} catch (error) {
		// The store (Redis) is out of reach: nothing was reserved, so nothing is charged; say so plainly.
		if (!isStoreUnreachable(error)) throw error;
		s.logger.warn({ err: error }, 'store unreachable: image refused');
		return { kind: 'refused', content: texts(interaction.locale).storeDown, why: 'store unreachable' };
	}
}

async function checkAndReserve(interaction: StartingInteraction, request: ImageRequest, s: StartDeps): Promise<Decision> {
	const refused = (content: string, why: string): Decision => ({ kind: 'refused', content, why });
	// Refusals are private: in the requester's own language.
	const text = texts(interaction.locale);
	if (!s.queue.accepting) return refused(text.restarting, 'restarting');
	// A user install where the bot is not (foreign server, group DM) spends from the personal scope: no server
	// settings, pause or blocklist apply (the bot holds none there), and the job stores guildId null.
	const served = servedOf(interaction, s.config.userInstall === true);
	if (served.kind === 'refused') return refused(installTexts(interaction.locale)[served.why === 'off' ? 'addBotToServer' : 'unexpectedPlace'], served.detail);
	const guildId = ledgerGuildId(served);
	if (guildId) {
		const [paused, blocked] = await Promise.all([s.ledger.isPaused(guildId), s.blocklist.match(guildId, finalPrompt(request.prompt, request.style))]);
		if (paused) return refused(text.paused, 'paused');
		if (blocked !== undefined) {
			// Moderators see which term matched, so they can test their list; members never see the list.
			const canManage = interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild) ?? false;
			return refused(text.blocked(canManage ? blocked : undefined), 'blocked');
		}
	}
	const release = s.queue.claim(interaction.user.id);
	if (!release) return refused(text.tooMany(s.config.maxJobsPerUser), 'per-user jobs');
	try {
		const price = s.pricing.current();
		const roleIds = guildId ? memberRoleIds(interaction.member) : [];
		const at = Date.now();
		const job: Job = {
			v: 3,
			id: interaction.id,
			token: interaction.token,
			applicationId: interaction.applicationId,
			userId: interaction.user.id,
			userName: interaction.user.username,
			roleIds,
			guildId,
			channelId: interaction.channelId ?? '',
			kind: request.kind,
			...(request.sourceJobId ? { sourceJobId: request.sourceJobId } : {}),
			prompt: request.prompt,
			aspectRatio: request.aspectRatio,
			...(request.style ? { style: request.style } : {}),
			...(request.count !== undefined && request.count > 1 ? { count: request.count } : {}),
			...(request.private ? { private: true } : {}),
			locale: interaction.locale,
			...(interaction.guildLocale ? { guildLocale: interaction.guildLocale } : {}),
			price,
			attachmentSizeLimit: attachmentLimit(interaction),
			// A private job never posts in the channel, even when its reply's token has expired.
			canPostInChannel:
				!request.private &&
				served.kind !== 'personal' &&
				interaction.appPermissions.has([PermissionFlagsBits.ViewChannel, PermissionFlagsBits.SendMessages, PermissionFlagsBits.AttachFiles]),
			state: 'reserved',
			createdAt: at,
			updatedAt: at,
		};
		const opened = await s.ledger.open(job, { guildId, userId: job.userId, roleIds });
		if (opened.status === 'created') return { kind: 'accepted', job, release };
		release();
		if (opened.status === 'duplicate') return { kind: 'duplicate' };
		if (opened.status === 'busy') return refused(text.tooMany(s.config.maxJobsPerUser), 'per-user jobs (fleet)');
		// A batch that does not fit whole: say how many would (nothing was reserved or submitted).
		const fits = opened.reason === 'corrupt' ? 0 : imagesThatFit(opened.standing, price, job.count ?? 1);
		if (fits > 0) return refused(batchTexts(interaction.locale).refusal(fits, job.count ?? 1, price), `${opened.reason} (batch: ${fits} of ${job.count} fit)`);
		return refused(refusalMessage(opened.reason, opened.standing, price, interaction.locale), opened.reason);
	} catch (error) {
		release();
		throw error;
	}
}

/** Checks a prompt as /imagine's option rules do (Remix's form comes back as free text); refuses in `locale`. */
export function checkPrompt(raw: string, max: number, locale?: string | null): string {
	const prompt = raw.trim();
	if (prompt.length === 0 || prompt.length > max) throw new UserError(texts(locale).badPrompt(prompt.length, max));
	return prompt;
}
