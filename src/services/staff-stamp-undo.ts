import type { StampCardRules } from '../domain/program.ts'
import { stampsPerCard, type StampCard } from '../domain/stamps.ts'

/**
 * Takes back `count` stamps (an undone purchase or stamp). When they had filled a card, the unclaimed
 * reward goes back into stamps; a reward already given is not clawed back (the card stops at 0).
 */
export function removeStamps(card: StampCard, count: number, rules: StampCardRules): StampCard {
  let stamps = card.stamps - count
  let rewardsAvailable = card.rewardsAvailable
  while (stamps < 0 && rewardsAvailable > 0) {
    stamps += stampsPerCard(rules)
    rewardsAvailable -= 1
  }
  return { stamps: Math.max(0, stamps), rewardsAvailable }
}
