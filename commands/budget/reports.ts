// /budget subcommands that read the period back: export (CSV files), report (a chart) and top (the top spenders).
import { AttachmentBuilder, MessageFlags } from 'discord.js';
import { exportPeriod } from '../../src/reports/export.js';
import { reportPng } from '../../src/reports/report.js';
import { attachmentLimit } from '../../src/util/interaction.js';
import type { SubHandler } from './context.js';

export const exportCsv: SubHandler = async ({ interaction, services: s, guildId, text }) => {
	await interaction.deferReply({ flags: MessageFlags.Ephemeral });
	const which = interaction.options.getString('period') === 'previous' ? 'previous' : 'current';
	const done = await exportPeriod(s.ledger, guildId, which, attachmentLimit(interaction));
	try {
		if (!done.result.ok) {
			await interaction.editReply(text.exportTooLarge(which, done.result.bytes));
			return;
		}
		const { files, charges, auditEntries, gzipped } = done.result;
		await interaction.editReply({
			content: text.exported(which, done.period.key, charges, auditEntries, gzipped),
			files: files.map((f) => new AttachmentBuilder(f.path, { name: f.name })),
		});
	} finally {
		await done.cleanup();
	}
};

export const report: SubHandler = async ({ interaction, services: s, guildId }) => {
	await interaction.deferReply({ flags: MessageFlags.Ephemeral });
	const png = await reportPng(s.ledger, guildId, interaction.guild?.name, s.logger, interaction.locale);
	await interaction.editReply({ files: [new AttachmentBuilder(png, { name: 'budget-report.png' })] });
};

export const top: SubHandler = async ({ services: s, guildId, reply, text }) => {
	const rows = await s.ledger.vault.top(guildId, s.ledger.currentPeriod().key, 10);
	await reply(text.top(rows));
};
