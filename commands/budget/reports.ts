// /budget subcommands that read the period back: export (CSV files), report (a chart) and top (the top spenders).
import { AttachmentBuilder, MessageFlags } from 'discord.js';
import { exportPeriod } from '../../src/reports/export.js';
import { reportPng } from '../../src/reports/report.js';
import { attachmentLimit } from '../../src/util/interaction.js';
import { formatUsd } from '../../src/util/money.js';
import type { SubHandler } from './context.js';

export const exportCsv: SubHandler = async ({ interaction, services: s, guildId }) => {
	await interaction.deferReply({ flags: MessageFlags.Ephemeral });
	const which = interaction.options.getString('period') === 'previous' ? 'previous' : 'current';
	const done = await exportPeriod(s.ledger, guildId, which, attachmentLimit(interaction));
	try {
		if (!done.result.ok) {
			await interaction.editReply(`The ${which} period's export is too large to attach (${(done.result.bytes / 1_048_576).toFixed(1)} MiB even compressed).`);
			return;
		}
		const { files, charges, auditEntries, gzipped } = done.result;
		await interaction.editReply({
			content: `Charges (${charges}) and changes (${auditEntries}) for the ${which} period (${done.period.key}, UTC)${gzipped ? ', compressed to fit' : ''}.`,
			files: files.map((f) => new AttachmentBuilder(f.path, { name: f.name })),
		});
	} finally {
		await done.cleanup();
	}
};

export const report: SubHandler = async ({ interaction, services: s, guildId }) => {
	await interaction.deferReply({ flags: MessageFlags.Ephemeral });
	const png = await reportPng(s.ledger, guildId, interaction.guild?.name, s.logger);
	await interaction.editReply({ files: [new AttachmentBuilder(png, { name: 'budget-report.png' })] });
};

export const top: SubHandler = async ({ services: s, guildId, reply }) => {
	const rows = await s.ledger.vault.top(guildId, s.ledger.currentPeriod().key, 10);
	await reply({
		title: 'Top spenders this period',
		description: rows.length
			? rows.map((r, i) => `${i + 1}. <@${r.userId}> ${formatUsd(r.spent)} (${r.images} image${r.images === 1 ? '' : 's'})`).join('\n')
			: 'Nobody has spent anything this period.',
	});
};
