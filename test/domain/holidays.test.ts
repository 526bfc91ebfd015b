import { describe, expect, it } from 'vitest'
import { parseProgram } from '../../src/config/program.ts'
import { localDateKey } from '../../src/domain/calendar.ts'
import {
  holidayDateIn,
  holidaysOfYear,
  holidaysOn,
  isInHolidayAudience,
  needsSensitiveAsk,
} from '../../src/domain/holidays.ts'

const program = parseProgram({})

function calendar(year: number): string[] {
  return holidaysOfYear(program, year).map(({ holiday, date }) => `${holiday.id} ${localDateKey(date)}`)
}

describe('holiday dates', () => {
  it('should place the default Russian holidays in 2026', () => {
    expect(calendar(2026)).toEqual([
      'new-year 2026-01-01',
      'defender-day 2026-02-23',
      'womens-day 2026-03-08',
      'fathers-day 2026-10-18',
      'mothers-day 2026-11-29',
    ])
  })

  it('should place the default Russian holidays in 2027', () => {
    expect(calendar(2027)).toEqual([
      'new-year 2027-01-01',
      'defender-day 2027-02-23',
      'womens-day 2027-03-08',
      'fathers-day 2027-10-17',
      'mothers-day 2027-11-28',
    ])
  })

  it('should find the n-th and last weekday whatever the month starts with', () => {
    // March 2026 starts on a Sunday: the first Sunday is the 1st, the last Monday the 30th.
    expect(holidayDateIn({ kind: 'weekday', month: 3, weekday: 7, nth: 1 }, 2026)).toEqual({
      year: 2026,
      month: 3,
      day: 1,
    })
    expect(holidayDateIn({ kind: 'weekday', month: 3, weekday: 1, nth: -1 }, 2026)).toEqual({
      year: 2026,
      month: 3,
      day: 30,
    })
    // May 2026 ends on a Sunday: the last Sunday is the 31st.
    expect(holidayDateIn({ kind: 'weekday', month: 5, weekday: 7, nth: -1 }, 2026)).toEqual({
      year: 2026,
      month: 5,
      day: 31,
    })
  })

  it('should list only enabled holidays falling on the day', () => {
    expect(holidaysOn(program, { year: 2026, month: 11, day: 29 }).map((holiday) => holiday.id)).toEqual([
      'mothers-day',
    ])
    expect(holidaysOn(program, { year: 2026, month: 11, day: 4 })).toEqual([])
  })

  it('should ask before a sensitive holiday only until the customer answered', () => {
    const mothers = program.holidays.find((holiday) => holiday.id === 'mothers-day')
    const womens = program.holidays.find((holiday) => holiday.id === 'womens-day')
    if (!mothers || !womens) throw new Error('default holidays changed')
    expect(needsSensitiveAsk(mothers, undefined)).toBe(true)
    expect(needsSensitiveAsk(mothers, false)).toBe(false)
    expect(needsSensitiveAsk(womens, undefined)).toBe(false)
  })
})

describe('holiday audience', () => {
  const now = new Date('2026-03-08T09:00:00Z')
  const everyone = { tiers: [], minPurchases: 0, purchasedWithinDays: 0 }

  it('should include every member by default, buyers or not', () => {
    expect(isInHolidayAudience(everyone, { tierId: 'bronze', purchaseDates: [] }, now)).toBe(true)
  })

  it('should keep only the listed tiers', () => {
    const gold = { ...everyone, tiers: ['gold'] }
    expect(isInHolidayAudience(gold, { tierId: 'gold', purchaseDates: [] }, now)).toBe(true)
    expect(isInHolidayAudience(gold, { tierId: 'bronze', purchaseDates: [] }, now)).toBe(false)
  })

  it('should require the number of purchases and a recent one when asked', () => {
    const buyers = { ...everyone, minPurchases: 2, purchasedWithinDays: 30 }
    const old = new Date('2026-01-01T09:00:00Z')
    const recent = new Date('2026-03-01T09:00:00Z')
    expect(isInHolidayAudience(buyers, { tierId: 'bronze', purchaseDates: [old] }, now)).toBe(false)
    expect(isInHolidayAudience(buyers, { tierId: 'bronze', purchaseDates: [old, old] }, now)).toBe(false)
    expect(isInHolidayAudience(buyers, { tierId: 'bronze', purchaseDates: [old, recent] }, now)).toBe(true)
  })
})
