import { describe, expect, it } from 'vitest'
import type { ReactivationRules } from '../../src/domain/program.ts'
import { isReactivationDue, reactivationDueAt, usualGapMs } from '../../src/domain/reactivation.ts'

const rules: ReactivationRules = {
  enabled: true,
  minDays: 21,
  gapMultiplierPercent: 200,
  defaultIntervalDays: 30,
  cooldownDays: 30,
  maxTries: 2,
}
const day = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 86_400_000)

describe('reactivation', () => {
  it('should use twice the customer own average gap', () => {
    const purchases = [day(0), day(20), day(10), day(30)] // every 10 days: twice that is 20, below minDays 21
    expect(usualGapMs(purchases, rules)).toBe(10 * 86_400_000)
    expect(reactivationDueAt({ purchases, reminders: [] }, rules)).toEqual(day(30 + 21))
    const slow = [day(0), day(15), day(30)] // gap 15 -> 30 days
    expect(reactivationDueAt({ purchases: slow, reminders: [] }, rules)).toEqual(day(60))
  })

  it('should use the program default interval after a single purchase', () => {
    expect(reactivationDueAt({ purchases: [day(5)], reminders: [] }, rules)).toEqual(day(65))
  })

  it('should not remind someone who never bought or when turned off', () => {
    expect(reactivationDueAt({ purchases: [], reminders: [] }, rules)).toBeNull()
    expect(reactivationDueAt({ purchases: [day(5)], reminders: [] }, { ...rules, enabled: false })).toBeNull()
  })

  it('should wait the cooldown after a reminder and stop after max tries', () => {
    const purchases = [day(5)]
    expect(reactivationDueAt({ purchases, reminders: [day(65)] }, rules)).toEqual(day(95))
    expect(reactivationDueAt({ purchases, reminders: [day(65), day(95)] }, rules)).toBeNull()
  })

  it('should reset the tries after a new purchase', () => {
    const history = { purchases: [day(5), day(100)], reminders: [day(65), day(95)] }
    expect(reactivationDueAt(history, rules)).toEqual(day(100 + 190))
    expect(isReactivationDue(history, day(289), rules)).toBe(false)
    expect(isReactivationDue(history, day(290), rules)).toBe(true)
  })
})
