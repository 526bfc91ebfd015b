import { DAY_MS } from './clock.ts'
import {
  addLocalDays,
  daysInMonth,
  isLeapYear,
  isSameLocalDate,
  localDate,
  type LocalDate,
} from './calendar.ts'
import { DomainError } from './errors.ts'
import type { BirthdayRules } from './program.ts'

/** A customer's birthday: day and month; the year is optional (people often skip it). */
export interface Birthday {
  readonly day: number
  readonly month: number
  readonly year: number | null
}

/** The youngest customer we accept a birth year for, in years (a typo guard, not age checking). */
const MIN_AGE_YEARS = 3
const OLDEST_YEAR = 1900

/**
 * Checks a birthday typed or picked by a customer: an existing day (29 February is fine without a
 * year or in a leap year) and, when given, a plausible year before `today`. Refuses with
 * BIRTHDAY.INVALID_DATE.
 */
export function validateBirthday(input: Birthday, today: LocalDate): Birthday {
  const { day, month, year } = input
  const integers = [day, month, year ?? 2000].every(Number.isInteger)
  const yearOk = year === null || (year >= OLDEST_YEAR && year <= today.year - MIN_AGE_YEARS)
  const maxDay = month >= 1 && month <= 12 ? daysInMonth(year ?? 2000, month) : 0
  if (!integers || !yearOk || day < 1 || day > maxDay) throw new DomainError('BIRTHDAY.INVALID_DATE')
  return { day, month, year }
}

/** The day the birthday is celebrated in `year`: 29 February falls on 28 February in common years. */
export function birthdayInYear(birthday: Birthday, year: number): LocalDate {
  if (birthday.month === 2 && birthday.day === 29 && !isLeapYear(year)) return { year, month: 2, day: 28 }
  return { year, month: birthday.month, day: birthday.day }
}

/** True when `today` (a day in the program time zone) is the customer's birthday. */
export function isBirthdayOn(birthday: Birthday, today: LocalDate): boolean {
  return isSameLocalDate(birthdayInYear(birthday, today.year), today)
}

/** True when it is the customer's birthday at `now` in `timeZone`. */
export function isBirthdayToday(birthday: Birthday, now: Date, timeZone: string): boolean {
  return isBirthdayOn(birthday, localDate(now, timeZone))
}

/**
 * When the greeting is due today, the year of the birthday being celebrated (the idempotency
 * key of "once a year"); otherwise null. With `earlyGreetingDays` > 0 a 1 January birthday is
 * greeted in late December, and the returned year is the next one.
 */
export function birthdayGreetingYear(
  birthday: Birthday,
  today: LocalDate,
  rules: BirthdayRules,
): number | null {
  for (const year of [today.year, today.year + 1]) {
    const greetingDay = addLocalDays(birthdayInYear(birthday, year), -rules.earlyGreetingDays)
    if (isSameLocalDate(greetingDay, today)) return year
  }
  return null
}

/** What the customer's record says about past birthday edits. */
export interface BirthdayChangeState {
  /** The birthday currently stored, null when never given. */
  readonly current: Birthday | null
  /** When it was last changed after first being set; null if never changed. */
  readonly lastChangedAt: Date | null
}

/**
 * Whether a birthday may be set now. Setting it the first time is always allowed, and so is the
 * first change (people fix typos); after a change, the next one waits `changeCooldownDays`, so a
 * birthday bonus cannot be farmed. Returns when the next change is possible otherwise.
 */
export function birthdayChangeAllowed(
  state: BirthdayChangeState,
  now: Date,
  rules: BirthdayRules,
): { readonly allowed: true } | { readonly allowed: false; readonly nextChangeAt: Date } {
  if (state.current === null || state.lastChangedAt === null) return { allowed: true }
  const nextChangeAt = new Date(state.lastChangedAt.getTime() + rules.changeCooldownDays * DAY_MS)
  return now.getTime() >= nextChangeAt.getTime() ? { allowed: true } : { allowed: false, nextChangeAt }
}

/** Like {@link birthdayChangeAllowed} but refuses with BIRTHDAY.CHANGE_TOO_SOON (param: ISO date). */
export function assertBirthdayChangeAllowed(
  state: BirthdayChangeState,
  now: Date,
  rules: BirthdayRules,
): void {
  const verdict = birthdayChangeAllowed(state, now, rules)
  if (!verdict.allowed) {
    throw new DomainError('BIRTHDAY.CHANGE_TOO_SOON', { nextChangeAt: verdict.nextChangeAt.toISOString() })
  }
}
