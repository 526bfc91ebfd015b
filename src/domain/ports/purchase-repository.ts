import type { Actor } from '../ledger/entry.ts'
import type { Money } from '../money.ts'
import type { Points } from '../points.ts'
import type { BasisPoints } from '../rates.ts'

/** A recorded purchase: the source of spend totals, tiers, segments, reactivation and revenue. */
export interface Purchase {
  /** Receipt-based (`receipt:<outlet>:<no>`) or an operation id made once per purchase dialog. */
  readonly id: string
  readonly customerId: string
  /** Receipt total as entered, minor units. */
  readonly amount: Money
  /** Discount-card mode: the tier's discount rate and amount (0 in points mode). */
  readonly discountBp: BasisPoints
  readonly discount: Money
  readonly redeemed: Points
  /** Money actually paid: counts toward tiers and referral qualification. */
  readonly paid: Money
  readonly earned: Points
  /** Stamp-card items of this purchase (the caller adds them to the customer's card). */
  readonly stamps: number
  readonly outletId: string
  readonly actor: Actor
  readonly createdAt: Date
  /** Set when staff undid it; voided purchases count nowhere. */
  readonly voidedAt: Date | null
}

/**
 * Purchases, implemented by src/db. `record` is idempotent by `id` (unique index): recording an
 * existing id stores nothing and returns the existing purchase with `created: false`.
 */
export interface PurchaseRepository {
  record(purchase: Purchase): Promise<{ readonly purchase: Purchase; readonly created: boolean }>
  findById(purchaseId: string): Promise<Purchase | null>
  /** Sum of `paid` of non-voided purchases with from < createdAt <= to; from null = since ever. */
  spendBetween(customerId: string, from: Date | null, to: Date): Promise<Money>
  /** Marks a purchase voided (idempotent: a second call keeps the first voidedAt). */
  markVoided(purchaseId: string, at: Date): Promise<void>
}
