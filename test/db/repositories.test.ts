import { randomBytes } from 'node:crypto'
import type { Connection } from 'mongoose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectDatabase } from '../../src/db/connection.ts'
import { createCustomerRepository, type CustomerRepository } from '../../src/db/customers.ts'
import { createGiftCertificateRepository } from '../../src/db/gift-certificates.ts'
import { createLedgerRepository, type MongoLedgerRepository } from '../../src/db/ledger.ts'
import { createPurchaseRepository, type MongoPurchaseRepository } from '../../src/db/purchases.ts'
import { MANUAL_CODE_ALPHABET } from '../../src/db/random-codes.ts'
import { createTestClock } from '../../src/domain/clock.ts'
import { isDomainError } from '../../src/domain/errors.ts'
import { createLedgerService } from '../../src/domain/ledger/ledger-service.ts'
import { loadConfig } from '../../src/config/index.ts'
import { SYSTEM_ACTOR, type NewLedgerEntry } from '../../src/domain/ledger/entry.ts'
import { money } from '../../src/domain/money.ts'
import { points, pointsDelta } from '../../src/domain/points.ts'
import type { Purchase } from '../../src/domain/ports/purchase-repository.ts'
import { basisPoints } from '../../src/domain/rates.ts'
import { startEmbeddedDb, type EmbeddedDb } from '../../src/embedded-mongo/index.ts'

let db: EmbeddedDb | undefined
let connection: Connection
let customers: CustomerRepository
let ledger: MongoLedgerRepository
let purchases: MongoPurchaseRepository

beforeAll(async () => {
  const uri = process.env.MONGODB_URI ?? (db = await startEmbeddedDb({ port: 0 })).uri
  connection = await connectDatabase(uri, `t_repo_${randomBytes(4).toString('hex')}`)
  customers = await createCustomerRepository(connection)
  ledger = await createLedgerRepository(connection)
  purchases = await createPurchaseRepository(connection)
})

afterAll(async () => {
  await connection?.dropDatabase().catch(() => undefined)
  await connection?.close()
  await db?.stop()
})

const at = (iso: string) => new Date(iso)
let nextCustomer = 1
const newCustomerId = () => `c${nextCustomer++}`.padStart(24, '0')

function credit(
  customerId: string,
  amount: number,
  key: string,
  createdAt = at('2026-03-01T10:00:00Z'),
): NewLedgerEntry {
  return {
    customerId,
    delta: pointsDelta(amount),
    kind: 'welcome',
    reason: 'welcome',
    actor: SYSTEM_ACTOR,
    outletId: null,
    createdAt,
    idempotencyKey: key,
  }
}

function debit(customerId: string, amount: number, key: string): NewLedgerEntry {
  return { ...credit(customerId, amount, key), delta: pointsDelta(-amount), kind: 'redeem', reason: 'redeem' }
}

describe('ledger repository', () => {
  it('should store a key once and return the first entry on a retry', async () => {
    const customerId = newCustomerId()
    const first = await ledger.append(credit(customerId, 100, `k-${customerId}`))
    const again = await ledger.append(credit(customerId, 999, `k-${customerId}`))
    expect(first.created).toBe(true)
    expect(again).toEqual({ entry: first.entry, created: false })
    expect(await ledger.balanceOf(customerId)).toBe(100)
    expect(await ledger.sumOfEntries(customerId)).toBe(100)
  })

  it('should tell the balance after an entry it stores, and land concurrent first credits of a new customer', async () => {
    const customerId = newCustomerId()
    const firsts = await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        ledger.append(credit(customerId, 5, `f-${customerId}-${index}`)),
      ),
    )
    expect(firsts.every((result) => result.created)).toBe(true)
    expect(firsts.map((result) => result.balance).sort((a, b) => a! - b!)).toEqual(
      Array.from({ length: 10 }, (_, index) => 5 * (index + 1)),
    )
    expect(await ledger.balanceOf(customerId)).toBe(50)
    expect(await ledger.sumOfEntries(customerId)).toBe(50)
    const retried = await ledger.append(credit(customerId, 5, `f-${customerId}-0`))
    expect(retried.created).toBe(false)
    expect(retried.balance).toBeUndefined()
    expect(await ledger.balanceOf(customerId)).toBe(50)
  })

  it('should refuse a debit the balance does not cover and keep the balance', async () => {
    const customerId = newCustomerId()
    await ledger.append(credit(customerId, 30, `c-${customerId}`))
    const refusal = await ledger
      .appendDebitIfCovered(debit(customerId, 31, `d-${customerId}`))
      .catch((e) => e)
    expect(isDomainError(refusal, 'LEDGER.INSUFFICIENT_POINTS')).toBe(true)
    expect(refusal.params).toEqual({ balance: 30, requested: 31 })
    expect(await ledger.balanceOf(customerId)).toBe(30)
    expect(await ledger.findByKey(`d-${customerId}`)).toBeNull()
  })

  it('should let only 10 of 50 concurrent 1-point spends of the last 10 points pass, cache = sum', async () => {
    const customerId = newCustomerId()
    await ledger.append(credit(customerId, 10, `c-${customerId}`))
    const attempts = await Promise.allSettled(
      Array.from({ length: 50 }, (_, index) =>
        ledger.appendDebitIfCovered(debit(customerId, 1, `s-${customerId}-${index}`)),
      ),
    )
    const passed = attempts.filter((result) => result.status === 'fulfilled')
    const refused = attempts.filter(
      (result) => result.status === 'rejected' && isDomainError(result.reason, 'LEDGER.INSUFFICIENT_POINTS'),
    )
    expect(passed).toHaveLength(10)
    expect(refused).toHaveLength(40)
    expect(await ledger.balanceOf(customerId)).toBe(0)
    expect(await ledger.sumOfEntries(customerId)).toBe(0)
    expect(await ledger.allEntriesOf(customerId)).toHaveLength(11)
  }, 60_000)

  it('should let one of 50 concurrent spends of the same 40 points pass', async () => {
    const customerId = newCustomerId()
    await ledger.append(credit(customerId, 50, `c-${customerId}`))
    const attempts = await Promise.allSettled(
      Array.from({ length: 50 }, (_, index) =>
        ledger.appendDebitIfCovered(debit(customerId, 40, `s-${customerId}-${index}`)),
      ),
    )
    expect(attempts.filter((result) => result.status === 'fulfilled')).toHaveLength(1)
    expect(await ledger.balanceOf(customerId)).toBe(10)
    expect(await ledger.sumOfEntries(customerId)).toBe(10)
  }, 60_000)

  it('should return the existing debit for a used key without checking the balance again', async () => {
    const customerId = newCustomerId()
    await ledger.append(credit(customerId, 5, `c-${customerId}`))
    const spent = await ledger.appendDebitIfCovered(debit(customerId, 5, `d-${customerId}`))
    const retried = await ledger.appendDebitIfCovered(debit(customerId, 5, `d-${customerId}`))
    expect(retried).toEqual({ entry: spent.entry, created: false })
    expect(await ledger.balanceOf(customerId)).toBe(0)
  })

  it('should page history newest first with a cursor, ties broken by append order', async () => {
    const customerId = newCustomerId()
    for (let day = 1; day <= 12; day += 1) {
      const when = at(`2026-03-${String(day).padStart(2, '0')}T10:00:00Z`)
      await ledger.append(credit(customerId, day, `h-${customerId}-${day}`, when))
    }
    await ledger.append(credit(customerId, 100, `h-${customerId}-tie`, at('2026-03-12T10:00:00Z')))
    const first = await ledger.entriesOf(customerId, { limit: 5 })
    expect(first.map((entry) => entry.delta)).toEqual([100, 12, 11, 10, 9])
    const last = first[first.length - 1]!
    const second = await ledger.entriesOf(customerId, {
      limit: 5,
      before: { createdAt: last.createdAt, id: last.id },
    })
    expect(second.map((entry) => entry.delta)).toEqual([8, 7, 6, 5, 4])
    expect((await ledger.allEntriesOf(customerId)).map((entry) => entry.delta)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 100,
    ])
  })

  it('should list customers with credits expiring in a window', async () => {
    const customerId = newCustomerId()
    await ledger.append({
      ...credit(customerId, 7, `x-${customerId}`),
      expiresAt: at('2027-01-10T00:00:00Z'),
    })
    expect(
      await ledger.customersWithCreditsExpiringBetween(
        at('2027-01-01T00:00:00Z'),
        at('2027-01-11T00:00:00Z'),
      ),
    ).toContain(customerId)
    expect(
      await ledger.customersWithCreditsExpiringBetween(
        at('2027-01-11T00:00:00Z'),
        at('2027-02-01T00:00:00Z'),
      ),
    ).not.toContain(customerId)
  })
})

describe('purchase repository', () => {
  const purchase = (id: string, customerId: string, paid: number, createdAt: Date): Purchase => ({
    id,
    customerId,
    amount: money(paid),
    discountBp: basisPoints(0),
    discount: money(0),
    redeemed: points(0),
    paid: money(paid),
    earned: points(Math.floor((paid / 100) * 0.03)),
    stamps: 1,
    outletId: 'main',
    actor: { role: 'staff', id: '42' },
    createdAt,
    voidedAt: null,
  })

  it('should record a purchase id once and sum spend of non-voided purchases', async () => {
    const customerId = newCustomerId()
    const first = await purchases.record(
      purchase(`p-${customerId}`, customerId, 50_000, at('2026-03-01T10:00:00Z')),
    )
    const again = await purchases.record(
      purchase(`p-${customerId}`, customerId, 99_999, at('2026-03-02T10:00:00Z')),
    )
    expect(first.created).toBe(true)
    expect(again.created).toBe(false)
    expect(again.purchase.paid).toBe(50_000)
    await purchases.record(purchase(`q-${customerId}`, customerId, 10_000, at('2026-03-05T10:00:00Z')))
    expect(await purchases.spendBetween(customerId, null, at('2026-04-01T00:00:00Z'))).toBe(60_000)
    expect(
      await purchases.spendBetween(customerId, at('2026-03-01T10:00:00Z'), at('2026-04-01T00:00:00Z')),
    ).toBe(10_000)
    await purchases.markVoided(`q-${customerId}`, at('2026-03-05T10:01:00Z'))
    await purchases.markVoided(`q-${customerId}`, at('2026-03-06T10:01:00Z'))
    expect((await purchases.findById(`q-${customerId}`))?.voidedAt).toEqual(at('2026-03-05T10:01:00Z'))
    expect(await purchases.spendBetween(customerId, null, at('2026-04-01T00:00:00Z'))).toBe(50_000)
    expect(await purchases.countOf(customerId)).toBe(1)
  })
})

describe('customer repository', () => {
  const newcomer = (telegramId: number) => ({
    telegramId,
    chatId: telegramId,
    name: 'Анна',
    language: 'ru',
    tierId: 'bronze',
  })

  it('should create one record per Telegram user, even for concurrent first contacts', async () => {
    const records = await Promise.all(Array.from({ length: 5 }, () => customers.ensure(newcomer(501))))
    expect(new Set(records.map((record) => record.id)).size).toBe(1)
    const anna = records[0]!
    expect(anna.joinedAt).toBeNull()
    expect(anna.cardToken).toMatch(/^[A-Za-z0-9_-]{32}$/)
    expect([...anna.manualCode].every((c) => MANUAL_CODE_ALPHABET.includes(c))).toBe(true)
    expect(anna.consents).toEqual({
      nps: true,
      birthday: true,
      holidays: true,
      promotions: true,
      reminders: true,
    })
    expect(await customers.findById(anna.id)).toEqual({
      id: anna.id,
      tierId: 'bronze',
      invitedBy: null,
      erased: false,
    })
  })

  it('should find by card token and manual code until the card is re-issued', async () => {
    const anna = await customers.ensure(newcomer(502))
    const typed = `${anna.manualCode.slice(0, 4).toLowerCase()}-${anna.manualCode.slice(4)}`
    expect((await customers.findByCardToken(anna.cardToken))?.id).toBe(anna.id)
    expect((await customers.findByManualCode(typed))?.id).toBe(anna.id)
    const reissued = await customers.reissueCard(anna.id)
    expect(reissued?.cardToken).not.toBe(anna.cardToken)
    expect(await customers.findByCardToken(anna.cardToken)).toBeNull()
    expect(await customers.findByManualCode(anna.manualCode)).toBeNull()
    expect((await customers.findByCardToken(reissued!.cardToken))?.id).toBe(anna.id)
  })

  it('should attach an inviter once and mark the join once', async () => {
    const anna = await customers.ensure(newcomer(503))
    expect(await customers.attachInviter(anna.id, 'first')).toBe(true)
    expect(await customers.attachInviter(anna.id, 'second')).toBe(false)
    expect((await customers.get(anna.id))?.invitedBy).toBe('first')
    await customers.markJoined(anna.id, at('2026-03-01T10:00:00Z'))
    const joined = await customers.markJoined(anna.id, at('2026-03-09T10:00:00Z'))
    expect(joined?.joinedAt).toEqual(at('2026-03-01T10:00:00Z'))
  })

  it('should replace the stamp card only when it is unchanged', async () => {
    const anna = await customers.ensure(newcomer(504))
    expect(
      await customers.replaceStampCard(
        anna.id,
        { stamps: 0, rewardsAvailable: 0 },
        { stamps: 1, rewardsAvailable: 0 },
      ),
    ).toBe(true)
    expect(
      await customers.replaceStampCard(
        anna.id,
        { stamps: 0, rewardsAvailable: 0 },
        { stamps: 1, rewardsAvailable: 0 },
      ),
    ).toBe(false)
    expect((await customers.get(anna.id))?.stampCard).toEqual({ stamps: 1, rewardsAvailable: 0 })
  })

  it('should erase personal data, free the Telegram id and keep the ledger', async () => {
    const anna = await customers.ensure(newcomer(505))
    await customers.updateProfile(anna.id, { phone: '+79990001122' })
    await customers.setBirthday(anna.id, { day: 14, month: 3, year: 1990 }, null)
    await ledger.append(credit(anna.id, 100, `w-${anna.id}`))
    await customers.erase(anna.id, at('2026-03-01T10:00:00Z'))
    const erased = await customers.get(anna.id)
    expect(erased).toMatchObject({ telegramId: null, name: '', phone: null, birthday: null, chatId: null })
    expect(await customers.findById(anna.id)).toMatchObject({ erased: true })
    expect(await customers.findByCardToken(anna.cardToken)).toBeNull()
    expect(await customers.findByTelegramId(505)).toBeNull()
    expect(await ledger.balanceOf(anna.id)).toBe(100)
    const again = await customers.ensure(newcomer(505))
    expect(again.id).not.toBe(anna.id)
  })

  it('should return null for a malformed id instead of throwing', async () => {
    expect(await customers.get('not-an-id')).toBeNull()
    expect(await customers.findById('zzz')).toBeNull()
  })
})

describe('gift certificate repository', () => {
  it('should insert a code once and redeem it once', async () => {
    const gifts = await createGiftCertificateRepository(connection)
    const certificate = {
      code: 'ABCDEFGHJK',
      value: money(50_000),
      issuedTo: null,
      issuedBy: { role: 'owner' as const, id: '1' },
      issuedAt: at('2026-03-01T10:00:00Z'),
      expiresAt: null,
      redeemedAt: null,
      redeemedBy: null,
    }
    expect(await gifts.insert(certificate)).toBe(true)
    expect(await gifts.insert(certificate)).toBe(false)
    const [a, b] = await Promise.all([
      gifts.markRedeemed('ABCDEFGHJK', 'x', at('2026-03-02T10:00:00Z')),
      gifts.markRedeemed('ABCDEFGHJK', 'y', at('2026-03-02T10:00:00Z')),
    ])
    expect([a, b].filter((result) => result !== null)).toHaveLength(1)
  })
})

describe('ledger service on MongoDB', () => {
  it('should expire points oldest first, as entries, and never twice', async () => {
    const clock = createTestClock('2030-01-10T09:00:00Z')
    const program = loadConfig({ LOG_LEVEL: 'silent' }).program
    const service = createLedgerService({ ledger, customers, purchases, clock, program })
    const anna = await customers.ensure({
      telegramId: 601,
      chatId: 601,
      name: 'Анна',
      language: 'ru',
      tierId: 'bronze',
    })
    await service.grantBonus({ kind: 'welcome', customerId: anna.id })
    clock.set('2030-03-01T09:00:00Z')
    await service.earnForPurchase({
      customerId: anna.id,
      purchaseId: 'exp-1',
      amount: money(100_000),
      outletId: 'main',
      actor: { role: 'staff', id: '1' },
    })
    // 365 days after the welcome bonus, before the purchase points expire.
    clock.set('2031-01-11T09:00:00Z')
    expect(await service.expireDue()).toBe(1)
    expect(await service.expireDue()).toBe(0)
    let entries = await ledger.allEntriesOf(anna.id)
    expect(entries.map((entry) => [entry.kind, entry.delta])).toEqual([
      ['welcome', 100],
      ['earn', 30],
      ['expiry', -100],
    ])
    expect(entries[2]?.lotEntryId).toBe(entries[0]?.id)
    clock.set('2031-03-02T09:00:00Z')
    await service.expireDue()
    entries = await ledger.allEntriesOf(anna.id)
    expect(entries.map((entry) => entry.delta)).toEqual([100, 30, -100, -30])
    expect(await ledger.balanceOf(anna.id)).toBe(0)
    expect(await ledger.sumOfEntries(anna.id)).toBe(0)
  })
})
