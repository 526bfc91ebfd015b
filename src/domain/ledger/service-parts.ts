import { DAY_MS, type Clock } from '../clock.ts'
import { DomainError } from '../errors.ts'
import type { CustomerAccounts, LoyaltyAccount } from '../ports/customer-accounts.ts'
import type { AppendResult, LedgerRepository } from '../ports/ledger-repository.ts'
import type { PurchaseRepository } from '../ports/purchase-repository.ts'
import type { Program } from '../program.ts'
import type { NewLedgerEntry } from './entry.ts'

/** Ports and settings of `createLedgerService`. */
export interface LedgerServiceDeps {
  readonly ledger: LedgerRepository
  readonly customers: CustomerAccounts
  readonly purchases: PurchaseRepository
  readonly clock: Clock
  readonly program: Program
}

/** What the parts of the ledger service (purchases, bonuses, reversals) share. */
export type LedgerServiceParts = LedgerServiceDeps & {
  readonly activeAccount: (customerId: string) => Promise<LoyaltyAccount>
  /** Appends the expiry entries due for a customer; run before every debit. */
  readonly expireFor: (customerId: string) => Promise<AppendResult[]>
}

/** The customer, refused with CUSTOMER.NOT_FOUND or CUSTOMER.ERASED. */
export async function activeAccount(
  customers: CustomerAccounts,
  customerId: string,
): Promise<LoyaltyAccount> {
  const account = await customers.findById(customerId)
  if (account === null) throw new DomainError('CUSTOMER.NOT_FOUND', { customerId })
  if (account.erased) throw new DomainError('CUSTOMER.ERASED', { customerId })
  return account
}

/**
 * A reused key must describe the same operation: same customer, kind and delta. Anything else
 * (an operation id replayed for another customer or amount) is refused with
 * LEDGER.IDEMPOTENCY_CONFLICT.
 */
export function assertSameOperation(result: AppendResult, intended: NewLedgerEntry): void {
  if (result.created) return
  const { entry } = result
  if (
    entry.customerId !== intended.customerId ||
    entry.delta !== intended.delta ||
    entry.kind !== intended.kind
  ) {
    throw new DomainError('LEDGER.IDEMPOTENCY_CONFLICT', { key: intended.idempotencyKey })
  }
}

/**
 * When credits granted at `now` expire: after `validDays` when given (birthday, holiday bonus),
 * else after the program's `points.expiryDays`; undefined (never) when that is 0.
 */
export function creditExpiry(
  program: Pick<Program, 'points'>,
  now: Date,
  validDays?: number,
): Date | undefined {
  const days = validDays ?? program.points.expiryDays
  return days === 0 ? undefined : new Date(now.getTime() + days * DAY_MS)
}
