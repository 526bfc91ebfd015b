import { describe, expect, it } from 'vitest'
import type { SegmentRules } from '../../src/domain/program.ts'
import { isFrequent, lifecycleStage, loyaltyType, segmentOf } from '../../src/domain/segments.ts'

const rules: SegmentRules = { regularPurchases: 4, regularWindowDays: 30, lapsedDays: 45, churnedDays: 120 }
const now = new Date('2026-06-01T12:00:00Z')
const daysAgo = (...days: number[]) => days.map((n) => new Date(now.getTime() - n * 86_400_000))

describe('lifecycleStage', () => {
  it('should walk new -> first purchase -> repeat -> regular', () => {
    expect(lifecycleStage([], now, rules)).toBe('new')
    expect(lifecycleStage(daysAgo(3), now, rules)).toBe('first_purchase')
    expect(lifecycleStage(daysAgo(3, 20), now, rules)).toBe('repeat')
    expect(lifecycleStage(daysAgo(1, 8, 15, 29), now, rules)).toBe('regular')
  })

  it('should count only purchases strictly inside the regular window', () => {
    expect(lifecycleStage(daysAgo(1, 8, 15, 30), now, rules)).toBe('repeat')
    expect(isFrequent(daysAgo(1, 8, 15, 30), now, rules)).toBe(false)
  })

  it('should become lapsed at exactly lapsedDays and churned at exactly churnedDays', () => {
    expect(lifecycleStage(daysAgo(44, 50), now, rules)).toBe('repeat')
    expect(lifecycleStage(daysAgo(45, 50), now, rules)).toBe('lapsed')
    expect(lifecycleStage(daysAgo(119), now, rules)).toBe('lapsed')
    expect(lifecycleStage(daysAgo(120), now, rules)).toBe('churned')
  })
})

describe('loyaltyType', () => {
  it('should follow the 2x2 of attachment and frequency', () => {
    expect(loyaltyType('promoter', true)).toBe('true_loyalty')
    expect(loyaltyType('promoter', false)).toBe('latent')
    expect(loyaltyType('passive', true)).toBe('false_loyalty')
    expect(loyaltyType('detractor', true)).toBe('false_loyalty')
    expect(loyaltyType(null, true)).toBe('false_loyalty')
    expect(loyaltyType('passive', false)).toBe('none')
    expect(loyaltyType(null, false)).toBe('none')
  })

  it('should combine stage and type for one customer', () => {
    expect(segmentOf(daysAgo(1, 8, 15, 29), 'promoter', now, rules)).toEqual({
      stage: 'regular',
      loyalty: 'true_loyalty',
    })
    expect(segmentOf(daysAgo(60), 'promoter', now, rules)).toEqual({ stage: 'lapsed', loyalty: 'latent' })
  })
})
