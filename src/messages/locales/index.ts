// The catalogues: English (the source, which defines the keys) and each translation, merged from its domain files.
// Adding a locale: copy en-US/ to <locale>/, translate, add it to LOCALES and CATALOGS here (README: Languages).
import deBudget from './de/budget.js';
import deCore from './de/core.js';
import deReport from './de/report.js';
import enBudget from './en-US/budget.js';
import enCore from './en-US/core.js';
import enReport from './en-US/report.js';
import esBudget from './es-ES/budget.js';
import esCore from './es-ES/core.js';
import esReport from './es-ES/report.js';
import frBudget from './fr/budget.js';
import frCore from './fr/core.js';
import frReport from './fr/report.js';
import jaBudget from './ja/budget.js';
import jaCore from './ja/core.js';
import jaReport from './ja/report.js';
import koBudget from './ko/budget.js';
import koCore from './ko/core.js';
import koReport from './ko/report.js';
import ptBudget from './pt-BR/budget.js';
import ptCore from './pt-BR/core.js';
import ptReport from './pt-BR/report.js';
import ruBudget from './ru/budget.js';
import ruCore from './ru/core.js';
import ruReport from './ru/report.js';
import zhBudget from './zh-CN/budget.js';
import zhCore from './zh-CN/core.js';
import zhReport from './zh-CN/report.js';
// Styles, /settings and /history (phase 2).
import deMembers from './de/members.js';
import deStyle from './de/style.js';
import enMembers from './en-US/members.js';
import enStyle from './en-US/style.js';
import esMembers from './es-ES/members.js';
import esStyle from './es-ES/style.js';
import frMembers from './fr/members.js';
import frStyle from './fr/style.js';
import jaMembers from './ja/members.js';
import jaStyle from './ja/style.js';
import koMembers from './ko/members.js';
import koStyle from './ko/style.js';
import ptMembers from './pt-BR/members.js';
import ptStyle from './pt-BR/style.js';
import ruMembers from './ru/members.js';
import ruStyle from './ru/style.js';
import zhMembers from './zh-CN/members.js';
import zhStyle from './zh-CN/style.js';
// Batches and user installs (images helper).
import deBatch from './de/batch.js';
import deInstall from './de/install.js';
import enBatch from './en-US/batch.js';
import enInstall from './en-US/install.js';
import esBatch from './es-ES/batch.js';
import esInstall from './es-ES/install.js';
import frBatch from './fr/batch.js';
import frInstall from './fr/install.js';
import jaBatch from './ja/batch.js';
import jaInstall from './ja/install.js';
import koBatch from './ko/batch.js';
import koInstall from './ko/install.js';
import ptBatch from './pt-BR/batch.js';
import ptInstall from './pt-BR/install.js';
import ruBatch from './ru/batch.js';
import ruInstall from './ru/install.js';
import zhBatch from './zh-CN/batch.js';
import zhInstall from './zh-CN/install.js';
import type { Translation } from './types.js';

/** The locales the bot speaks, as Discord names them; en-US first (the source and the fallback). */
export const LOCALES = ['en-US', 'de', 'fr', 'es-ES', 'pt-BR', 'ja', 'ko', 'zh-CN', 'ru'] as const;
export type Locale = (typeof LOCALES)[number];

export const SOURCE = { ...enCore, ...enBudget, ...enReport, ...enStyle, ...enMembers, ...enBatch, ...enInstall } as const;
export type MessageKey = keyof typeof SOURCE;

export type Catalog = Translation<typeof SOURCE>;

export const CATALOGS: Record<Exclude<Locale, 'en-US'>, Catalog> = {
	de: { ...deCore, ...deBudget, ...deReport, ...deStyle, ...deMembers, ...deBatch, ...deInstall },
	fr: { ...frCore, ...frBudget, ...frReport, ...frStyle, ...frMembers, ...frBatch, ...frInstall },
	'es-ES': { ...esCore, ...esBudget, ...esReport, ...esStyle, ...esMembers, ...esBatch, ...esInstall },
	'pt-BR': { ...ptCore, ...ptBudget, ...ptReport, ...ptStyle, ...ptMembers, ...ptBatch, ...ptInstall },
	ja: { ...jaCore, ...jaBudget, ...jaReport, ...jaStyle, ...jaMembers, ...jaBatch, ...jaInstall },
	ko: { ...koCore, ...koBudget, ...koReport, ...koStyle, ...koMembers, ...koBatch, ...koInstall },
	'zh-CN': { ...zhCore, ...zhBudget, ...zhReport, ...zhStyle, ...zhMembers, ...zhBatch, ...zhInstall },
	ru: { ...ruCore, ...ruBudget, ...ruReport, ...ruStyle, ...ruMembers, ...ruBatch, ...ruInstall },
};
