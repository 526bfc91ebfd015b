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
 * The stage at `now` from purchase instants (any order). Checked in this order: no purchase ->
 * new; last purchase at least `churnedDays` ago -> churned; at least `lapsedDays` -> lapsed; at
 * least `regularPurchases` within the last `regularWindowDays` -> regular; two or more -> repeat;
 * otherwise first_purchase. Days are 24-hour spans counted from the purchase instant.
 */
export function lifecycleStage(purchases: readonly Date[], now: Date, rules: SegmentRules): LifecycleStage {
  if (purchases.length === 0) return 'new'
  const sinceLast = now.getTime() - Math.max(...purchases.map((date) => date.getTime()))
  if (sinceLast >= rules.churnedDays * DAY_MS) return 'churned'
  if (sinceLast >= rules.lapsedDays * DAY_MS) return 'lapsed'
  if (isFrequent(purchases, now, rules)) return 'regular'
  return purchases.length >= 2 ? 'repeat' : 'first_purchase'
}

/**
 * "Buys often": at least `regularPurchases` purchases in the last `regularWindowDays` (a purchase
 * exactly `regularWindowDays` ago no longer counts). The same bar defines "regular" and the
 * frequency axis of the loyalty type, so the two reports never disagree.
 */
export function isFrequent(purchases: readonly Date[], now: Date, rules: SegmentRules): boolean {
  const from = now.getTime() - rules.regularWindowDays * DAY_MS
  const recent = purchases.filter((date) => date.getTime() > from && date.getTime() <= now.getTime())
  return recent.length >= rules.regularPurchases
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

/** Stage and loyalty type of a customer at `now`. */
export function segmentOf(
  purchases: readonly Date[],
  latestNps: NpsCategory | null,
  now: Date,
  rules: SegmentRules,
): CustomerSegment {
  return {
    stage: lifecycleStage(purchases, now, rules),
    loyalty: loyaltyType(latestNps, isFrequent(purchases, now, rules)),
  }
}
