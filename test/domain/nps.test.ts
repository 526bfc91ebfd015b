import { describe, expect, it } from 'vitest'
import { isDomainError } from '../../src/domain/errors.ts'
import { followUpKey, npsBy, npsCategory, npsOf, parseNpsScore } from '../../src/domain/nps.ts'

const answers = (...scores: number[]) => scores.map((score) => ({ score }))

describe('npsCategory', () => {
  it('should split the 0-10 scale at 6/7 and 8/9', () => {
    expect([0, 6, 7, 8, 9, 10].map(npsCategory)).toEqual([
      'detractor',
      'detractor',
      'passive',
      'passive',
      'promoter',
      'promoter',
    ])
  })

  it.each([-1, 11, 7.5, Number.NaN])('should refuse %s', (score) => {
    expect(() => npsCategory(score)).toThrow(expect.objectContaining({ code: 'NPS.INVALID_SCORE' }))
  })

  it('should read button payloads and refuse forged ones', () => {
    expect(parseNpsScore('9')).toBe(9)
    expect(parseNpsScore(' 10 ')).toBe(10)
    expect(parseNpsScore(0)).toBe(0)
    for (const forged of ['11', '-1', '9.5', 'ten', '']) {
      let caught: unknown
      try {
        parseNpsScore(forged)
      } catch (error) {
        caught = error
      }
      expect(isDomainError(caught, 'NPS.INVALID_SCORE')).toBe(true)
    }
  })

  it('should word the follow-up question by category', () => {
    expect(followUpKey('detractor')).toBe('nps.follow_up.detractor')
    expect(followUpKey('promoter')).toBe('nps.follow_up.promoter')
  })
})

describe('npsOf', () => {
  it('should give null, not zero, when nobody answered', () => {
    expect(npsOf([])).toEqual({ score: null, promoters: 0, passives: 0, detractors: 0, total: 0 })
  })

  it('should be % promoters minus % detractors, passives only in the total', () => {
    expect(npsOf(answers(10, 9, 9, 8, 7, 3))).toEqual({
      score: 33,
      promoters: 3,
      passives: 2,
      detractors: 1,
      total: 6,
    })
    expect(npsOf(answers(10, 10))).toMatchObject({ score: 100 })
    expect(npsOf(answers(0, 1))).toMatchObject({ score: -100 })
    expect(npsOf(answers(7, 8))).toMatchObject({ score: 0 })
  })

  it('should round half away from zero', () => {
    expect(npsOf(answers(10, 8, 8, 8, 8, 8, 8, 8)).score).toBe(13) // 12.5
    expect(npsOf(answers(0, 8, 8, 8, 8, 8, 8, 8)).score).toBe(-13) // -12.5
    expect(npsOf(answers(10, 10, 0)).score).toBe(33) // 33.33
    expect(npsOf(answers(10, 10, 8)).score).toBe(67) // 66.67
    expect(npsOf(answers(0, 0, 8)).score).toBe(-67)
  })

  it('should refuse a stored answer that is not a score', () => {
    expect(() => npsOf(answers(12))).toThrow(expect.objectContaining({ code: 'NPS.INVALID_SCORE' }))
  })
})

describe('npsBy', () => {
  it('should split by any key and skip answers without one', () => {
    const data = [
      { score: 10, outletId: 'centre' },
      { score: 3, outletId: 'mall' },
      { score: 9, outletId: 'centre' },
      { score: 8, outletId: null },
    ]
    const byOutlet = npsBy(data, (answer) => answer.outletId)
    expect([...byOutlet.keys()]).toEqual(['centre', 'mall'])
    expect(byOutlet.get('centre')).toEqual({ score: 100, promoters: 2, passives: 0, detractors: 0, total: 2 })
    expect(byOutlet.get('mall')).toMatchObject({ score: -100, total: 1 })
  })
})
