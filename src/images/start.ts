// Starting an image, however it was asked for (/imagine, Reroll, Remix): every check, the reservation, the
// acknowledgement and the hand-off to the job runner. One path, so budgets, limits, the blocklist, pause and
// restart safety hold the same for every image.
import { setTimeout as sleep } from 'node:timers/promises';
import { MessageFlags, PermissionFlagsBits, type ButtonInteraction, type ChatInputCommandInteraction, type ModalSubmitInteraction } from 'discord.js';
import type { Services } from '../command.js';
import type { Job, JobKind } from '../records/job.js';
import { memberRoleIds } from '../budget/member-roles.js';
import { TEXT, UserError, refusalMessage } from '../messages/texts.js';
import { isStoreUnreachable } from '../storage/store.js';

export type StartingInteraction = ChatInputCommandInteraction | ButtonInteraction | ModalSubmitInteraction;

export interface ImageRequest {
	prompt: string;
	aspectRatio: string;
	kind: JobKind;
	sourceJobId?: string;
}

/** Acknowledge by this long after the interaction arrived, whatever the store is doing (Discord allows 3 s). */
const ACK_SAFETY_MS = 1500;
const DEFAULT_ATTACHMENT_LIMIT = 10 * 1024 * 1024;

type Decision = { kind: 'accepted'; job: Job; release: () => void } | { kind: 'refused'; content: string; why: string } | { kind: 'duplicate' };

export async function startImage(interaction: StartingInteraction, request: ImageRequest, s: Services): Promise<void> {
	const deciding = decide(interaction, request, s);
	// Discord drops interactions not answered within 3 s: if the store is slow, acknowledge first.
	const timer = new AbortController();
	const waitMs = Math.max(0, ACK_SAFETY_MS - (Date.now() - s.receivedAt));
	const slow = await Promise.race([deciding.then(() => false), sleep(waitMs, true, { signal: timer.signal }).catch(() => false)]);
	timer.abort();
	let deferred = false;
	if (slow) {
		await interaction.deferReply();
		deferred = true;
		s.logger.warn({ waitedMs: Date.now() - s.receivedAt }, 'store slow: acknowledged before the reservation finished');
	}
	const decision = await deciding;
	if (decision.kind === 'duplicate') {
		s.logger.warn({ kind: request.kind }, 'interaction already made a job; ignoring the repeat');
		return;
	}
	if (decision.kind === 'refused') {
		await refuse(interaction, deferred, decision.content);
		s.metrics.firstReply.observe((Date.now() - s.receivedAt) / 1000);
		s.logger.info({ reason: decision.why, kind: request.kind }, 'image refused');
		return;
	}
	const { job, release } = decision;
	if (!deferred) {
		try {
			await interaction.deferReply();
		} catch (error) {
			await s.jobs.abandon(job, 'could not acknowledge the interaction');
			release();
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
	s.jobs.start(job, release);
}

/** Every check in order, ending in an atomic reservation. Never throws a UserError: refusals are values. */
async function decide(interaction: StartingInteraction, request: ImageRequest, s: Services): Promise<Decision> {
	try {
		return await checkAndReserve(interaction, request, s);
	} catch (error) {
		// The store (Redis) is out of reach: nothing was reserved, so nothing is charged; say so plainly.
		if (!isStoreUnreachable(error)) throw error;
		s.logger.warn({ err: error }, 'store unreachable: image refused');
		return { kind: 'refused', content: TEXT.storeDown, why: 'store unreachable' };
	}
}

async function checkAndReserve(interaction: StartingInteraction, request: ImageRequest, s: Services): Promise<Decision> {
	const refused = (content: string, why: string): Decision => ({ kind: 'refused', content, why });
	if (!s.jobs.isAccepting) return refused(TEXT.restarting, 'restarting');
	const guildId = interaction.guildId;
	if (guildId) {
		const [paused, blocked] = await Promise.all([s.ledger.isPaused(guildId), s.blocklist.match(guildId, request.prompt)]);
		if (paused) return refused(TEXT.paused, 'paused');
		if (blocked !== undefined) {
			// Moderators see which term matched, so they can test their list; members never see the list.
			const canManage = interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild) ?? false;
			return refused(TEXT.blocked(canManage ? blocked : undefined), 'blocked');
		}
	}
	const release = s.jobs.claimSlot(interaction.user.id);
	if (!release) return refused(TEXT.tooMany(s.config.maxJobsPerUser), 'per-user jobs');
	try {
		const price = s.pricing.current();
		const created = await s.jobs.create({
			id: interaction.id,
			token: interaction.token,
			applicationId: interaction.applicationId,
			userId: interaction.user.id,
			userName: interaction.user.username,
			roleIds: memberRoleIds(interaction.member),
			guildId,
			channelId: interaction.channelId ?? '',
			kind: request.kind,
			...(request.sourceJobId ? { sourceJobId: request.sourceJobId } : {}),
			prompt: request.prompt,
			aspectRatio: request.aspectRatio,
			price,
			attachmentSizeLimit: interaction.attachmentSizeLimit || DEFAULT_ATTACHMENT_LIMIT,
			canPostInChannel: interaction.appPermissions.has([PermissionFlagsBits.ViewChannel, PermissionFlagsBits.SendMessages, PermissionFlagsBits.AttachFiles]),
		});
		if (created.status === 'created') return { kind: 'accepted', job: created.job, release };
		release();
		if (created.status === 'duplicate') return { kind: 'duplicate' };
		if (created.status === 'busy') return refused(TEXT.tooMany(s.config.maxJobsPerUser), 'per-user jobs (fleet)');
		return refused(refusalMessage(created.reason, created.standing, price), created.reason);
	} catch (error) {
		release();
		throw error;
	}
}

/** A refusal only the member sees. After a (public) deferral, the placeholder goes and a private note follows. */
async function refuse(interaction: StartingInteraction, deferred: boolean, content: string): Promise<void> {
	if (!deferred) {
		await interaction.reply({ content, flags: MessageFlags.Ephemeral });
		return;
	}
	await interaction.deleteReply().catch(() => undefined);
	await interaction.followUp({ content, flags: MessageFlags.Ephemeral });
}

/** Checks a prompt as /imagine's option rules do (Remix's form comes back as free text). */
export function checkPrompt(raw: string, max: number): string {
	const prompt = raw.trim();
	if (prompt.length === 0 || prompt.length > max) throw new UserError(TEXT.badPrompt(prompt.length, max));
	return prompt;
}
