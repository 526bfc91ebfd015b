import { DomainError } from './errors.ts'
import type { StampCardRules } from './program.ts'
import { MAX_STAMPS_PER_PURCHASE } from './purchase.ts'

/**
 * A customer's stamp card: stamps on the current card and free items earned but not yet given.
 * Stored with the customer; "every 6th coffee free" means 5 stamps fill a card.
 */
export interface StampCard {
  readonly stamps: number
  readonly rewardsAvailable: number
}

/** An empty card. */
export const EMPTY_STAMP_CARD: StampCard = Object.freeze({ stamps: 0, rewardsAvailable: 0 })

/** Stamps that fill a card: `every` - 1 paid items, the next one is free. */
export function stampsPerCard(rules: StampCardRules): number {
  return rules.every - 1
}

/** Paid items still missing before the next free one ("2 more coffees"). */
export function stampsToReward(card: StampCard, rules: StampCardRules): number {
  return stampsPerCard(rules) - card.stamps
}

/**
 * Adds `count` stamps (1..20); each full card turns into one available reward and starts over.
 * Refuses with STAMPS.DISABLED or STAMPS.INVALID_COUNT.
 */
export function addStamps(
  card: StampCard,
  count: number,
  rules: StampCardRules,
): { readonly card: StampCard; readonly rewardsUnlocked: number } {
  if (!rules.enabled) throw new DomainError('STAMPS.DISABLED')
  if (!Number.isInteger(count) || count < 1 || count > MAX_STAMPS_PER_PURCHASE) {
    throw new DomainError('STAMPS.INVALID_COUNT', { max: MAX_STAMPS_PER_PURCHASE })
  }
  const perCard = stampsPerCard(rules)
  const total = card.stamps + count
  const rewardsUnlocked = Math.floor(total / perCard)
  return {
    card: { stamps: total % perCard, rewardsAvailable: card.rewardsAvailable + rewardsUnlocked },
    rewardsUnlocked,
  }
}

/** Gives one free item; refuses with STAMPS.DISABLED or STAMPS.NO_REWARD. */
export function claimStampReward(card: StampCard, rules: StampCardRules): StampCard {
  if (!rules.enabled) throw new DomainError('STAMPS.DISABLED')
  if (card.rewardsAvailable < 1) throw new DomainError('STAMPS.NO_REWARD')
  return { stamps: card.stamps, rewardsAvailable: card.rewardsAvailable - 1 }
}
