import { DAY_MS } from './clock.ts'
import { endOfPeriod } from './calendar.ts'
import { shortfall, type Money } from './money.ts'
import type { Program, Tier, TierWindow } from './program.ts'

/*
 * Tiers ("statuses"): reached by spend (amount paid, in minor units) within the tier window.
 * Upgrades happen at once; downgrades only when a review period ends, so a customer never loses
 * a status in the middle of a month because an old purchase slid out of the window.
 */

/** The highest tier whose threshold `spend` reaches (the first tier is at 0, so always one). */
export function tierForSpend(tiers: readonly Tier[], spend: Money): Tier {
  let reached = tiers[0]
  for (const tier of tiers) if (spend >= tier.threshold) reached = tier
  if (!reached) throw new RangeError('A program has at least one tier')
  return reached
}

/** The tier with this id, or the first tier when the id is unknown (e.g. removed from the file). */
export function tierById(tiers: readonly Tier[], id: string | null): Tier {
  const found = tiers.find((tier) => tier.id === id) ?? tiers[0]
  if (!found) throw new RangeError('A program has at least one tier')
  return found
}

/** Position of a tier in the program (0 = first); -1 when unknown. */
export function tierRank(tiers: readonly Tier[], id: string): number {
  return tiers.findIndex((tier) => tier.id === id)
}

/** "1 250 ₽ to Gold": the tier above the held one and the spend still missing; null at the top. */
export interface TierProgress {
  /** Id of the next tier. */
  readonly next: string
  readonly missing: Money
}

/** Progress from the held tier to the next one, given the spend in the window so far. */
export function progressToNext(
  tiers: readonly Tier[],
  heldTierId: string,
  spend: Money,
): TierProgress | null {
  const next = tiers[tierRank(tiers, tierById(tiers, heldTierId).id) + 1]
  return next ? { next: next.id, missing: shortfall(next.threshold, spend) } : null
}

/** The tier to move up to when `spend` now reaches a tier above the held one; otherwise null. */
export function detectUpgrade(tiers: readonly Tier[], heldTierId: string, spend: Money): Tier | null {
  const reached = tierForSpend(tiers, spend)
  return tierRank(tiers, reached.id) > tierRank(tiers, tierById(tiers, heldTierId).id) ? reached : null
}

/** Inputs of {@link tierToKeep}. */
export interface TierReview {
  readonly heldTierId: string
  /** Spend within the window ending at `now` (at a review: ending at the period boundary). */
  readonly spendInWindow: Money
  readonly now: Date
  /** End of the current review period (see {@link nextTierReview}); null for a lifetime window. */
  readonly periodEnd: Date | null
}

/**
 * The tier a customer should hold: before `periodEnd` never lower than the held one (upgrades
 * still apply); at or after it, exactly the tier the spend in the window earns, so a downgrade
 * happens only at period end. Without a period (lifetime window) tiers never go down.
 */
export function tierToKeep(tiers: readonly Tier[], review: TierReview): Tier {
  const earned = tierForSpend(tiers, review.spendInWindow)
  const held = tierById(tiers, review.heldTierId)
  const periodOver = review.periodEnd !== null && review.now.getTime() >= review.periodEnd.getTime()
  if (periodOver) return earned
  return tierRank(tiers, earned.id) > tierRank(tiers, held.id) ? earned : held
}

/** Start of the spend window ending at `at`: `days` before for a rolling window, null for lifetime. */
export function tierWindowStart(window: TierWindow, at: Date): Date | null {
  return window.kind === 'rolling' ? new Date(at.getTime() - window.days * DAY_MS) : null
}

/**
 * When the review period containing `now` ends (end of month / quarter / year in the program time
 * zone): the moment downgrades are applied. Null for a lifetime window.
 */
export function nextTierReview(program: Pick<Program, 'tierWindow' | 'timeZone'>, now: Date): Date | null {
  const window = program.tierWindow
  return window.kind === 'rolling' ? endOfPeriod(now, window.reviewEvery, program.timeZone) : null
}
