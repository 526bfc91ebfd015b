import { describe, expect, it } from 'vitest'
import { parseProgram } from '../../src/config/program.ts'
import {
  addStamps,
  claimStampReward,
  EMPTY_STAMP_CARD,
  stampsPerCard,
  stampsToReward,
} from '../../src/domain/stamps.ts'

const rules = parseProgram({}).stampCard

describe('stamp card: buy 5 coffees, the 6th is on us', () => {
  it('should fill a card with 5 stamps and unlock one free item', () => {
    expect(stampsPerCard(rules)).toBe(5)
    const four = addStamps(EMPTY_STAMP_CARD, 4, rules)
    expect(four).toEqual({ card: { stamps: 4, rewardsAvailable: 0 }, rewardsUnlocked: 0 })
    expect(stampsToReward(four.card, rules)).toBe(1)
    expect(addStamps(four.card, 1, rules)).toEqual({
      card: { stamps: 0, rewardsAvailable: 1 },
      rewardsUnlocked: 1,
    })
  })

  it('should carry over extra stamps and count several rewards', () => {
    expect(addStamps({ stamps: 3, rewardsAvailable: 1 }, 12, rules)).toEqual({
      card: { stamps: 0, rewardsAvailable: 4 },
      rewardsUnlocked: 3,
    })
    expect(addStamps({ stamps: 3, rewardsAvailable: 0 }, 4, rules).card).toEqual({
      stamps: 2,
      rewardsAvailable: 1,
    })
  })

  it('should give a reward only when one is available', () => {
    expect(claimStampReward({ stamps: 2, rewardsAvailable: 1 }, rules)).toEqual({
      stamps: 2,
      rewardsAvailable: 0,
    })
    expect(() => claimStampReward({ stamps: 4, rewardsAvailable: 0 }, rules)).toThrow(
      expect.objectContaining({ code: 'STAMPS.NO_REWARD' }),
    )
  })

  it('should refuse bad counts and a disabled card', () => {
    expect(() => addStamps(EMPTY_STAMP_CARD, 0, rules)).toThrow(
      expect.objectContaining({ code: 'STAMPS.INVALID_COUNT' }),
    )
    expect(() => addStamps(EMPTY_STAMP_CARD, 1, { ...rules, enabled: false })).toThrow(
      expect.objectContaining({ code: 'STAMPS.DISABLED' }),
    )
  })
})
