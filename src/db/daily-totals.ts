import type { Connection } from 'mongoose'
import type { DayActivity } from './reports.ts'
import { isDuplicateKey } from './processed-updates.ts'

/** What a closed day's document holds: its activity less the tier changes (those move, see reports.ts). */
export type ClosedDayTotals = Omit<DayActivity, 'tierChanges'>

/** One cached day as read: the totals (null after a late write dropped them) and the version seen. */
export interface CachedDay {
  /** Bumped by every {@link DailyTotals.invalidate}; totals are stored only against the version read. */
  readonly generation: number
  readonly totals: ClosedDayTotals | null
}

/**
 * The `daily_totals` collection: one document per closed local day (`_id` = "2026-03-01"), the
 * day's report totals computed once by whichever report needs them first. The ledger, purchases,
 * joins and answers of a closed day do not change, except through the rare late writes a
 * {@link DailyTotals.invalidate} reports (an owner voiding an old purchase, a retried purchase
 * completing its earn entry): those bump the day's generation and drop its totals, and a store
 * computed against the older generation is refused, so a report racing a late write never caches
 * what it read before it. Two bot instances storing the same day write the same totals once.
 */
export interface DailyTotals {
  /** The cached days with keys in [fromKey, toKey]; days never cached are absent. */
  read(fromKey: string, toKey: string): Promise<Map<string, CachedDay>>
  /**
   * Caches a day's totals, computed after {@link read} returned `seen` for it (undefined: no
   * document). A no-op when the day changed meanwhile or another instance stored it first.
   */
  store(totals: ClosedDayTotals, seen: CachedDay | undefined): Promise<void>
  /** Drops the cached totals of a day written into late; the next report recomputes it. */
  invalidate(day: string): Promise<void>
}

interface DailyTotalsDoc {
  _id: string
  generation: number
  totals?: ClosedDayTotals
}

/** Opens the closed days' totals. */
export function createDailyTotals(connection: Connection): DailyTotals {
  const db = connection.db
  if (!db) throw new Error('database connection is not open')
  const days = db.collection<DailyTotalsDoc>('daily_totals')
  return {
    async read(fromKey, toKey) {
      const docs = await days.find({ _id: { $gte: fromKey, $lte: toKey } }).toArray()
      return new Map(
        docs.map((doc) => [doc._id, { generation: doc.generation ?? 0, totals: doc.totals ?? null }]),
      )
    },
    async store(totals, seen) {
      const { day } = totals
      try {
        if (seen === undefined) {
          // Inserts only: if a late write's marker or another instance's totals got there first, leave them.
          await days.updateOne({ _id: day }, { $setOnInsert: { generation: 0, totals } }, { upsert: true })
        } else if (seen.totals === null) {
          await days.updateOne(
            { _id: day, generation: seen.generation, totals: { $exists: false } },
            { $set: { totals } },
          )
        }
      } catch (error) {
        // Two instances inserting the same new day at once: the other one's totals are the same.
        if (!isDuplicateKey(error)) throw error
      }
    },
    async invalidate(day) {
      await days.updateOne(
        { _id: day },
        { $inc: { generation: 1 }, $unset: { totals: '' } },
        { upsert: true },
      )
    },
  }
}
