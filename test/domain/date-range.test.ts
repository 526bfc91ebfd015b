import { describe, expect, it } from 'vitest'
import { MAX_RANGE_DAYS, parseDateRange } from '../../src/domain/date-range.ts'

const TODAY = { year: 2026, month: 11, day: 23 }
const NOV_1 = { year: 2026, month: 11, day: 1 }
const NOV_15 = { year: 2026, month: 11, day: 15 }

describe('parseDateRange', () => {
  it.each([
    '2026-11-01 2026-11-15',
    '01.11.2026 15.11.2026',
    '1.11.2026   15.11.2026',
    '01.11 15.11',
    '01.11-15.11',
    '01.11.2026—15.11.2026',
    '01.11.2026 - 15.11.2026',
  ])('should read %s as 1-15 November 2026', (input) => {
    expect(parseDateRange(input, TODAY)).toEqual({ ok: true, range: { from: NOV_1, to: NOV_15 } })
  })

  it('should read one date as that single day', () => {
    expect(parseDateRange('2026-11-01', TODAY)).toEqual({ ok: true, range: { from: NOV_1, to: NOV_1 } })
    expect(parseDateRange('15.11', TODAY)).toEqual({ ok: true, range: { from: NOV_15, to: NOV_15 } })
  })

  it('should accept a range ending today', () => {
    expect(parseDateRange('01.11 23.11', TODAY)).toEqual({ ok: true, range: { from: NOV_1, to: TODAY } })
  })

  it.each([
    'year',
    '2026-11-01 2026-11-15 2026-11-20',
    '31.02.2026 01.03.2026',
    '2026-13-01 2026-11-02',
    '1/11 15/11',
    '01.11-',
  ])('should refuse %s as unreadable', (input) => {
    expect(parseDateRange(input, TODAY)).toEqual({ ok: false, error: 'format' })
  })

  it('should refuse a range that ends before it starts', () => {
    expect(parseDateRange('15.11.2026 01.11.2026', TODAY)).toEqual({ ok: false, error: 'order' })
  })

  it('should refuse a range that ends after today', () => {
    expect(parseDateRange('20.11.2026 24.11.2026', TODAY)).toEqual({ ok: false, error: 'future' })
  })

  it(`should accept at most ${MAX_RANGE_DAYS} days`, () => {
    // 2025-11-23 .. 2026-11-23 is 366 days, both ends included.
    expect(parseDateRange('2025-11-23 2026-11-23', TODAY).ok).toBe(true)
    expect(parseDateRange('2025-11-22 2026-11-23', TODAY)).toEqual({ ok: false, error: 'too_long' })
  })
})
