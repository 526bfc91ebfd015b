import type { LedgerCursor, LedgerEntry, NewLedgerEntry } from '../ledger/entry.ts'
import type { Points } from '../points.ts'

/** The outcome of an idempotent append: the stored entry, and whether this call created it. */
export interface AppendResult {
  readonly entry: LedgerEntry
  /** False when the idempotency key was already used: `entry` is the earlier one, unchanged. */
  readonly created: boolean
  /**
   * The customer's balance just after this entry, when this call created it and the repository
   * learns it on the way (saves reading the balance again); absent otherwise.
   */
  readonly balance?: Points
}

/**
 * The append-only points ledger, implemented by src/db. Contracts every implementation must keep
 * (test/domain/fakes.ts is the reference):
 * - `idempotencyKey` is unique across the ledger. Appending a used key stores nothing and returns
 *   the existing entry with `created: false`, whatever the new entry says (the service detects
 *   conflicting reuse).
 * - The balance of a customer (sum of deltas) never goes below 0. `append` takes credits only
 *   (delta > 0); every debit goes through `appendDebitIfCovered`, which checks and inserts as one
 *   atomic step per customer (e.g. a transaction on a per-customer balance document with a
 *   conditional `$inc`), so two concurrent spends can never both pass on the same points.
 * - Entries are never updated or deleted (erasing a customer keeps their entries, anonymous).
 */
export interface LedgerRepository {
  /** Stores a credit (delta > 0); idempotent by key. */
  append(entry: NewLedgerEntry): Promise<AppendResult>
  /**
   * Stores a debit (delta < 0) only if the customer's balance covers it, atomically; otherwise
   * throws `DomainError('LEDGER.INSUFFICIENT_POINTS', { balance, requested })`. A used key returns
   * the existing entry without any balance check.
   */
  appendDebitIfCovered(entry: NewLedgerEntry): Promise<AppendResult>
  findById(entryId: string): Promise<LedgerEntry | null>
  findByKey(idempotencyKey: string): Promise<LedgerEntry | null>
  /** History, newest first (createdAt desc, then id desc), strictly before `before` when given. */
  entriesOf(customerId: string, page: { limit: number; before?: LedgerCursor }): Promise<LedgerEntry[]>
  /** The whole history of one customer, oldest first in append order (for lots and expiry). */
  allEntriesOf(customerId: string): Promise<LedgerEntry[]>
  /** The entries carrying this purchase id, oldest first. */
  entriesOfPurchase(purchaseId: string): Promise<LedgerEntry[]>
  /** Sum of the customer's deltas (0 for an unknown customer). */
  balanceOf(customerId: string): Promise<Points>
  /** Distinct customers with a credit whose `expiresAt` is in [from, to] (both inclusive): expiry candidates. */
  customersWithCreditsExpiringBetween(from: Date, to: Date): Promise<string[]>
}
