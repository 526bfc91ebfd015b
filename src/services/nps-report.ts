import { addLocalDays, atLocalTime, localDate } from '../domain/calendar.ts'
import { DAY_MS, type Clock } from '../domain/clock.ts'
import { npsBy, npsOf, type NpsSummary } from '../domain/nps.ts'
import type { Program } from '../domain/program.ts'
import type { MongoSurveyRepository } from '../db/surveys.ts'

/** `/nps` periods: since local midnight, the last 7 or 30 days, since the 1st of the local month. */
export const NPS_PERIODS = ['today', '7d', '30d', 'month'] as const
export type NpsPeriod = (typeof NPS_PERIODS)[number]

/** The score of a period with its splits; each split keeps groups in order of outlet, staff, touchpoint. */
export interface NpsReport {
  readonly period: NpsPeriod
  readonly from: Date
  readonly to: Date
  readonly overall: NpsSummary
  readonly byOutlet: ReadonlyMap<string, NpsSummary>
  readonly byStaff: ReadonlyMap<string, NpsSummary>
  readonly byTouchpoint: ReadonlyMap<string, NpsSummary>
}

/** Ports and settings of {@link createNpsReport}. */
export interface NpsReportDeps {
  readonly surveys: Pick<MongoSurveyRepository, 'answerGroups'>
  readonly clock: Clock
  readonly program: Pick<Program, 'timeZone'>
}

/** NPS of the period with counts, split by outlet, staff member and touchpoint. */
export function createNpsReport(deps: NpsReportDeps): (period: NpsPeriod) => Promise<NpsReport> {
  const { surveys, clock, program } = deps
  return async (period) => {
    const to = clock.now()
    const from = periodStart(period, to, program.timeZone)
    // One row per (outlet, staff, touchpoint, score) with a count: expanded back into answers for npsOf.
    const groups = await surveys.answerGroups(from, to)
    const answers = groups.flatMap((group) => Array.from({ length: group.count }, () => group))
    return {
      period,
      from,
      to,
      overall: npsOf(answers),
      byOutlet: npsBy(answers, (answer) => answer.outletId),
      byStaff: npsBy(answers, (answer) => answer.staffId),
      byTouchpoint: npsBy(answers, (answer) => answer.touchpoint),
    }
  }
}

/** True for a `/nps` period argument. */
export function isNpsPeriod(value: string): value is NpsPeriod {
  return (NPS_PERIODS as readonly string[]).includes(value)
}

/** Where a period starts: local midnight today, now - 7 or 30 days, or local midnight on the 1st. */
export function periodStart(period: NpsPeriod, now: Date, timeZone: string): Date {
  const midnight = { hour: 0, minute: 0 }
  switch (period) {
    case 'today':
      return atLocalTime(localDate(now, timeZone), midnight, timeZone)
    case '7d':
      return new Date(now.getTime() - 7 * DAY_MS)
    case '30d':
      return new Date(now.getTime() - 30 * DAY_MS)
    case 'month': {
      const today = localDate(now, timeZone)
      return atLocalTime(addLocalDays(today, 1 - today.day), midnight, timeZone)
    }
  }
}
