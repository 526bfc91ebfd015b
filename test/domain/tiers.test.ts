import { describe, expect, it } from 'vitest'
import { parseProgram } from '../../src/config/program.ts'
import {
  detectUpgrade,
  nextTierReview,
  progressToNext,
  tierById,
  tierForSpend,
  tierToKeep,
  tierWindowStart,
} from '../../src/domain/tiers.ts'
import { rub } from './fakes.ts'

const program = parseProgram({})
const { tiers } = program

describe('tierForSpend', () => {
  it('should pick the highest tier whose threshold is reached', () => {
    expect(tierForSpend(tiers, rub(0)).id).toBe('bronze')
    expect(tierForSpend(tiers, rub(14_999, 99)).id).toBe('bronze')
    expect(tierForSpend(tiers, rub(15_000)).id).toBe('silver')
    expect(tierForSpend(tiers, rub(1_000_000)).id).toBe('gold')
  })

  it('should fall back to the first tier for an unknown id', () => {
    expect(tierById(tiers, 'platinum').id).toBe('bronze')
    expect(tierById(tiers, null).id).toBe('bronze')
  })
})

describe('progress and upgrades', () => {
  it('should say how much is missing to the next tier', () => {
    expect(progressToNext(tiers, 'bronze', rub(13_750))).toEqual({ next: 'silver', missing: rub(1_250) })
    expect(progressToNext(tiers, 'silver', rub(39_999, 50))).toEqual({ next: 'gold', missing: 50 })
    expect(progressToNext(tiers, 'gold', rub(90_000))).toBeNull()
  })

  it('should measure from the held tier when it is kept above the spend', () => {
    expect(progressToNext(tiers, 'silver', rub(10_000))).toEqual({ next: 'gold', missing: rub(30_000) })
  })

  it('should detect an upgrade, even over two tiers, and nothing else', () => {
    expect(detectUpgrade(tiers, 'bronze', rub(15_000))?.id).toBe('silver')
    expect(detectUpgrade(tiers, 'bronze', rub(40_000))?.id).toBe('gold')
    expect(detectUpgrade(tiers, 'silver', rub(15_000))).toBeNull()
    expect(detectUpgrade(tiers, 'gold', rub(100))).toBeNull()
  })
})

describe('downgrade only at period end', () => {
  const periodEnd = new Date('2026-05-31T21:00:00Z')

  it('should keep the held tier before the period ends', () => {
    const review = {
      heldTierId: 'gold',
      spendInWindow: rub(12_000),
      now: new Date('2026-05-31T20:59:59Z'),
      periodEnd,
    }
    expect(tierToKeep(tiers, review).id).toBe('gold')
  })

  it('should lower it to what the spend earns once the period ended', () => {
    const review = { heldTierId: 'gold', spendInWindow: rub(20_000), now: periodEnd, periodEnd }
    expect(tierToKeep(tiers, review).id).toBe('silver')
  })

  it('should still upgrade in the middle of a period', () => {
    const review = {
      heldTierId: 'bronze',
      spendInWindow: rub(41_000),
      now: new Date('2026-05-10T10:00:00Z'),
      periodEnd,
    }
    expect(tierToKeep(tiers, review).id).toBe('gold')
  })

  it('should never lower a tier with a lifetime window', () => {
    const review = { heldTierId: 'gold', spendInWindow: rub(0), now: periodEnd, periodEnd: null }
    expect(tierToKeep(tiers, review).id).toBe('gold')
  })

  it('should compute the window start and the next review in the program time zone', () => {
    const now = new Date('2026-05-17T10:00:00Z')
    expect(tierWindowStart(program.tierWindow, now)?.toISOString()).toBe('2025-05-17T10:00:00.000Z')
    expect(nextTierReview(program, now)?.toISOString()).toBe('2026-05-31T21:00:00.000Z')
    const lifetime = parseProgram({ tierWindow: { kind: 'lifetime' } })
    expect(tierWindowStart(lifetime.tierWindow, now)).toBeNull()
    expect(nextTierReview(lifetime, now)).toBeNull()
  })
})
