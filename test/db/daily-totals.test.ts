import mongoose, { type Connection } from 'mongoose'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/index.ts'
import { createDailyTotals } from '../../src/db/daily-totals.ts'
import { createLedgerRepository, type MongoLedgerRepository } from '../../src/db/ledger.ts'
import { createPurchaseRepository, type MongoPurchaseRepository } from '../../src/db/purchases.ts'
import {
  createReportQueries,
  noActivity,
  type DayActivity,
  type ReportQueries,
} from '../../src/db/reports.ts'
import {
  addLocalDays,
  atLocalTime,
  localDate,
  localDateKey,
  type LocalDate,
} from '../../src/domain/calendar.ts'
import { DAY_MS, HOUR_MS, createTestClock } from '../../src/domain/clock.ts'
import { SYSTEM_ACTOR, type LedgerEntryKind } from '../../src/domain/ledger/entry.ts'
import { money } from '../../src/domain/money.ts'
import { points, pointsDelta } from '../../src/domain/points.ts'
import { basisPoints } from '../../src/domain/rates.ts'
import { createReportDays, daysBetween, guardClosedDays } from '../../src/services/report-days.ts'
import { createReportService, figuresOf, type ReportService } from '../../src/services/reports.ts'
import { openTestDb, type TestDb } from './support.ts'

// UTC+10 all year: local midnight is 14:00 UTC, so a UTC day and a local day never coincide.
const ZONE = 'Asia/Vladivostok'
const defaults = loadConfig({ LOG_LEVEL: 'silent' }).program
// Short lapse spans, so the forty seeded days hold lapsed members for the digest to count.
const program = {
  ...defaults,
  timeZone: ZONE,
  segments: { ...defaults.segments, lapsedDays: 4, churnedDays: 15 },
}
/** Thirteen members; the seeded purchases and entries rotate over them. */
const MEMBERS = Array.from(
  { length: 13 },
  (_, i) => new mongoose.Types.ObjectId(i.toString(16).padStart(24, 'a')),
)
const TODAY = { year: 2026, month: 3, day: 20 }
const local = (day: LocalDate, hour: number, minute = 0) => atLocalTime(day, { hour, minute }, ZONE)
const startOf = (day: LocalDate) => local(day, 0)
const ago = (days: number) => addLocalDays(TODAY, -days)

let t: TestDb
let connection: Connection
let queries: ReportQueries
let ledger: MongoLedgerRepository
let purchases: MongoPurchaseRepository

beforeAll(async () => {
  t = await openTestDb('daily_totals')
  connection = await mongoose.createConnection(t.uri, { dbName: t.dbName }).asPromise()
  queries = await createReportQueries(connection)
  ledger = await createLedgerRepository(connection)
  purchases = await createPurchaseRepository(connection)
})
afterAll(async () => {
  await connection.close()
  await t.close()
})

/** A bot instance's report side: its own day cache handle and clock, over the shared database. */
function instance(now: Date) {
  const clock = createTestClock(now)
  const totals = createDailyTotals(connection)
  const guarded = guardClosedDays({ ledger, purchases }, { totals, clock, timeZone: ZONE })
  const reports: ReportService = createReportService({ queries, totals, clock, program })
  const days = createReportDays({ queries, totals, clock, timeZone: ZONE })
  return { clock, reports, days, ...guarded }
}

let serial = 0
async function entry(customerId: string, delta: number, kind: LedgerEntryKind, createdAt: Date) {
  const append = delta > 0 ? ledger.append : ledger.appendDebitIfCovered
  await append({
    customerId,
    delta: pointsDelta(delta),
    kind,
    reason: kind,
    actor: SYSTEM_ACTOR,
    outletId: null,
    createdAt,
    idempotencyKey: `k-${++serial}`,
  })
}

async function purchase(id: string, customerId: string, amount: number, createdAt: Date) {
  await purchases.record({
    id,
    customerId,
    amount: money(amount),
    discountBp: basisPoints(0),
    discount: money(0),
    redeemed: points(0),
    paid: money(amount),
    earned: points(0),
    stamps: 0,
    outletId: 'main',
    actor: { role: 'staff', id: '42' },
    createdAt,
    voidedAt: null,
  })
}

/**
 * Forty days of a small program: joins, purchases (two customers at 23:30 and 00:30 local, the
 * hours where the UTC day differs), every kind of points movement, NPS answers and tier changes,
 * plus today's activity.
 */
async function seedHistory() {
  for (let back = 40; back >= 0; back--) {
    const day = ago(back)
    const id = (n: number) => MEMBERS[(back * 7 + n) % 13]!.toHexString()
    await t.db.collection('customers').insertOne({ joinedAt: local(day, 9), tierChangedAt: null } as never)
    await purchase(`p-${back}-a`, id(1), 10_000 + back * 100, local(day, 23, 30))
    await purchase(`p-${back}-b`, id(2), 25_050, local(day, 0, 30))
    if (back % 3 === 0) await purchase(`p-${back}-c`, id(1), 7_700, local(day, 12))
    await entry(id(1), 100 + back, 'earn', local(day, 23, 30))
    await entry(id(2), 50, 'welcome', local(day, 0, 30))
    await entry(id(1), -(20 + (back % 5)), 'redeem', local(day, 13, 59))
    if (back % 4 === 0) await entry(id(1), -7, 'expiry', local(day, 14, 1))
    if (back % 5 === 0) await entry(id(2), -10, 'reversal', local(day, 23, 59))
    await t.db.collection('nps_surveys').insertOne({
      customerId: id(4),
      answer: { score: back % 11, answeredAt: local(day, 23, 45), comment: null },
    } as never)
    if (back % 6 === 0) {
      await t.db
        .collection('customers')
        .insertOne({ joinedAt: local(day, 1), tierChangedAt: local(day, 0, 10) } as never)
    }
  }
}

beforeEach(async () => {
  for (const name of [
    'customers',
    'purchases',
    'ledger_entries',
    'ledger_balances',
    'nps_surveys',
    'daily_totals',
  ]) {
    await t.db.collection(name).deleteMany({})
  }
  await t.db.collection('customers').insertMany(
    MEMBERS.map((_id, i) => ({
      _id,
      joinedAt: local(ago(50), 9),
      erasedAt: i === 3 ? local(ago(2), 9) : null,
    })),
  )
  await seedHistory()
})

/** The digest's lapsed count as the purchases say: members whose latest purchase is in (after, until]. */
async function freshLapsed(now: Date): Promise<number> {
  const after = now.getTime() - program.segments.churnedDays * DAY_MS
  const until = now.getTime() - program.segments.lapsedDays * DAY_MS
  const latest = new Map<string, number>()
  for (const doc of await t.db.collection('purchases').find({ voidedAt: null }).toArray()) {
    const at = (doc.createdAt as Date).getTime()
    latest.set(String(doc.customerId), Math.max(latest.get(String(doc.customerId)) ?? 0, at))
  }
  const members = await t.db
    .collection('customers')
    .find({ joinedAt: { $ne: null }, erasedAt: null })
    .toArray()
  return members.filter((doc) => {
    const last = latest.get(doc._id.toHexString())
    return last !== undefined && last > after && last <= until
  }).length
}

/** Every day from `from` on as the collections say right now, with empty days filled in. */
async function freshDays(from: LocalDate, to: LocalDate): Promise<Map<string, DayActivity>> {
  const rows = await queries.activityByDay(startOf(from), startOf(addLocalDays(to, 1)), ZONE)
  const byKey = new Map(rows.map((row) => [row.day, row]))
  return new Map(
    daysBetween(from, to).map((day) => [
      localDateKey(day),
      byKey.get(localDateKey(day)) ?? noActivity(localDateKey(day)),
    ]),
  )
}

function filled(days: Map<string, DayActivity>, from: LocalDate, to: LocalDate): Map<string, DayActivity> {
  return new Map(
    daysBetween(from, to).map((day) => [
      localDateKey(day),
      days.get(localDateKey(day)) ?? noActivity(localDateKey(day)),
    ]),
  )
}

/** The /stats figures of [from, to] the way reports computed them before the cache: every day live, the liability summed over the whole ledger. */
async function freshFigures(from: LocalDate, to: LocalDate) {
  const days = await freshDays(from, to)
  const end = startOf(addLocalDays(to, 1))
  const entries = await t.db
    .collection('ledger_entries')
    .find({ createdAt: { $lt: end } })
    .toArray()
  return figuresOf(
    [...days.values()],
    entries.reduce((sum, doc) => sum + Number(doc.delta), 0),
  )
}

const cachedDays = () => t.db.collection('daily_totals').countDocuments({ totals: { $exists: true } })

describe('closed days cached in daily_totals', () => {
  it('should give the same days and figures as a fresh computation, first from the collections and then from the cache', async () => {
    const bot = instance(local(TODAY, 15))
    const from = ago(35)
    expect(filled(await bot.days.since(from), from, TODAY)).toEqual(await freshDays(from, TODAY))
    // Every closed day is cached, today (open) is not.
    expect(await cachedDays()).toBe(35)
    expect(filled(await bot.days.since(from), from, TODAY)).toEqual(await freshDays(from, TODAY))

    for (const [a, b] of [
      [ago(6), TODAY],
      [ago(29), TODAY],
      [ago(33), ago(2)],
    ] as const) {
      const stats = await bot.reports.stats({ from: a, to: b })
      expect(stats.figures).toEqual(await freshFigures(a, b))
    }
    const digest = await bot.reports.digest()
    expect(digest.lapsedCustomers).toBe(await freshLapsed(bot.clock.now()))
    expect(digest.lapsedCustomers).toBeGreaterThan(0)
    expect(digest.yesterday).toEqual(await freshFigures(ago(1), ago(1)))
    expect(digest.dayBefore).toEqual(await freshFigures(ago(2), ago(2)))
    // The 23:30 and 00:30 local purchases of a day are on that local day, whatever the UTC date.
    expect(digest.chart.at(-1)).toMatchObject({ day: ago(1), revenue: 10_000 + 100 + 25_050 })
  })

  it('should read only the open days from the collections once the closed ones are cached', async () => {
    const bot = instance(local(TODAY, 15))
    await bot.reports.stats('30d')
    const ranges: Date[] = []
    const watched = {
      ...queries,
      activityByDay: (from: Date, to: Date, zone: string) => (
        ranges.push(from),
        queries.activityByDay(from, to, zone)
      ),
    }
    const totals = createDailyTotals(connection)
    const reports = createReportService({ queries: watched, totals, clock: bot.clock, program })
    const stats = await reports.stats('30d')
    expect(ranges).toEqual([startOf(TODAY)])
    expect(stats.figures).toEqual(await freshFigures(ago(29), TODAY))
  })

  it('should store each day once when two instances compute the same days at the same time', async () => {
    const [one, two] = [instance(local(TODAY, 15)), instance(local(TODAY, 15))]
    const [a, b] = await Promise.all([one.reports.stats('30d'), two.reports.stats('30d')])
    expect(a).toEqual(b)
    expect(await t.db.collection('daily_totals').countDocuments()).toBe(29)
    const again = await instance(local(TODAY, 15)).reports.stats('30d')
    expect(again).toEqual(a)
    expect(again.figures).toEqual(await freshFigures(ago(29), TODAY))
  })

  it('should leave yesterday live during the first hour of today and cache it afterwards', async () => {
    const bot = instance(local(TODAY, 0, 30))
    await bot.reports.stats('7d')
    expect(await t.db.collection('daily_totals').findOne({ _id: localDateKey(ago(1)) as never })).toBeNull()
    bot.clock.set(local(TODAY, 1, 5))
    const stats = await bot.reports.stats('7d')
    expect(
      await t.db.collection('daily_totals').findOne({ _id: localDateKey(ago(1)) as never }),
    ).not.toBeNull()
    expect(stats.figures).toEqual(await freshFigures(ago(6), TODAY))
  })

  it('should recompute a cached day after an owner voids one of its purchases and after a late earn entry', async () => {
    const bot = instance(local(TODAY, 15))
    await bot.reports.stats('30d')
    const voided = ago(10)
    await bot.purchases.markVoided(`p-10-a`, bot.clock.now())
    // A retried purchase completes its earn entry with the purchase's own (old) time.
    await bot.ledger.append({
      customerId: 'c5',
      delta: pointsDelta(333),
      kind: 'earn',
      reason: 'purchase',
      actor: SYSTEM_ACTOR,
      outletId: 'main',
      createdAt: local(ago(12), 23, 50),
      idempotencyKey: 'late-earn',
    })
    const stats = await bot.reports.stats('30d')
    expect(stats.figures).toEqual(await freshFigures(ago(29), TODAY))
    const chartDay = stats.chart.find((day) => localDateKey(day.day) === localDateKey(voided))
    expect(chartDay?.revenue).toBe(25_050)
    expect(filled(await bot.days.since(ago(29)), ago(29), TODAY)).toEqual(await freshDays(ago(29), TODAY))
  })

  it('should count a tier change on the day it happened last, though the earlier day is cached', async () => {
    const bot = instance(local(TODAY, 15))
    const before = await bot.reports.stats('30d')
    const today = (await bot.reports.stats('today')).figures.tierChanges
    // Customers keep their latest change only: moving one makes its old day lose it.
    await t.db
      .collection('customers')
      .updateOne({ tierChangedAt: local(ago(24), 0, 10) }, { $set: { tierChangedAt: local(TODAY, 14) } })
    const after = await bot.reports.stats('30d')
    expect(after.figures.tierChanges).toBe(before.figures.tierChanges)
    expect((await bot.reports.stats({ from: ago(24), to: ago(24) })).figures.tierChanges).toBe(0)
    expect((await bot.reports.stats('today')).figures.tierChanges).toBe(today + 1)
    expect(after.figures).toEqual(await freshFigures(ago(29), TODAY))
  })

  it('should keep the figures right as days pass and new days close', async () => {
    const bot = instance(local(TODAY, 15))
    await bot.reports.digest()
    for (let step = 1; step <= 3; step++) {
      const today = addLocalDays(TODAY, step)
      await purchase(`later-${step}`, MEMBERS[1]!.toHexString(), 5_000 * step, local(today, 23, 55))
      await entry(MEMBERS[1]!.toHexString(), step * 11, 'earn', local(today, 0, 5))
      bot.clock.set(local(addLocalDays(today, 1), 10))
      const digest = await bot.reports.digest()
      expect(localDate(bot.clock.now(), ZONE)).toEqual(addLocalDays(today, 1))
      expect(digest.yesterday).toEqual(await freshFigures(today, today))
      expect(digest.lapsedCustomers).toBe(await freshLapsed(bot.clock.now()))
      expect(digest.chart.at(-1)?.revenue).toBe(5_000 * step)
    }
    bot.clock.advance(DAY_MS + HOUR_MS)
    const span = { from: addLocalDays(TODAY, -40), to: addLocalDays(TODAY, 3) }
    expect((await bot.reports.stats(span)).figures).toEqual(await freshFigures(span.from, span.to))
  })

  it('should not cache totals computed before a late write that landed meanwhile', async () => {
    const totals = createDailyTotals(connection)
    const key = localDateKey(ago(3))
    const stale = { ...noActivity(key), purchases: 1 }
    // Never cached: a late write's marker inserted first wins over the report's insert.
    await totals.invalidate(key)
    await totals.store(stale, undefined)
    expect((await totals.read(key, key)).get(key)).toEqual({ generation: 1, totals: null })
    // Read, then a late write, then the store of what was read before it: refused.
    const seen = (await totals.read(key, key)).get(key)
    await totals.invalidate(key)
    await totals.store(stale, seen)
    expect((await totals.read(key, key)).get(key)).toEqual({ generation: 2, totals: null })
    const { tierChanges: _moves, ...fresh } = { ...noActivity(key), purchases: 2 }
    await totals.store(fresh, (await totals.read(key, key)).get(key))
    expect((await totals.read(key, key)).get(key)).toEqual({ generation: 2, totals: fresh })
  })
})
