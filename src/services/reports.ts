import { addLocalDays, localDate, localDateKey, type LocalDate } from '../domain/calendar.ts'
import { DAY_MS, type Clock } from '../domain/clock.ts'
import { money, type Money } from '../domain/money.ts'
import { npsCategory, npsOf, type NpsSummary } from '../domain/nps.ts'
import type { Program } from '../domain/program.ts'
import {
  LIFECYCLE_STAGES,
  LOYALTY_TYPES,
  regularWindowStart,
  segmentOfSummary,
  type LifecycleStage,
  type LoyaltyType,
} from '../domain/segments.ts'
import type { DateRange } from '../domain/date-range.ts'
import type { DailyTotals } from '../db/daily-totals.ts'
import { noActivity, type DayActivity, type OpenDetractorComment, type ReportQueries } from '../db/reports.ts'
import { createReportDays, daysBetween } from './report-days.ts'

/** `/stats` periods: today, the last 7 or 30 local days (today included), the local month so far. */
export const STATS_PERIODS = ['today', '7d', '30d', 'month'] as const
export type StatsPeriod = (typeof STATS_PERIODS)[number]

/** True for a `/stats` period argument. */
export function isStatsPeriod(value: string): value is StatsPeriod {
  return (STATS_PERIODS as readonly string[]).includes(value)
}

/** The figures of a span of days. Money in minor units, points as integers. */
export interface Figures {
  readonly newMembers: number
  /** Distinct customers who bought in the span. */
  readonly activeCustomers: number
  readonly purchases: number
  /** Sum of receipt totals recorded through the program. */
  readonly revenue: Money
  /** revenue / purchases, rounded down; 0 without purchases. */
  readonly averageCheck: Money
  readonly pointsIssued: number
  readonly pointsRedeemed: number
  readonly pointsExpired: number
  /** Points outstanding at the end of the span. */
  readonly liability: number
  readonly nps: NpsSummary
  readonly tierChanges: number
}

/** One day of the chart: revenue and the day's NPS (null without answers). */
export interface ChartDay {
  readonly day: LocalDate
  readonly revenue: Money
  readonly nps: number | null
}

/** What `/stats` shows. */
export interface StatsReport {
  /** The named period, or 'range' for days the owner typed. */
  readonly period: StatsPeriod | 'range'
  readonly from: LocalDate
  readonly to: LocalDate
  readonly figures: Figures
  /** The 30 days ending with `to`. */
  readonly chart: readonly ChartDay[]
}

/** The morning digest: yesterday against the day before and the 7 days before that. */
export interface Digest {
  /** Yesterday, the day reported on. */
  readonly day: LocalDate
  readonly yesterday: Figures
  readonly dayBefore: Figures
  /** Per-day average of the 7 days before yesterday (counts rounded, money rounded down). */
  readonly weekAverage: Figures
  /** Nothing happened yesterday: no member, purchase, points movement or answer. */
  readonly quiet: boolean
  readonly birthdaysToday: number
  readonly lapsedCustomers: number
  readonly comments: readonly OpenDetractorComment[]
  readonly chart: readonly ChartDay[]
}

/** Counts per lifecycle stage and per loyalty type, with every stage and type present. */
export interface SegmentCounts {
  readonly total: number
  readonly stages: ReadonlyMap<LifecycleStage, number>
  readonly loyalty: ReadonlyMap<LoyaltyType, number>
}

/** A segment a broadcast can target. */
export type SegmentKey =
  { kind: 'all' } | { kind: 'stage'; stage: LifecycleStage } | { kind: 'loyalty'; loyalty: LoyaltyType }

/** Owner reports: the digest, `/stats` and `/segments` (src/db/reports.ts does the aggregations). */
export interface ReportService {
  /** A named period ending today, or a custom range of past days (checked by `parseDateRange`). */
  stats(period: StatsPeriod | DateRange): Promise<StatsReport>
  /** The digest for the local day before `now`'s. */
  digest(now?: Date): Promise<Digest>
  segments(): Promise<SegmentCounts>
  /** Customer ids of a segment, at the clock's now. */
  membersOf(segment: SegmentKey): Promise<string[]>
}

/** Ports and settings of {@link createReportService}. */
export interface ReportServiceDeps {
  readonly queries: ReportQueries
  /** The closed days' totals (src/db/daily-totals.ts): the reports read history from there. */
  readonly totals: DailyTotals
  readonly clock: Clock
  readonly program: Pick<Program, 'timeZone' | 'segments'>
}

/** How many detractor comments a digest carries at most. */
export const DIGEST_COMMENTS = 3

/** Days in the chart. */
export const CHART_DAYS = 30

/** The days of a named `/stats` period, ending today. */
function namedPeriod(period: StatsPeriod, today: LocalDate): DateRange {
  const back = { today: 0, '7d': 6, '30d': 29, month: today.day - 1 }[period]
  return { from: addLocalDays(today, -back), to: today }
}

function npsFromCounts(promoters: number, passives: number, detractors: number): NpsSummary {
  const scores = [
    ...Array.from({ length: promoters }, () => ({ score: 10 })),
    ...Array.from({ length: passives }, () => ({ score: 8 })),
    ...Array.from({ length: detractors }, () => ({ score: 0 })),
  ]
  return npsOf(scores)
}

/** The figures of `activity` (days of one span); `liability` is the outstanding points at its end. */
export function figuresOf(activity: readonly DayActivity[], liability: number): Figures {
  const sum = (pick: (day: DayActivity) => number) => activity.reduce((total, day) => total + pick(day), 0)
  const purchases = sum((day) => day.purchases)
  const revenue = sum((day) => day.revenue)
  return {
    newMembers: sum((day) => day.newMembers),
    activeCustomers: new Set(activity.flatMap((day) => day.customerIds)).size,
    purchases,
    revenue: money(revenue),
    averageCheck: money(purchases === 0 ? 0 : Math.floor(revenue / purchases)),
    pointsIssued: sum((day) => day.pointsIssued),
    pointsRedeemed: sum((day) => day.pointsRedeemed),
    pointsExpired: sum((day) => day.pointsExpired),
    liability,
    nps: npsFromCounts(
      sum((day) => day.promoters),
      sum((day) => day.passives),
      sum((day) => day.detractors),
    ),
    tierChanges: sum((day) => day.tierChanges),
  }
}

/** Per-day average of `days` figures: counts rounded, money rounded down; NPS over the pooled answers. */
function averageOf(days: readonly Figures[]): Figures {
  const n = days.length
  const mean = (pick: (figures: Figures) => number) => Math.round(days.reduce((t, f) => t + pick(f), 0) / n)
  const revenue = days.reduce((t, f) => t + f.revenue, 0)
  const purchases = days.reduce((t, f) => t + f.purchases, 0)
  return {
    newMembers: mean((f) => f.newMembers),
    activeCustomers: mean((f) => f.activeCustomers),
    purchases: mean((f) => f.purchases),
    revenue: money(Math.floor(revenue / n)),
    averageCheck: money(purchases === 0 ? 0 : Math.floor(revenue / purchases)),
    pointsIssued: mean((f) => f.pointsIssued),
    pointsRedeemed: mean((f) => f.pointsRedeemed),
    pointsExpired: mean((f) => f.pointsExpired),
    liability: mean((f) => f.liability),
    nps: npsFromCounts(
      days.reduce((t, f) => t + f.nps.promoters, 0),
      days.reduce((t, f) => t + f.nps.passives, 0),
      days.reduce((t, f) => t + f.nps.detractors, 0),
    ),
    tierChanges: mean((f) => f.tierChanges),
  }
}

/** Builds the report service. */
export function createReportService(deps: ReportServiceDeps): ReportService {
  const { queries, clock, program } = deps
  const zone = program.timeZone
  const history = createReportDays({ queries, totals: deps.totals, clock, timeZone: zone })

  /** Activity of each day in [from, to] (local days, both included) and the liability at each day's end. */
  async function daily(from: LocalDate, to: LocalDate, read: LocalDate = from) {
    const [byKey, outstanding] = await Promise.all([history.since(read), queries.outstandingPoints()])
    // The points outstanding before `from`: today's, less every day's movement since.
    const fromKey = localDateKey(from)
    let liability = outstanding
    for (const [key, day] of byKey) if (key >= fromKey) liability -= day.pointsNet
    const days = daysBetween(from, to).map((day) => {
      const key = localDateKey(day)
      const activity = byKey.get(key) ?? noActivity(key)
      liability += activity.pointsNet
      return { day, activity, liability }
    })
    return Object.assign(days, { byKey })
  }

  function chartOf(days: Awaited<ReturnType<typeof daily>>): ChartDay[] {
    return days.slice(-CHART_DAYS).map(({ day, activity }) => ({
      day,
      revenue: money(activity.revenue),
      nps: npsFromCounts(activity.promoters, activity.passives, activity.detractors).score,
    }))
  }

  async function segmentsNow() {
    const now = clock.now()
    const inputs = await queries.segmentInputs(now, regularWindowStart(now, program.segments))
    return inputs.map((input) => ({
      customerId: input.customerId,
      segment: segmentOfSummary(
        input.purchases,
        input.latestScore === null ? null : npsCategory(input.latestScore),
        now,
        program.segments,
      ),
    }))
  }

  return {
    async stats(period) {
      const today = localDate(clock.now(), zone)
      const { from, to } = typeof period === 'string' ? namedPeriod(period, today) : period
      const chartFrom = addLocalDays(to, -(CHART_DAYS - 1))
      const days = await daily(localDateKey(from) < localDateKey(chartFrom) ? from : chartFrom, to)
      const span = days.filter(({ day }) => localDateKey(day) >= localDateKey(from))
      return {
        period: typeof period === 'string' ? period : 'range',
        from,
        to,
        figures: figuresOf(
          span.map((d) => d.activity),
          span.at(-1)?.liability ?? 0,
        ),
        chart: chartOf(days),
      }
    },

    async digest(now = clock.now()) {
      const today = localDate(now, zone)
      const yesterday = addLocalDays(today, -1)
      // "Lapsed" as lifecycleStage has it: the last purchase at least lapsedDays ago, less than churnedDays.
      const daysAgo = (days: number) => new Date(now.getTime() - days * DAY_MS)
      const [after, until] = [daysAgo(program.segments.churnedDays), daysAgo(program.segments.lapsedDays)]
      const chartFrom = addLocalDays(today, -CHART_DAYS)
      const lapsedFrom = localDate(after, zone)
      const days = await daily(
        chartFrom,
        yesterday,
        localDateKey(lapsedFrom) < localDateKey(chartFrom) ? lapsedFrom : chartFrom,
      )
      const one = (entry: (typeof days)[number]) => figuresOf([entry.activity], entry.liability)
      const last = days.at(-1)!
      const before = days.at(-2)!
      const week = days.slice(-9, -2).map(one)
      const [birthdaysToday, lapsedCustomers, comments] = await Promise.all([
        queries.birthdaysOn(today),
        history.lastPurchaseBetween(days.byKey, after, until),
        queries.openDetractorComments(DIGEST_COMMENTS),
      ])
      const activity = last.activity
      return {
        day: yesterday,
        yesterday: one(last),
        dayBefore: one(before),
        weekAverage: averageOf(week),
        quiet:
          activity.newMembers === 0 &&
          activity.purchases === 0 &&
          activity.pointsIssued === 0 &&
          activity.pointsRedeemed === 0 &&
          activity.pointsExpired === 0 &&
          activity.promoters + activity.passives + activity.detractors === 0,
        birthdaysToday,
        lapsedCustomers,
        comments,
        chart: chartOf(days),
      }
    },

    async segments() {
      const entries = await segmentsNow()
      const stages = new Map(LIFECYCLE_STAGES.map((stage) => [stage, 0]))
      const loyalty = new Map(LOYALTY_TYPES.map((type) => [type, 0]))
      for (const { segment } of entries) {
        stages.set(segment.stage, (stages.get(segment.stage) ?? 0) + 1)
        loyalty.set(segment.loyalty, (loyalty.get(segment.loyalty) ?? 0) + 1)
      }
      return { total: entries.length, stages, loyalty }
    },

    async membersOf(key) {
      const entries = await segmentsNow()
      return entries
        .filter(({ segment }) =>
          key.kind === 'all'
            ? true
            : key.kind === 'stage'
              ? segment.stage === key.stage
              : segment.loyalty === key.loyalty,
        )
        .map((entry) => entry.customerId)
    },
  }
}
