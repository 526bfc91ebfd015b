import { DateTime } from 'luxon'
import type { TimeOfDay } from './program.ts'

/** A calendar day without a time or zone: what "today" means in the program's time zone. */
export interface LocalDate {
  readonly year: number
  readonly month: number
  readonly day: number
}

function inZone(instant: Date, timeZone: string): DateTime {
  const local = DateTime.fromJSDate(instant, { zone: timeZone })
  if (!local.isValid) throw new RangeError(`Cannot place ${instant.toISOString()} in zone ${timeZone}`)
  return local
}

function fromLocal(date: LocalDate, timeZone: string): DateTime {
  const local = DateTime.fromObject(date, { zone: timeZone })
  if (!local.isValid) throw new RangeError(`Not a date in ${timeZone}: ${localDateKey(date)}`)
  return local
}

/** The calendar day of `instant` in `timeZone`. */
export function localDate(instant: Date, timeZone: string): LocalDate {
  const { year, month, day } = inZone(instant, timeZone)
  return { year, month, day }
}

/** "2026-11-29": a stable key for "once per day" rules and for grouping. */
export function localDateKey(date: LocalDate): string {
  const pad = (value: number) => String(value).padStart(2, '0')
  return `${date.year}-${pad(date.month)}-${pad(date.day)}`
}

/** True when both are the same calendar day. */
export function isSameLocalDate(a: LocalDate, b: LocalDate): boolean {
  return a.year === b.year && a.month === b.month && a.day === b.day
}

/** The day `days` after (or before, when negative) `date`. */
export function addLocalDays(date: LocalDate, days: number): LocalDate {
  const { year, month, day } = DateTime.fromObject(date, { zone: 'UTC' }).plus({ days })
  return { year, month, day }
}

/** The instant the local day of `instant` starts (00:00 in `timeZone`). */
export function startOfLocalDay(instant: Date, timeZone: string): Date {
  return inZone(instant, timeZone).startOf('day').toJSDate()
}

/** The instant the next local day starts: the exclusive end of the day of `instant`. */
export function endOfLocalDay(instant: Date, timeZone: string): Date {
  return inZone(instant, timeZone).startOf('day').plus({ days: 1 }).toJSDate()
}

/** The instant of a wall-clock time on a local day, e.g. 10:00 on 2026-03-08 in Moscow. */
export function atLocalTime(date: LocalDate, time: TimeOfDay, timeZone: string): Date {
  return fromLocal(date, timeZone).set({ hour: time.hour, minute: time.minute }).toJSDate()
}

/** Minutes since local midnight of `instant` in `timeZone` (0..1439). */
export function minutesOfLocalDay(instant: Date, timeZone: string): number {
  const local = inZone(instant, timeZone)
  return local.hour * 60 + local.minute
}

/** True in leap years of the Gregorian calendar. */
export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
}

/** Number of days of a month (1-12) in a year. */
export function daysInMonth(year: number, month: number): number {
  return DateTime.fromObject({ year, month }, { zone: 'UTC' }).daysInMonth ?? 31
}

/** The ISO weekday (1 = Monday ... 7 = Sunday) of a calendar day. */
export function isoWeekday(date: LocalDate): number {
  return DateTime.fromObject(date, { zone: 'UTC' }).weekday
}

/**
 * The instant a calendar period (month, quarter or year, in `timeZone`) that contains `instant`
 * ends, i.e. the next period starts. Used for "downgrade only at period end".
 */
export function endOfPeriod(instant: Date, period: 'month' | 'quarter' | 'year', timeZone: string): Date {
  const unit = period === 'month' ? 'months' : period === 'quarter' ? 'quarters' : 'years'
  return inZone(instant, timeZone)
    .startOf(period)
    .plus({ [unit]: 1 })
    .toJSDate()
}

/**
 * The instant the calendar period (month, quarter or year, in `timeZone`) containing `instant`
 * started: the last review boundary that has passed.
 */
export function startOfPeriod(instant: Date, period: 'month' | 'quarter' | 'year', timeZone: string): Date {
  return inZone(instant, timeZone).startOf(period).toJSDate()
}
