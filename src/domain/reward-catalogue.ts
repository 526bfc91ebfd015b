import { DomainError } from './errors.ts'
import { points, type Points } from './points.ts'
import type { CatalogueReward, RewardCatalogueRules } from './program.ts'

/** A catalogue reward as the customer's Rewards screen shows it. */
export interface CatalogueOffer {
  readonly reward: CatalogueReward
  /** Points still missing; 0 when the balance already covers it. */
  readonly missing: Points
}

/** Every reward of the catalogue, cheapest first, with the points the balance still lacks. */
export function catalogueOffers(rules: RewardCatalogueRules, balance: Points): CatalogueOffer[] {
  return [...rules.catalogue]
    .sort((a, b) => a.points - b.points)
    .map((reward) => ({ reward, missing: points(Math.max(0, reward.points - balance)) }))
}

/**
 * The reward worth a "you are N points from ..." nudge: the cheapest one the balance does not cover
 * yet, when at most `nearPoints` are missing (0 turns the nudge off). Null otherwise.
 */
export function nearestReward(rules: RewardCatalogueRules, balance: Points): CatalogueOffer | null {
  if (rules.nearPoints === 0) return null
  const next = catalogueOffers(rules, balance).find((offer) => offer.missing > 0)
  return next && next.missing <= rules.nearPoints ? next : null
}

/** The reward of an id; REWARD.UNKNOWN when the catalogue has no such reward (a stale button). */
export function rewardById(rules: RewardCatalogueRules, rewardId: string): CatalogueReward {
  const reward = rules.catalogue.find((item) => item.id === rewardId)
  if (!reward) throw new DomainError('REWARD.UNKNOWN', { rewardId })
  return reward
}

/**
 * Checks the balance covers a catalogue reward. The purchase-share cap does not apply: a reward is
 * not paying part of a purchase, its price is the whole cost. Refuses with REWARD.NOT_ENOUGH_POINTS
 * (params: rewardId, price, balance, missing).
 */
export function assertAffordable(reward: Pick<CatalogueReward, 'id' | 'points'>, balance: Points): void {
  if (balance >= reward.points) return
  throw new DomainError('REWARD.NOT_ENOUGH_POINTS', {
    rewardId: reward.id,
    price: reward.points,
    balance,
    missing: reward.points - balance,
  })
}

/**
 * The entry that most recently brought the running balance into the "close to the reward" window
 * [price - nearPoints, price). The reminder is keyed by it: sent once per crossing, and again only
 * after the balance left the window and came back. Null when the balance never entered it.
 */
export function nearRewardCrossing(
  entries: readonly { readonly id: string; readonly delta: number }[],
  price: Points,
  nearPoints: number,
): string | null {
  let balance = 0
  let inside = false
  let crossing: string | null = null
  for (const entry of entries) {
    balance += entry.delta
    const now = balance >= price - nearPoints && balance < price
    if (now && !inside) crossing = entry.id
    inside = now
  }
  return crossing
}
