// The ledger's public surface.
export type { CapNote, ChargeDetails, Counter, LedgerOptions, Pool, RefusalReason, ReserveResult, Standing, TopEntry, Who } from './ledger-core.js';
export { Ledger } from './ledger.js';
export type { LimitSource } from './limits.js';
export type { GuildSettings, Reservation } from '../records/budget.js';
