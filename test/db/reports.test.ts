import mongoose, { type Connection } from 'mongoose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDailyTotals } from '../../src/db/daily-totals.ts'
import { createReportQueries, type ReportQueries } from '../../src/db/reports.ts'
import { localDate } from '../../src/domain/calendar.ts'
import { createTestClock } from '../../src/domain/clock.ts'
import { regularWindowStart, summarizePurchases } from '../../src/domain/segments.ts'
import { createReportDays } from '../../src/services/report-days.ts'
import { openTestDb, type TestDb } from './support.ts'

let t: TestDb
let connection: Connection
let reports: ReportQueries

beforeAll(async () => {
  t = await openTestDb('reports')
  connection = await mongoose.createConnection(t.uri, { dbName: t.dbName }).asPromise()
  reports = await createReportQueries(connection)
})
afterAll(async () => {
  await connection.close()
  await t.close()
})

const MOSCOW = 'Europe/Moscow'

describe('report aggregations', () => {
  it('should count a purchase at 23:30 Moscow time on that Moscow day, not the UTC one', async () => {
    await t.db.collection('purchases').insertMany([
      // 23:30 on 1 March in Moscow is 20:30 UTC: still 1 March either way.
      {
        _id: 'p1' as never,
        customerId: 'a',
        amount: 30_000,
        createdAt: new Date('2026-03-01T23:30:00+03:00'),
        voidedAt: null,
      },
      // 01:30 on 2 March in Moscow is 22:30 UTC on 1 March: a Moscow 2 March purchase.
      {
        _id: 'p2' as never,
        customerId: 'b',
        amount: 45_050,
        createdAt: new Date('2026-03-02T01:30:00+03:00'),
        voidedAt: null,
      },
      {
        _id: 'p3' as never,
        customerId: 'a',
        amount: 10_000,
        createdAt: new Date('2026-03-02T12:00:00+03:00'),
        voidedAt: null,
      },
      // A voided purchase counts nowhere.
      {
        _id: 'p4' as never,
        customerId: 'c',
        amount: 99_900,
        createdAt: new Date('2026-03-02T13:00:00+03:00'),
        voidedAt: new Date('2026-03-02T13:05:00+03:00'),
      },
    ])
    const days = await reports.activityByDay(
      new Date('2026-03-01T00:00:00+03:00'),
      new Date('2026-03-03T00:00:00+03:00'),
      MOSCOW,
    )
    expect(days.map((day) => [day.day, day.purchases, day.revenue, day.customerIds])).toEqual([
      ['2026-03-01', 1, 30_000, ['a']],
      ['2026-03-02', 2, 55_050, ['a', 'b']],
    ])
    const utc = await reports.activityByDay(
      new Date('2026-03-01T00:00:00Z'),
      new Date('2026-03-03T00:00:00Z'),
      'UTC',
    )
    expect(utc.map((day) => [day.day, day.purchases])).toEqual([
      ['2026-03-01', 2],
      ['2026-03-02', 1],
    ])
  })

  it('should split points into issued, redeemed and expired, and sum the points outstanding', async () => {
    const at = (time: string) => new Date(`2026-04-01T${time}+03:00`)
    await t.db.collection('ledger_entries').insertMany([
      { customerId: 'a', delta: 100, kind: 'welcome', createdAt: at('09:00:00') },
      { customerId: 'a', delta: 15, kind: 'earn', createdAt: at('10:00:00') },
      { customerId: 'a', delta: -40, kind: 'redeem', createdAt: at('11:00:00') },
      { customerId: 'a', delta: -15, kind: 'reversal', createdAt: at('11:30:00') },
      { customerId: 'b', delta: -20, kind: 'expiry', createdAt: at('23:59:00') },
    ])
    // The cached balances the ledger keeps with every entry (src/db/ledger.ts).
    await t.db.collection<{ _id: string; balance: number }>('ledger_balances').insertMany([
      { _id: 'a', balance: 60 },
      { _id: 'b', balance: -20 },
    ])
    const [day] = await reports.activityByDay(at('00:00:00'), new Date('2026-04-02T00:00:00+03:00'), MOSCOW)
    expect(day).toMatchObject({
      day: '2026-04-01',
      pointsIssued: 115,
      pointsRedeemed: 40,
      pointsExpired: 20,
      pointsNet: 40,
    })
    expect(await reports.outstandingPoints()).toBe(40)
  })
  it('should count members whose latest purchase falls in a span, leaving out voided purchases and erased members', async () => {
    const day = (n: number) => new Date(Date.UTC(2026, 5, n, 12))
    const member = (erasedAt: Date | null = null) => ({
      _id: new mongoose.Types.ObjectId(),
      joinedAt: day(1),
      erasedAt,
    })
    const [lapsed, recent, erased, voidedOnly, older] = [
      member(),
      member(),
      member(day(2)),
      member(),
      member(),
    ]
    await t.db.collection('customers').insertMany([lapsed, recent, erased, voidedOnly, older])
    const bought = (customer: { _id: mongoose.Types.ObjectId }, n: number, voidedAt: Date | null = null) => ({
      _id: `last-${customer._id.toHexString()}-${n}` as never,
      customerId: customer._id.toHexString(),
      amount: 10_000,
      createdAt: day(n),
      voidedAt,
    })
    await t.db
      .collection('purchases')
      .insertMany([
        bought(lapsed, 10),
        bought(lapsed, 12),
        bought(recent, 12),
        bought(recent, 25),
        bought(erased, 12),
        bought(voidedOnly, 12, day(13)),
        bought(older, 3),
      ])
    // Through the day source the digest uses: whole days from their buyers (cached once closed), edge days by time.
    const history = createReportDays({
      queries: reports,
      totals: createDailyTotals(connection),
      clock: createTestClock(day(40)),
      timeZone: 'UTC',
    })
    const lastPurchaseBetween = async (after: Date, until: Date) =>
      history.lastPurchaseBetween(await history.since(localDate(after, 'UTC')), after, until)
    for (let run = 0; run < 2; run++) {
      expect(await lastPurchaseBetween(day(5), day(20))).toBe(1)
      expect(await lastPurchaseBetween(day(5), day(12))).toBe(1)
      expect(await lastPurchaseBetween(day(12), day(20))).toBe(0)
      expect(await lastPurchaseBetween(day(1), day(30))).toBe(3)
      // One day as both edges: 11:00 to 13:00 on the 12th; only the lapsed member bought nothing later.
      const hour = (h: number) => new Date(Date.UTC(2026, 5, 12, h))
      expect(await lastPurchaseBetween(hour(11), hour(13))).toBe(1)
      expect(await lastPurchaseBetween(hour(13), hour(14))).toBe(0)
    }
  })

  it("should summarize each member's purchases for the segments as the rules would from every purchase", async () => {
    const day = (n: number) => new Date(Date.UTC(2026, 7, n, 12))
    const [often, once, never] = [0, 1, 2].map(() => new mongoose.Types.ObjectId())
    await t.db
      .collection('customers')
      .insertMany([often, once, never].map((_id) => ({ _id, joinedAt: day(1), erasedAt: null })))
    const dates = {
      [often!.toHexString()]: [day(2), day(20), day(25), day(28)],
      [once!.toHexString()]: [day(3)],
    }
    await t.db.collection('purchases').insertMany([
      ...Object.entries(dates).flatMap(([customerId, days]) =>
        days.map((createdAt, i) => ({
          _id: `seg-${customerId}-${i}` as never,
          customerId,
          createdAt,
          voidedAt: null,
        })),
      ),
      // Voided: counts nowhere.
      { _id: 'seg-voided' as never, customerId: once!.toHexString(), createdAt: day(27), voidedAt: day(27) },
    ])
    const now = day(29)
    const rules = { lapsedDays: 45, churnedDays: 120, regularPurchases: 3, regularWindowDays: 10 }
    const inputs = await reports.segmentInputs(now, regularWindowStart(now, rules))
    for (const customer of [often, once, never]) {
      const id = customer!.toHexString()
      expect(inputs.find((input) => input.customerId === id)?.purchases).toEqual(
        summarizePurchases(dates[id] ?? [], now, rules),
      )
    }
  })
})
