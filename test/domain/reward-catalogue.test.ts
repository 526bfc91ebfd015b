import { describe, expect, it } from 'vitest'
import { DomainError } from '../../src/domain/errors.ts'
import { points } from '../../src/domain/points.ts'
import {
  assertAffordable,
  catalogueOffers,
  nearestReward,
  nearRewardCrossing,
  rewardById,
} from '../../src/domain/reward-catalogue.ts'

const coffee = { id: 'coffee', names: { ru: 'Кофе', en: 'Coffee' }, points: points(200) }
const dessert = { id: 'dessert', names: { ru: 'Десерт', en: 'Dessert' }, points: points(300) }
const RULES = { catalogue: [dessert, coffee], nearPoints: 50 }

describe('the reward catalogue', () => {
  it('should list rewards cheapest first with the points still missing', () => {
    expect(catalogueOffers(RULES, points(250)).map(({ reward, missing }) => [reward.id, missing])).toEqual([
      ['coffee', 0],
      ['dessert', 50],
    ])
  })

  it('should name the cheapest reward not yet affordable when at most nearPoints are missing', () => {
    expect(nearestReward(RULES, points(149))).toBeNull()
    expect(nearestReward(RULES, points(150))).toMatchObject({ reward: { id: 'coffee' }, missing: 50 })
    expect(nearestReward(RULES, points(200))).toBeNull()
    expect(nearestReward(RULES, points(299))).toMatchObject({ reward: { id: 'dessert' }, missing: 1 })
    expect(nearestReward(RULES, points(300))).toBeNull()
    expect(nearestReward({ ...RULES, nearPoints: 0 }, points(199))).toBeNull()
  })

  it('should refuse an unknown reward and one the balance does not cover, without any cap', () => {
    expect(() => rewardById(RULES, 'tea')).toThrowError(DomainError)
    expect(() => assertAffordable(coffee, points(200))).not.toThrow()
    expect(() => assertAffordable(coffee, points(199))).toThrowError(
      expect.objectContaining({
        code: 'REWARD.NOT_ENOUGH_POINTS',
        params: { rewardId: 'coffee', price: 200, balance: 199, missing: 1 },
      }),
    )
  })

  it('should find the entry that last brought the balance close to a reward', () => {
    const entries = [
      { id: 'a', delta: 100 },
      { id: 'b', delta: 60 }, // 160: in [150, 200)
      { id: 'c', delta: 20 }, // 180: still in
      { id: 'd', delta: -100 }, // 80: out
      { id: 'e', delta: 90 }, // 170: in again
    ]
    expect(nearRewardCrossing(entries.slice(0, 3), points(200), 50)).toBe('b')
    expect(nearRewardCrossing(entries, points(200), 50)).toBe('e')
    expect(nearRewardCrossing(entries.slice(0, 1), points(200), 50)).toBeNull()
  })
})
