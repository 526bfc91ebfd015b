import { DAY_MS } from './clock.ts'
import type { NpsCategory } from './nps.ts'
import type { SegmentRules } from './program.ts'

/**
 * Where a customer is in their life with the shop:
 * new (joined, no purchase) -> first_purchase -> repeat -> regular, and lapsed / churned when the
 * last purchase is old. Owners broadcast to these.
 */
export type LifecycleStage = 'new' | 'first_purchase' | 'repeat' | 'regular' | 'lapsed' | 'churned'

/** Every stage, in the order reports list them. */
export const LIFECYCLE_STAGES: readonly LifecycleStage[] = [
  'new',
  'first_purchase',
  'repeat',
  'regular',
  'lapsed',
  'churned',
]

/**
 * All the segment rules read from a customer's purchases: a report asks the database for these
 * three numbers per customer instead of every purchase instant.
 */
export interface PurchaseSummary {
  readonly count: number
  /** The latest purchase; null without purchases. */
  readonly last: Date | null
  /** Purchases in the regular window ending at `now`: after `regularWindowStart`, not after `now`. */
  readonly recent: number
}

/** Purchases after this instant (and not after `now`) count toward "buys often". */
export function regularWindowStart(now: Date, rules: SegmentRules): Date {
  return new Date(now.getTime() - rules.regularWindowDays * DAY_MS)
}

/** The {@link PurchaseSummary} of purchase instants (any order) at `now`. */
export function summarizePurchases(
  purchases: readonly Date[],
  now: Date,
  rules: SegmentRules,
): PurchaseSummary {
  const from = regularWindowStart(now, rules).getTime()
  let last: Date | null = null
  let recent = 0
  for (const date of purchases) {
    if (last === null || date.getTime() > last.getTime()) last = date
    if (date.getTime() > from && date.getTime() <= now.getTime()) recent++
  }
  return { count: purchases.length, last, recent }
}

/**
 * The stage at `now`. Checked in this order: no purchase -> new; last purchase at least
 * `churnedDays` ago -> churned; at least `lapsedDays` -> lapsed; at least `regularPurchases`
 * within the last `regularWindowDays` -> regular; two or more -> repeat; otherwise first_purchase.
 * Days are 24-hour spans counted from the purchase instant.
 */
export function stageOf(purchases: PurchaseSummary, now: Date, rules: SegmentRules): LifecycleStage {
  if (purchases.count === 0 || purchases.last === null) return 'new'
  const sinceLast = now.getTime() - purchases.last.getTime()
  if (sinceLast >= rules.churnedDays * DAY_MS) return 'churned'
  if (sinceLast >= rules.lapsedDays * DAY_MS) return 'lapsed'
  if (purchases.recent >= rules.regularPurchases) return 'regular'
  return purchases.count >= 2 ? 'repeat' : 'first_purchase'
}

/** {@link stageOf} from purchase instants (any order). */
export function lifecycleStage(purchases: readonly Date[], now: Date, rules: SegmentRules): LifecycleStage {
  return stageOf(summarizePurchases(purchases, now, rules), now, rules)
}

/**
 * "Buys often": at least `regularPurchases` purchases in the last `regularWindowDays` (a purchase
 * exactly `regularWindowDays` ago no longer counts). The same bar defines "regular" and the
 * frequency axis of the loyalty type, so the two reports never disagree.
 */
export function isFrequent(purchases: readonly Date[], now: Date, rules: SegmentRules): boolean {
  return summarizePurchases(purchases, now, rules).recent >= rules.regularPurchases
}

/**
 * The seeds' 2x2 of emotional attachment (latest NPS answer) x purchase frequency:
 * true loyalty (promoter, frequent), latent (promoter, rare), false (frequent, not a promoter),
 * none (neither). A customer who never answered NPS is "not a promoter".
 */
export type LoyaltyType = 'true_loyalty' | 'latent' | 'false_loyalty' | 'none'

/** Every loyalty type, in the order reports list them. */
export const LOYALTY_TYPES: readonly LoyaltyType[] = ['true_loyalty', 'latent', 'false_loyalty', 'none']

/** The loyalty type from the latest NPS category (null: never answered) and frequency. */
export function loyaltyType(latestNps: NpsCategory | null, frequent: boolean): LoyaltyType {
  const promoter = latestNps === 'promoter'
  if (promoter) return frequent ? 'true_loyalty' : 'latent'
  return frequent ? 'false_loyalty' : 'none'
}

/** Both classifications of one customer. */
export interface CustomerSegment {
  readonly stage: LifecycleStage
  readonly loyalty: LoyaltyType
}

/** Stage and loyalty type of a customer at `now`, from the summary of their purchases. */
export function segmentOfSummary(
  purchases: PurchaseSummary,
  latestNps: NpsCategory | null,
  now: Date,
  rules: SegmentRules,
): CustomerSegment {
  return {
    stage: stageOf(purchases, now, rules),
    loyalty: loyaltyType(latestNps, purchases.recent >= rules.regularPurchases),
  }
}

/** Stage and loyalty type of a customer at `now`, from purchase instants (any order). */
export function segmentOf(
  purchases: readonly Date[],
  latestNps: NpsCategory | null,
  now: Date,
  rules: SegmentRules,
): CustomerSegment {
  return segmentOfSummary(summarizePurchases(purchases, now, rules), latestNps, now, rules)
}
