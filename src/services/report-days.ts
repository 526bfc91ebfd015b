import { addLocalDays, atLocalTime, localDate, localDateKey, type LocalDate } from '../domain/calendar.ts'
import { HOUR_MS, type Clock } from '../domain/clock.ts'
import type { AppendResult, LedgerRepository } from '../domain/ports/ledger-repository.ts'
import type { PurchaseRepository } from '../domain/ports/purchase-repository.ts'
import type { ClosedDayTotals, DailyTotals } from '../db/daily-totals.ts'
import { noActivity, type DayActivity, type ReportQueries } from '../db/reports.ts'

/**
 * A local day is closed, and its totals worth caching, this long after it ended: every write
 * stamped with a time of that day (a purchase, an answer, an expiry run) has landed by then.
 */
export const CLOSE_DELAY_MS = HOUR_MS

/**
 * A write stamped with a time of a day that lands this long after the day ended is late: it may
 * come after the day's totals were cached (a report caches a day only after {@link CLOSE_DELAY_MS};
 * the half left between the two covers clocks of two instances that disagree).
 */
const LATE_AFTER_MS = CLOSE_DELAY_MS / 2

/** Instants past every stored time: the live slice runs from the first open day to the end. */
const END_OF_TIME = new Date(8_640_000_000_000_000)

/** The local days from `from` to `to`, both included; empty when `to` is before `from`. */
export function daysBetween(from: LocalDate, to: LocalDate): LocalDate[] {
  const days: LocalDate[] = []
  for (let day = from; localDateKey(day) <= localDateKey(to); day = addLocalDays(day, 1)) days.push(day)
  return days
}

/** Ports and settings of {@link createReportDays} and {@link guardClosedDays}. */
export interface ReportDaysDeps {
  readonly queries: ReportQueries
  readonly totals: DailyTotals
  readonly clock: Clock
  readonly timeZone: string
}

/** What happened on each local day, closed days from the cache, open ones live. */
export interface ReportDays {
  /**
   * The activity of every local day from `from` on, today (and anything later) included, keyed
   * "2026-03-01"; days with nothing may be absent. Closed days come from `daily_totals` (computed
   * and stored by the first report that needs them), the open ones and every tier change live.
   */
  since(from: LocalDate): Promise<Map<string, DayActivity>>
  /**
   * Members whose latest (non-voided) purchase was made after `after` and not after `until`: the
   * digest's "lapsed" count. `days` is {@link since} from the local day of `after` (or earlier):
   * whole days come from their buyers, the two edge days from their purchases' times.
   */
  lastPurchaseBetween(days: ReadonlyMap<string, DayActivity>, after: Date, until: Date): Promise<number>
}

function closedTotals(activity: DayActivity): ClosedDayTotals {
  const { tierChanges: _moves, ...totals } = activity
  return totals
}

/** Runs of consecutive days (by key order) among `days`, which are sorted. */
function runsOf(days: readonly LocalDate[]): LocalDate[][] {
  const runs: LocalDate[][] = []
  for (const day of days) {
    const run = runs.at(-1)
    const previous = run?.at(-1)
    if (run && previous && localDateKey(addLocalDays(previous, 1)) === localDateKey(day)) run.push(day)
    else runs.push([day])
  }
  return runs
}

/**
 * Builds the day source the reports read: a digest or a 366-day `/stats` reads at most one small
 * document per closed day and computes only the open days (today, and yesterday for the first
 * {@link CLOSE_DELAY_MS}) from the collections.
 */
export function createReportDays(deps: ReportDaysDeps): ReportDays {
  const { queries, totals, clock, timeZone } = deps
  const startOf = (day: LocalDate) => atLocalTime(day, { hour: 0, minute: 0 }, timeZone)

  /** Computes the closed days nobody cached yet, one aggregation per run of consecutive days, and stores them. */
  async function computeMissing(
    missing: readonly LocalDate[],
    cached: Awaited<ReturnType<DailyTotals['read']>>,
  ): Promise<ClosedDayTotals[]> {
    const computed: ClosedDayTotals[] = []
    for (const run of runsOf(missing)) {
      const rows = await queries.activityByDay(
        startOf(run[0]!),
        startOf(addLocalDays(run.at(-1)!, 1)),
        timeZone,
      )
      const byKey = new Map(rows.map((row) => [row.day, row]))
      const fresh = run.map((day) => {
        const key = localDateKey(day)
        return closedTotals(byKey.get(key) ?? noActivity(key))
      })
      await Promise.all(fresh.map((day) => totals.store(day, cached.get(day.day))))
      computed.push(...fresh)
    }
    return computed
  }

  /** The closed days from `from` on: cached totals, the missing ones computed now, tier changes live. */
  async function closedDays(from: LocalDate, closed: readonly LocalDate[], firstOpen: LocalDate) {
    const [cached, tiers] = await Promise.all([
      totals.read(localDateKey(closed[0]!), localDateKey(closed.at(-1)!)),
      queries.tierChangesByDay(startOf(from), startOf(firstOpen), timeZone),
    ])
    const missing = closed.filter((day) => !cached.get(localDateKey(day))?.totals)
    const stored = [...cached.values()].flatMap((day) => (day.totals ? [day.totals] : []))
    const computed = await computeMissing(missing, cached)
    return [...stored, ...computed].map((day) => ({ ...day, tierChanges: tiers.get(day.day) ?? 0 }))
  }

  return {
    async since(from) {
      const firstOpen = localDate(new Date(clock.now().getTime() - CLOSE_DELAY_MS), timeZone)
      const closed = daysBetween(from, addLocalDays(firstOpen, -1))
      const liveFrom = closed.length > 0 ? firstOpen : from
      const [past, live] = await Promise.all([
        closed.length > 0 ? closedDays(from, closed, firstOpen) : [],
        queries.activityByDay(startOf(liveFrom), END_OF_TIME, timeZone),
      ])
      return new Map([...past, ...live].map((day) => [day.day, day]))
    },

    async lastPurchaseBetween(days, after, until) {
      const [first, last] = [localDate(after, timeZone), localDate(until, timeZone)]
      const edges = [first, last].filter((day, i) => i === 0 || localDateKey(day) !== localDateKey(first))
      const edgePurchases = await Promise.all(
        edges.map((day) => queries.purchasesBetween(startOf(day), startOf(addLocalDays(day, 1)))),
      )
      const [firstKey, lastKey] = [localDateKey(first), localDateKey(last)]
      const inSpan = new Set<string>()
      const later = new Set<string>()
      for (const [key, day] of days) {
        if (key <= firstKey || key === lastKey) continue
        for (const id of day.customerIds) (key < lastKey ? inSpan : later).add(id)
      }
      for (const { customerId, at } of edgePurchases.flat()) {
        if (at > until) later.add(customerId)
        else if (at > after) inSpan.add(customerId)
      }
      return queries.membersAmong([...inSpan].filter((id) => !later.has(id)))
    },
  }
}

/**
 * Wraps the repositories that can write into a past day so that such a late write drops that
 * day's cached totals: an owner voiding an old purchase (`markVoided`) and a retried purchase
 * completing its earn entry with the purchase's time (`append`). Every other write is stamped
 * "now". The check is arithmetic on the written entry: the usual purchase costs no extra request.
 */
export function guardClosedDays<
  L extends Pick<LedgerRepository, 'append' | 'appendDebitIfCovered'>,
  P extends Pick<PurchaseRepository, 'record' | 'findById' | 'markVoided'>,
>(
  repositories: { readonly ledger: L; readonly purchases: P },
  deps: Pick<ReportDaysDeps, 'totals' | 'clock' | 'timeZone'>,
): { ledger: L; purchases: P } {
  const { ledger, purchases } = repositories
  const { totals, clock, timeZone } = deps
  /** Drops the totals of the day of `at` when that day may already be cached. */
  async function written(at: Date): Promise<void> {
    const day = localDate(at, timeZone)
    const ended = atLocalTime(addLocalDays(day, 1), { hour: 0, minute: 0 }, timeZone)
    if (clock.now().getTime() >= ended.getTime() + LATE_AFTER_MS) await totals.invalidate(localDateKey(day))
  }
  const appended = async (result: AppendResult) => {
    if (result.created) await written(result.entry.createdAt)
    return result
  }
  return {
    ledger: {
      ...ledger,
      append: async (entry) => appended(await ledger.append(entry)),
      appendDebitIfCovered: async (entry) => appended(await ledger.appendDebitIfCovered(entry)),
    },
    purchases: {
      ...purchases,
      async record(purchase) {
        const result = await purchases.record(purchase)
        if (result.created) await written(result.purchase.createdAt)
        return result
      },
      async markVoided(purchaseId, at) {
        await purchases.markVoided(purchaseId, at)
        const purchase = await purchases.findById(purchaseId)
        if (purchase) await written(purchase.createdAt)
      },
    },
  }
}
