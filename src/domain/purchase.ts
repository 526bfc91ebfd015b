import { DomainError } from './errors.ts'
import { money, subtractMoney, type Money } from './money.ts'
import { minPoints, points, type Points } from './points.ts'
import type { Program, Tier } from './program.ts'
import { basisPoints, pointsAtRate, pointsToMoney, shareOfMoney, type BasisPoints } from './rates.ts'

/** The largest number of stamp items staff may add with one purchase (typo guard). */
export const MAX_STAMPS_PER_PURCHASE = 20

/** What staff entered for a purchase, with the customer's current state. */
export interface PurchaseQuoteInput {
  /** The receipt total before any card benefit, minor units, > 0. */
  readonly amount: Money
  /** The tier the customer holds before this purchase: its rate applies. */
  readonly tier: Tier
  /** Spendable balance now (after due expiries). */
  readonly balance: Points
  /** Points the customer wants to spend on this purchase; 0 or absent: none. */
  readonly requestedRedeem?: Points
  /** Stamp-card items in the purchase; default 1 when the stamp card is on. */
  readonly stampItems?: number
}

/** Everything the staff screen and the ledger need about one purchase. */
export interface PurchaseQuote {
  readonly amount: Money
  /** Discount-card mode: the tier's discount in basis points; 0 in points mode. */
  readonly discountBp: BasisPoints
  /** Discount in minor units, rounded down (in the customer's disfavour by under a kopeck). */
  readonly discount: Money
  /** Most points this purchase may take: min(cap share of the amount, balance); 0 in discount mode. */
  readonly maxRedeemable: Points
  readonly redeem: Points
  /** What the customer pays in money: amount - discount - redeemed points. */
  readonly paid: Money
  /** Points earned, on `paid` only (points do not earn points), rounded down. */
  readonly earn: Points
  readonly stamps: number
}

/**
 * The largest redemption on a purchase of `amount`: the cap share (default 30 %) in whole
 * points, rounded down, and never more than the balance. 0 in discount-card mode.
 */
export function maxRedeemable(
  program: Pick<Program, 'mode' | 'points' | 'currency'>,
  amount: Money,
  balance: Points,
): Points {
  if (program.mode === 'discount') return points(0)
  return minPoints(pointsAtRate(amount, program.points.redeemCapBp, program.currency), balance)
}

/**
 * Checks a redemption of `requested` points on a purchase of `amount`; returns the maximum.
 * Refuses with REDEEM.OVER_BALANCE when the balance is what limits it, REDEEM.OVER_CAP otherwise
 * (params: max, balance).
 */
export function assertRedeemable(
  program: Pick<Program, 'mode' | 'points' | 'currency'>,
  amount: Money,
  balance: Points,
  requested: Points,
): Points {
  const max = maxRedeemable(program, amount, balance)
  if (requested > max) {
    if (requested > balance && max === balance)
      throw new DomainError('REDEEM.OVER_BALANCE', { balance, max, count: balance })
    throw new DomainError('REDEEM.OVER_CAP', { max, balance, count: max })
  }
  return max
}

/**
 * Prices a purchase. Points mode: optional redemption (refused with REDEEM.OVER_BALANCE when the
 * balance is what limits it, REDEEM.OVER_CAP otherwise), then points at the tier rate on the
 * amount paid after redemption, rounded down. Discount mode: the tier's discount, no points
 * (REDEEM.NOT_AVAILABLE when asked to redeem). The amount must be within (0, maxAmount]
 * (MONEY.ZERO, MONEY.TOO_LARGE); stamps 0..20 (STAMPS.INVALID_COUNT, STAMPS.DISABLED).
 */
export function quotePurchase(program: Program, input: PurchaseQuoteInput): PurchaseQuote {
  const { amount, tier, balance } = input
  if (amount === 0) throw new DomainError('MONEY.ZERO')
  if (amount > program.purchases.maxAmount) {
    throw new DomainError('MONEY.TOO_LARGE', { maxMinor: program.purchases.maxAmount })
  }
  const stamps = stampsFor(program, input.stampItems)
  const requested = input.requestedRedeem ?? points(0)

  if (program.mode === 'discount') {
    if (requested > 0) throw new DomainError('REDEEM.NOT_AVAILABLE')
    const discount = shareOfMoney(amount, tier.discountBp)
    const paid = subtractMoney(amount, discount)
    const none = points(0)
    return {
      amount,
      discountBp: tier.discountBp,
      discount,
      maxRedeemable: none,
      redeem: none,
      paid,
      earn: none,
      stamps,
    }
  }

  const max = assertRedeemable(program, amount, balance, requested)
  const paid = subtractMoney(amount, pointsToMoney(requested, program.currency))
  return {
    amount,
    discountBp: basisPoints(0),
    discount: money(0),
    maxRedeemable: max,
    redeem: requested,
    paid,
    earn: pointsAtRate(paid, tier.earnRateBp, program.currency),
    stamps,
  }
}

function stampsFor(program: Program, items: number | undefined): number {
  if (items === undefined) return program.stampCard.enabled ? 1 : 0
  if (!Number.isInteger(items) || items < 0 || items > MAX_STAMPS_PER_PURCHASE) {
    throw new DomainError('STAMPS.INVALID_COUNT', { max: MAX_STAMPS_PER_PURCHASE })
  }
  if (items > 0 && !program.stampCard.enabled) throw new DomainError('STAMPS.DISABLED')
  return items
}
