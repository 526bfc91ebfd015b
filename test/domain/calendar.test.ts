import { describe, expect, it } from 'vitest'
import {
  addLocalDays,
  atLocalTime,
  daysInMonth,
  endOfLocalDay,
  endOfPeriod,
  isoWeekday,
  isLeapYear,
  localDate,
  localDateKey,
  minutesOfLocalDay,
  startOfLocalDay,
} from '../../src/domain/calendar.ts'

const MSK = 'Europe/Moscow'

describe('local days in the program time zone', () => {
  it('should put 22:30 UTC on the next day in Moscow', () => {
    const instant = new Date('2026-12-31T22:30:00Z')
    expect(localDate(instant, MSK)).toEqual({ year: 2027, month: 1, day: 1 })
    expect(localDate(instant, 'UTC')).toEqual({ year: 2026, month: 12, day: 31 })
    expect(localDateKey(localDate(instant, MSK))).toBe('2027-01-01')
  })

  it('should give the day boundaries as instants', () => {
    const instant = new Date('2026-03-08T12:00:00Z')
    expect(startOfLocalDay(instant, MSK).toISOString()).toBe('2026-03-07T21:00:00.000Z')
    expect(endOfLocalDay(instant, MSK).toISOString()).toBe('2026-03-08T21:00:00.000Z')
  })

  it('should place a wall-clock time and read minutes of the day', () => {
    expect(atLocalTime({ year: 2026, month: 3, day: 8 }, { hour: 10, minute: 30 }, MSK).toISOString()).toBe(
      '2026-03-08T07:30:00.000Z',
    )
    expect(minutesOfLocalDay(new Date('2026-03-08T18:05:00Z'), MSK)).toBe(21 * 60 + 5)
  })

  it('should add days across month and year ends', () => {
    expect(addLocalDays({ year: 2026, month: 12, day: 30 }, 3)).toEqual({ year: 2027, month: 1, day: 2 })
    expect(addLocalDays({ year: 2028, month: 3, day: 1 }, -1)).toEqual({ year: 2028, month: 2, day: 29 })
  })

  it('should know leap years, month lengths and weekdays', () => {
    expect([2024, 2026, 2028, 1900, 2000].map(isLeapYear)).toEqual([true, false, true, false, true])
    expect(daysInMonth(2026, 2)).toBe(28)
    expect(daysInMonth(2028, 2)).toBe(29)
    expect(isoWeekday({ year: 2026, month: 11, day: 29 })).toBe(7)
  })

  it('should end review periods at local midnight of the next period', () => {
    const instant = new Date('2026-05-17T10:00:00Z')
    expect(endOfPeriod(instant, 'month', MSK).toISOString()).toBe('2026-05-31T21:00:00.000Z')
    expect(endOfPeriod(instant, 'quarter', MSK).toISOString()).toBe('2026-06-30T21:00:00.000Z')
    expect(endOfPeriod(instant, 'year', MSK).toISOString()).toBe('2026-12-31T21:00:00.000Z')
    expect(endOfPeriod(new Date('2026-05-31T21:30:00Z'), 'month', MSK).toISOString()).toBe(
      '2026-06-30T21:00:00.000Z',
    )
  })
})
