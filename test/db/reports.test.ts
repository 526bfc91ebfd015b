import mongoose, { type Connection } from 'mongoose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createReportQueries, type ReportQueries } from '../../src/db/reports.ts'
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

  it('should split points into issued, redeemed and expired, and sum the liability before an instant', async () => {
    const at = (time: string) => new Date(`2026-04-01T${time}+03:00`)
    await t.db.collection('ledger_entries').insertMany([
      { customerId: 'a', delta: 100, kind: 'welcome', createdAt: at('09:00:00') },
      { customerId: 'a', delta: 15, kind: 'earn', createdAt: at('10:00:00') },
      { customerId: 'a', delta: -40, kind: 'redeem', createdAt: at('11:00:00') },
      { customerId: 'a', delta: -15, kind: 'reversal', createdAt: at('11:30:00') },
      { customerId: 'b', delta: -20, kind: 'expiry', createdAt: at('23:59:00') },
    ])
    const [day] = await reports.activityByDay(at('00:00:00'), new Date('2026-04-02T00:00:00+03:00'), MOSCOW)
    expect(day).toMatchObject({
      day: '2026-04-01',
      pointsIssued: 115,
      pointsRedeemed: 40,
      pointsExpired: 20,
      pointsNet: 40,
    })
    expect(await reports.liabilityBefore(at('11:00:00'))).toBe(115)
  })
})
