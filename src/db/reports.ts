import { Types, type Connection, type Document } from 'mongoose'
import type { Birthday } from '../domain/birthday.ts'
import type { PurchaseSummary } from '../domain/segments.ts'

const NO_PURCHASES: PurchaseSummary = { count: 0, last: null, recent: 0 }

/**
 * What happened on one local day (program time zone), straight from the collections. Money in
 * minor units, points as integers; days with nothing are simply absent from the result.
 */
export interface DayActivity {
  /** "2026-03-01", the local calendar day. */
  readonly day: string
  readonly newMembers: number
  /** Customers with at least one (non-voided) purchase that day. */
  readonly customerIds: readonly string[]
  readonly purchases: number
  /** Sum of purchase amounts (receipt totals) in minor units. */
  readonly revenue: number
  /** Credits except reversals (earn, bonuses, gifts, positive adjustments). */
  readonly pointsIssued: number
  /** Points spent on purchases (positive number). */
  readonly pointsRedeemed: number
  /** Points that expired (positive number). */
  readonly pointsExpired: number
  /** Every delta of the day summed: the change of the outstanding points liability. */
  readonly pointsNet: number
  readonly promoters: number
  readonly passives: number
  readonly detractors: number
  /**
   * Customers whose tier changed that day (last change only: the record keeps the latest, so a
   * later change moves the customer out of an earlier day; the only figure never cached per day).
   */
  readonly tierChanges: number
}

/** A customer as the segment report needs them: the summary of their purchases and the latest NPS score. */
export interface SegmentInput {
  readonly customerId: string
  readonly purchases: PurchaseSummary
  readonly latestScore: number | null
}

/** A detractor's comment nobody replied to yet. */
export interface OpenDetractorComment {
  readonly ref: string
  readonly score: number
  readonly comment: string
  readonly createdAt: Date
}

/** Read-only aggregations for owners' reports (digest, /stats, /segments). */
export interface ReportQueries {
  /** Activity per local day for instants in [from, to). */
  activityByDay(from: Date, to: Date, timeZone: string): Promise<DayActivity[]>
  /** Tier changes per local day ("2026-03-01" -> count) for instants in [from, to): see `tierChanges`. */
  tierChangesByDay(from: Date, to: Date, timeZone: string): Promise<Map<string, number>>
  /** Outstanding points now (the sum of every ledger delta), from the cached balances. */
  outstandingPoints(): Promise<number>
  /** Members (joined, not erased) whose birthday is on this day and month. */
  birthdaysOn(day: Pick<Birthday, 'day' | 'month'>): Promise<number>
  /**
   * Every member (joined, not erased) with the summary of their (non-voided) purchases at `now`,
   * `recent` counting those after `regularFrom`, and their latest NPS score.
   */
  segmentInputs(now: Date, regularFrom: Date): Promise<SegmentInput[]>
  /** Buyer and time of every (non-voided) purchase made in [from, to): the edges of a span of days. */
  purchasesBetween(from: Date, to: Date): Promise<{ readonly customerId: string; readonly at: Date }[]>
  /** How many of these customer ids are members (joined, not erased). */
  membersAmong(customerIds: readonly string[]): Promise<number>
  /** The newest detractor comments without an owner's reply, newest first. */
  openDetractorComments(limit: number): Promise<OpenDetractorComment[]>
}

type Row = Document & Record<string, unknown>

const dayOf = (field: string, timeZone: string) => ({
  $dateToString: { format: '%Y-%m-%d', date: field, timezone: timeZone },
})

/** A day on which nothing happened. */
export function noActivity(day: string): DayActivity {
  return emptyDay(day)
}

function emptyDay(day: string): {
  -readonly [K in keyof DayActivity]: DayActivity[K] extends readonly string[] ? string[] : DayActivity[K]
} {
  return {
    day,
    newMembers: 0,
    customerIds: [],
    purchases: 0,
    revenue: 0,
    pointsIssued: 0,
    pointsRedeemed: 0,
    pointsExpired: 0,
    pointsNet: 0,
    promoters: 0,
    passives: 0,
    detractors: 0,
    tierChanges: 0,
  }
}

/**
 * The report aggregations over `customers`, `purchases`, `ledger_entries`, `ledger_balances`,
 * `nps_surveys` and `nps_feedback`. Days are grouped with `$dateToString` in the program's time zone, so a purchase
 * at 23:30 Moscow time counts on that Moscow day. Adds the time indexes the ranges need.
 */
export async function createReportQueries(connection: Connection): Promise<ReportQueries> {
  const db = connection.db
  if (!db) throw new Error('database connection is not open')
  const customers = db.collection('customers')
  const purchases = db.collection('purchases')
  const ledger = db.collection('ledger_entries')
  const balances = db.collection('ledger_balances')
  const surveys = db.collection('nps_surveys')
  const feedback = db.collection('nps_feedback')
  await ledger.createIndex({ createdAt: 1 })
  await customers.createIndex({ joinedAt: 1 })
  await customers.createIndex({ tierChangedAt: 1 })
  await feedback.createIndex({ createdAt: -1 })

  const member = { joinedAt: { $ne: null }, erasedAt: null }
  const tierChangeRows = (from: Date, to: Date, timeZone: string) =>
    customers
      .aggregate<Row>([
        { $match: { tierChangedAt: { $gte: from, $lt: to } } },
        { $group: { _id: dayOf('$tierChangedAt', timeZone), count: { $sum: 1 } } },
      ])
      .toArray()

  return {
    async activityByDay(from, to, timeZone) {
      const range = { $gte: from, $lt: to }
      const [joined, bought, points, answers, tiers] = await Promise.all([
        customers
          .aggregate<Row>([
            { $match: { joinedAt: range } },
            { $group: { _id: dayOf('$joinedAt', timeZone), count: { $sum: 1 } } },
          ])
          .toArray(),
        purchases
          .aggregate<Row>([
            { $match: { createdAt: range, voidedAt: null } },
            {
              $group: {
                _id: dayOf('$createdAt', timeZone),
                purchases: { $sum: 1 },
                revenue: { $sum: '$amount' },
                customerIds: { $addToSet: '$customerId' },
              },
            },
          ])
          .toArray(),
        ledger
          .aggregate<Row>([
            { $match: { createdAt: range } },
            {
              $group: {
                _id: dayOf('$createdAt', timeZone),
                issued: {
                  $sum: {
                    $cond: [{ $and: [{ $gt: ['$delta', 0] }, { $ne: ['$kind', 'reversal'] }] }, '$delta', 0],
                  },
                },
                redeemed: { $sum: { $cond: [{ $eq: ['$kind', 'redeem'] }, '$delta', 0] } },
                expired: { $sum: { $cond: [{ $eq: ['$kind', 'expiry'] }, '$delta', 0] } },
                net: { $sum: '$delta' },
              },
            },
          ])
          .toArray(),
        surveys
          .aggregate<Row>([
            { $match: { 'answer.answeredAt': range } },
            {
              $group: {
                _id: dayOf('$answer.answeredAt', timeZone),
                promoters: { $sum: { $cond: [{ $gte: ['$answer.score', 9] }, 1, 0] } },
                detractors: { $sum: { $cond: [{ $lte: ['$answer.score', 6] }, 1, 0] } },
                answers: { $sum: 1 },
              },
            },
          ])
          .toArray(),
        tierChangeRows(from, to, timeZone),
      ])
      const days = new Map<string, ReturnType<typeof emptyDay>>()
      const at = (row: Row) => {
        const key = String(row._id)
        let day = days.get(key)
        if (!day) days.set(key, (day = emptyDay(key)))
        return day
      }
      for (const row of joined) at(row).newMembers = Number(row.count)
      for (const row of bought) {
        const day = at(row)
        day.purchases = Number(row.purchases)
        day.revenue = Number(row.revenue)
        day.customerIds = (row.customerIds as unknown[]).map(String).sort()
      }
      for (const row of points) {
        const day = at(row)
        day.pointsIssued = Number(row.issued)
        day.pointsRedeemed = -Number(row.redeemed)
        day.pointsExpired = -Number(row.expired)
        day.pointsNet = Number(row.net)
      }
      for (const row of answers) {
        const day = at(row)
        day.promoters = Number(row.promoters)
        day.detractors = Number(row.detractors)
        day.passives = Number(row.answers) - day.promoters - day.detractors
      }
      for (const row of tiers) at(row).tierChanges = Number(row.count)
      return [...days.values()].sort((a, b) => a.day.localeCompare(b.day))
    },

    async tierChangesByDay(from, to, timeZone) {
      const rows = await tierChangeRows(from, to, timeZone)
      return new Map(rows.map((row) => [String(row._id), Number(row.count)]))
    },

    async outstandingPoints() {
      // Every customer's cached balance is the sum of their entries: one document per customer
      // instead of the whole ledger (a million entries took seconds).
      const [row] = await balances
        .aggregate<Row>([{ $group: { _id: null, total: { $sum: '$balance' } } }])
        .toArray()
      return Number(row?.total ?? 0)
    },

    birthdaysOn: ({ day, month }) =>
      customers.countDocuments({ ...member, 'birthday.day': day, 'birthday.month': month }),

    async segmentInputs(now, regularFrom) {
      const inWindow = { $and: [{ $gt: ['$createdAt', regularFrom] }, { $lte: ['$createdAt', now] }] }
      const [members, bought, latest] = await Promise.all([
        customers.find(member, { projection: { _id: 1 } }).toArray(),
        purchases
          .aggregate<Row>([
            { $match: { voidedAt: null } },
            {
              $group: {
                _id: '$customerId',
                count: { $sum: 1 },
                last: { $max: '$createdAt' },
                recent: { $sum: { $cond: [inWindow, 1, 0] } },
              },
            },
          ])
          .toArray(),
        surveys
          .aggregate<Row>([
            { $match: { answer: { $ne: null } } },
            { $sort: { 'answer.answeredAt': 1 } },
            { $group: { _id: '$customerId', score: { $last: '$answer.score' } } },
          ])
          .toArray(),
      ])
      const summaryOf = new Map<string, PurchaseSummary>(
        bought.map((row) => [
          String(row._id),
          { count: Number(row.count), last: row.last as Date, recent: Number(row.recent) },
        ]),
      )
      const scoreOf = new Map(latest.map((row) => [String(row._id), Number(row.score)]))
      return members.map((doc) => {
        const customerId = String(doc._id)
        return {
          customerId,
          purchases: summaryOf.get(customerId) ?? NO_PURCHASES,
          latestScore: scoreOf.get(customerId) ?? null,
        }
      })
    },

    async purchasesBetween(from, to) {
      const docs = await purchases
        .find(
          { createdAt: { $gte: from, $lt: to }, voidedAt: null },
          { projection: { customerId: 1, createdAt: 1 } },
        )
        .toArray()
      return docs.map((doc) => ({ customerId: String(doc.customerId), at: doc.createdAt as Date }))
    },

    async membersAmong(customerIds) {
      const ids = customerIds.filter((id) => /^[0-9a-f]{24}$/.test(id)).map((id) => new Types.ObjectId(id))
      return ids.length === 0 ? 0 : customers.countDocuments({ _id: { $in: ids }, ...member })
    },

    async openDetractorComments(limit) {
      const docs = await feedback
        .find({ handledBy: null, comment: { $nin: [null, ''] } })
        .sort({ createdAt: -1 })
        .limit(limit)
        .toArray()
      return docs.map((doc) => ({
        ref: String(doc._id),
        score: Number(doc.score),
        comment: String(doc.comment),
        createdAt: doc.createdAt as Date,
      }))
    },
  }
}
