import { addLocalDays, daysInMonth, isoWeekday, isSameLocalDate, type LocalDate } from './calendar.ts'
import { DAY_MS } from './clock.ts'
import type { Holiday, HolidayAudience, HolidayDate, Program } from './program.ts'

/**
 * The day a holiday falls on in `year`: a fixed day, or the n-th ISO weekday of the month
 * (nth -1 = the last one), e.g. Mother's Day in Russia = last Sunday of November.
 */
export function holidayDateIn(rule: HolidayDate, year: number): LocalDate {
  if (rule.kind === 'fixed') return { year, month: rule.month, day: rule.day }
  if (rule.nth === -1) {
    const last: LocalDate = { year, month: rule.month, day: daysInMonth(year, rule.month) }
    return addLocalDays(last, -((isoWeekday(last) - rule.weekday + 7) % 7))
  }
  const first: LocalDate = { year, month: rule.month, day: 1 }
  const offset = (rule.weekday - isoWeekday(first) + 7) % 7
  return addLocalDays(first, offset + (rule.nth - 1) * 7)
}

/** An enabled holiday placed in a year. */
export interface DatedHoliday {
  readonly holiday: Holiday
  readonly date: LocalDate
}

/** The enabled holidays of the program in `year`, in calendar order. */
export function holidaysOfYear(program: Pick<Program, 'holidays'>, year: number): DatedHoliday[] {
  return program.holidays
    .filter((holiday) => holiday.enabled)
    .map((holiday) => ({ holiday, date: holidayDateIn(holiday.date, year) }))
    .sort((a, b) => a.date.month - b.date.month || a.date.day - b.date.day)
}

/** The enabled holidays that fall on `today` (a day in the program time zone). */
export function holidaysOn(program: Pick<Program, 'holidays'>, today: LocalDate): Holiday[] {
  return holidaysOfYear(program, today.year)
    .filter(({ date }) => isSameLocalDate(date, today))
    .map(({ holiday }) => holiday)
}

/**
 * Whether to ask the customer, before a sensitive holiday, if they want its greeting at all:
 * only for sensitive holidays the customer has not answered about yet (`consent` undefined).
 */
export function needsSensitiveAsk(holiday: Holiday, consent: boolean | undefined): boolean {
  return holiday.enabled && holiday.sensitive && consent === undefined
}

/**
 * Whether a member belongs to a holiday's audience: their tier is listed (or none are), they made at
 * least `minPurchases` purchases, and (when `purchasedWithinDays` > 0) the last one is that recent.
 * `purchaseDates` are the member's purchases that were not undone, any order.
 */
export function isInHolidayAudience(
  audience: HolidayAudience,
  member: { readonly tierId: string; readonly purchaseDates: readonly Date[] },
  now: Date,
): boolean {
  if (audience.tiers.length > 0 && !audience.tiers.includes(member.tierId)) return false
  if (member.purchaseDates.length < audience.minPurchases) return false
  if (audience.purchasedWithinDays > 0) {
    const since = now.getTime() - audience.purchasedWithinDays * DAY_MS
    if (!member.purchaseDates.some((date) => date.getTime() >= since)) return false
  }
  return true
}
