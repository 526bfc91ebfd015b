import { describe, expect, it } from 'vitest'
import {
  assertBirthdayChangeAllowed,
  birthdayChangeAllowed,
  birthdayGreetingYear,
  birthdayInYear,
  isBirthdayToday,
  validateBirthday,
  type Birthday,
} from '../../src/domain/birthday.ts'
import { isDomainError } from '../../src/domain/errors.ts'
import type { BirthdayRules } from '../../src/domain/program.ts'
import { pts } from './fakes.ts'

const rules: BirthdayRules = {
  enabled: true,
  bonusPoints: pts(200),
  validDays: 7,
  earlyGreetingDays: 0,
  changeCooldownDays: 365,
}
const leapling: Birthday = { day: 29, month: 2, year: null }
const today = { year: 2026, month: 6, day: 1 }

describe('birthday dates', () => {
  it('should celebrate 29 February on 28 February in common years', () => {
    expect(birthdayInYear(leapling, 2027)).toEqual({ year: 2027, month: 2, day: 28 })
    expect(birthdayInYear(leapling, 2028)).toEqual({ year: 2028, month: 2, day: 29 })
  })

  it('should say it is the birthday in the program time zone, not UTC', () => {
    const birthday: Birthday = { day: 15, month: 5, year: 1990 }
    expect(isBirthdayToday(birthday, new Date('2026-05-14T21:30:00Z'), 'Europe/Moscow')).toBe(true)
    expect(isBirthdayToday(birthday, new Date('2026-05-14T21:30:00Z'), 'UTC')).toBe(false)
    expect(isBirthdayToday(leapling, new Date('2027-02-28T09:00:00Z'), 'Europe/Moscow')).toBe(true)
    expect(isBirthdayToday(leapling, new Date('2028-02-28T09:00:00Z'), 'Europe/Moscow')).toBe(false)
  })

  it('should greet early into the next year with that year as the key', () => {
    const newYearBaby: Birthday = { day: 1, month: 1, year: null }
    const early = { ...rules, earlyGreetingDays: 3 }
    expect(birthdayGreetingYear(newYearBaby, { year: 2026, month: 12, day: 29 }, early)).toBe(2027)
    expect(birthdayGreetingYear(newYearBaby, { year: 2026, month: 12, day: 30 }, early)).toBeNull()
    expect(birthdayGreetingYear(leapling, { year: 2027, month: 2, day: 28 }, rules)).toBe(2027)
  })
})

describe('validateBirthday', () => {
  it('should accept real days, with or without a year', () => {
    expect(validateBirthday(leapling, today)).toEqual(leapling)
    expect(validateBirthday({ day: 29, month: 2, year: 2000 }, today)).toEqual({
      day: 29,
      month: 2,
      year: 2000,
    })
  })

  it.each([
    { day: 29, month: 2, year: 2001 },
    { day: 31, month: 4, year: null },
    { day: 0, month: 1, year: null },
    { day: 1, month: 13, year: null },
    { day: 1.5, month: 1, year: null },
    { day: 1, month: 1, year: 1899 },
    { day: 1, month: 1, year: 2025 },
  ])('should refuse %j', (birthday) => {
    let caught: unknown
    try {
      validateBirthday(birthday, today)
    } catch (error) {
      caught = error
    }
    expect(isDomainError(caught, 'BIRTHDAY.INVALID_DATE')).toBe(true)
  })
})

describe('changing the birthday once a year', () => {
  const now = new Date('2026-06-01T12:00:00Z')
  const set: Birthday = { day: 10, month: 10, year: null }

  it('should allow the first setting and the first correction', () => {
    expect(birthdayChangeAllowed({ current: null, lastChangedAt: null }, now, rules)).toEqual({
      allowed: true,
    })
    expect(birthdayChangeAllowed({ current: set, lastChangedAt: null }, now, rules)).toEqual({
      allowed: true,
    })
  })

  it('should refuse a second change within 365 days and say when it is possible', () => {
    const state = { current: set, lastChangedAt: new Date('2026-01-01T12:00:00Z') }
    expect(birthdayChangeAllowed(state, now, rules)).toEqual({
      allowed: false,
      nextChangeAt: new Date('2027-01-01T12:00:00Z'),
    })
    expect(() => assertBirthdayChangeAllowed(state, now, rules)).toThrow(/2027-01-01T12:00:00.000Z/)
    expect(birthdayChangeAllowed(state, new Date('2027-01-01T12:00:00Z'), rules)).toEqual({ allowed: true })
  })
})
