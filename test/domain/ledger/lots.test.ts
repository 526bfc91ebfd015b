import { describe, expect, it } from 'vitest'
import { DAY_MS } from '../../../src/domain/clock.ts'
import { SYSTEM_ACTOR, type LedgerEntry, type LedgerEntryKind } from '../../../src/domain/ledger/entry.ts'
import {
  allocateLots,
  balanceOf,
  computeExpiry,
  expiringSoon,
  openLots,
} from '../../../src/domain/ledger/lots.ts'
import { pointsDelta } from '../../../src/domain/points.ts'

const start = Date.UTC(2026, 0, 1, 9)
const at = (day: number) => new Date(start + day * DAY_MS)
let counter = 0

function entry(
  day: number,
  delta: number,
  kind: LedgerEntryKind,
  extra: Partial<LedgerEntry> = {},
): LedgerEntry {
  counter += 1
  return {
    id: `e${counter}`,
    customerId: 'anna',
    delta: pointsDelta(delta),
    kind,
    reason: kind,
    actor: SYSTEM_ACTOR,
    outletId: 'main',
    createdAt: at(day),
    idempotencyKey: `k${counter}`,
    ...extra,
  }
}
const earn = (day: number, amount: number, validDays = 365) =>
  entry(day, amount, 'earn', { expiresAt: at(day + validDays) })

describe('balanceOf', () => {
  it('should sum the deltas', () => {
    expect(balanceOf([earn(0, 100), entry(1, -30, 'redeem'), earn(2, 5)])).toBe(75)
    expect(balanceOf([])).toBe(0)
  })

  it('should treat a negative ledger as a bug', () => {
    expect(() => balanceOf([entry(0, -1, 'redeem')])).toThrow(RangeError)
  })
})

describe('lots', () => {
  it('should consume credits oldest first', () => {
    const a = earn(0, 100)
    const b = earn(10, 50)
    const lots = allocateLots([a, b, entry(20, -120, 'redeem')])
    expect(lots.map((lot) => [lot.entryId, lot.remaining])).toEqual([
      [a.id, 0],
      [b.id, 30],
    ])
  })

  it('should spend a short-lived bonus before older points so it is not lost', () => {
    const old = earn(0, 100)
    const birthday = entry(100, 200, 'birthday', { expiresAt: at(107) })
    const lots = openLots([old, birthday, entry(101, -150, 'redeem')], at(101))
    expect(lots.map((lot) => [lot.entryId, lot.remaining])).toEqual([
      [birthday.id, 50],
      [old.id, 100],
    ])
  })

  it('should take a reversal from the entry it undoes', () => {
    const a = earn(0, 100)
    const b = earn(1, 40)
    const lots = allocateLots([a, b, entry(1, -40, 'reversal', { reversesEntryId: b.id })])
    expect(lots.map((lot) => lot.remaining)).toEqual([100, 0])
  })

  it('should leave lots without expiry to the end and hide expired ones', () => {
    const forever = entry(0, 10, 'adjustment')
    const soon = earn(1, 20, 30)
    expect(openLots([forever, soon], at(5)).map((lot) => lot.entryId)).toEqual([soon.id, forever.id])
    expect(openLots([forever, soon], at(31)).map((lot) => lot.entryId)).toEqual([forever.id])
  })
})

describe('computeExpiry', () => {
  it('should expire what is left of each lot, oldest expiry first, keyed by the lot', () => {
    const a = earn(0, 100, 30)
    const b = earn(5, 60, 30)
    const c = earn(40, 70, 30)
    const entries = [a, b, c, entry(6, -120, 'redeem')]
    const due = computeExpiry(entries, at(36))
    expect(due.map((item) => [item.lotEntryId, item.delta, item.idempotencyKey])).toEqual([
      [b.id, -40, `expiry:${b.id}`],
    ])
    expect(due[0]).toMatchObject({
      kind: 'expiry',
      customerId: 'anna',
      createdAt: at(36),
      actor: SYSTEM_ACTOR,
    })
  })

  it('should never expire a lot twice once its expiry is in the ledger', () => {
    const a = earn(0, 100, 30)
    const b = earn(1, 50, 30)
    const first = computeExpiry([a, b], at(40))
    expect(first.map((item) => item.delta)).toEqual([-100, -50])
    const applied = first.map((item, index) => ({ ...item, id: `x${index}` }))
    expect(computeExpiry([a, b, ...applied], at(400))).toEqual([])
    expect(balanceOf([a, b, ...applied])).toBe(0)
  })

  it('should expire nothing before the day', () => {
    expect(computeExpiry([earn(0, 100, 30)], new Date(at(30).getTime() - 1))).toEqual([])
  })
})

describe('expiringSoon', () => {
  it('should sum the points expiring within the warning days and give the first date', () => {
    const entries = [earn(0, 100, 30), earn(10, 50, 30), earn(20, 80, 30), entry(11, -30, 'redeem')]
    // The redemption took 30 from the first lot: 70 expire on day 30, 50 on day 40, 80 on day 50.
    expect(expiringSoon(entries, at(16), 14)).toMatchObject({ points: 70, firstExpiresAt: at(30) })
    expect(expiringSoon(entries, at(26), 14)).toMatchObject({ points: 120, firstExpiresAt: at(30) })
    expect(expiringSoon(entries, at(1), 14)).toMatchObject({ points: 0, firstExpiresAt: null })
  })
})
