import { describe, expect, it } from 'vitest'
import { DAY_MS } from '../../../src/domain/clock.ts'
import { isDomainError } from '../../../src/domain/errors.ts'
import { pts, rub } from '../fakes.ts'
import { barista, setupLedger } from './setup.ts'

const purchase = (purchaseId: string, amount: ReturnType<typeof rub>, extra: { redeem?: number } = {}) => ({
  customerId: 'anna',
  purchaseId,
  amount,
  redeem: extra.redeem === undefined ? undefined : pts(extra.redeem),
  outletId: 'main',
  actor: barista,
})

describe('earnForPurchase', () => {
  it('should earn 3 % of 350 ₽ rounded down, record the purchase and an expiring lot', async () => {
    const { service, ledger, purchases } = setupLedger()
    const outcome = await service.earnForPurchase(purchase('p1', rub(349, 99)))
    expect(outcome.balance).toBe(10)
    expect(outcome.replayed).toBe(false)
    expect(outcome.purchase).toMatchObject({
      amount: 34_999,
      paid: 34_999,
      earned: 10,
      redeemed: 0,
      stamps: 1,
    })
    expect(ledger.rows).toEqual([
      expect.objectContaining({
        kind: 'earn',
        delta: 10,
        idempotencyKey: 'purchase:p1:earn',
        purchaseId: 'p1',
        actor: barista,
        outletId: 'main',
        expiresAt: new Date(Date.parse('2026-03-02T09:00:00Z') + 365 * DAY_MS),
      }),
    ])
    expect(purchases.rows.get('p1')?.voidedAt).toBeNull()
  })

  it('should record a purchase once however often it is retried', async () => {
    const { service, ledger } = setupLedger()
    await service.earnForPurchase(purchase('p1', rub(1_000)))
    const again = await service.earnForPurchase(purchase('p1', rub(1_000)))
    expect(again.replayed).toBe(true)
    expect(again.balance).toBe(30)
    expect(ledger.rows).toHaveLength(1)
  })

  it('should refuse a purchase id reused for another amount', async () => {
    const { service } = setupLedger()
    await service.earnForPurchase(purchase('receipt:main:77', rub(1_000)))
    await expect(service.earnForPurchase(purchase('receipt:main:77', rub(1_200)))).rejects.toMatchObject({
      code: 'LEDGER.IDEMPOTENCY_CONFLICT',
    })
  })

  it('should spend confirmed points and earn only on the money paid', async () => {
    const { service, ledger } = setupLedger()
    await service.grantBonus({ kind: 'welcome', customerId: 'anna' })
    const outcome = await service.earnForPurchase(purchase('p1', rub(1_000), { redeem: 100 }))
    expect(outcome.purchase).toMatchObject({ redeemed: 100, paid: rub(900), earned: 27 })
    expect(outcome.redeemEntry).toMatchObject({
      kind: 'redeem',
      delta: -100,
      idempotencyKey: 'purchase:p1:redeem',
    })
    expect(outcome.balance).toBe(27)
    expect(ledger.rows.map((row) => row.delta)).toEqual([100, -100, 27])
  })

  it('should refuse a redemption over the cap without recording anything', async () => {
    const { service, ledger, purchases } = setupLedger({ points: { welcomeBonus: 500 } })
    await service.grantBonus({ kind: 'welcome', customerId: 'anna' })
    await expect(service.earnForPurchase(purchase('p1', rub(1_000), { redeem: 301 }))).rejects.toMatchObject({
      code: 'REDEEM.OVER_CAP',
      params: { max: 300, balance: 500 },
    })
    expect(ledger.rows).toHaveLength(1)
    expect(purchases.rows.size).toBe(0)
  })

  it('should lift the tier as soon as the spend reaches it, at the old rate for that purchase', async () => {
    const { service, customers } = setupLedger()
    const first = await service.earnForPurchase(purchase('p1', rub(14_000)))
    expect(first.upgradedTo).toBeNull()
    const second = await service.earnForPurchase(purchase('p2', rub(1_000)))
    expect(second.upgradedTo?.id).toBe('silver')
    expect(second.purchase.earned).toBe(30)
    expect(customers.accounts.get('anna')?.tierId).toBe('silver')
    const third = await service.earnForPurchase(purchase('p3', rub(1_000)))
    expect(third.purchase.earned).toBe(50)
    expect(third.upgradedTo).toBeNull()
  })

  it('should pay both referral bonuses once, on the first qualifying purchase', async () => {
    const { service, customers, ledger } = setupLedger()
    customers.add({ id: 'boris', invitedBy: 'anna' })
    const small = await service.earnForPurchase({ ...purchase('p1', rub(299, 99)), customerId: 'boris' })
    expect(small.referralEntries).toEqual([])
    const qualifying = await service.earnForPurchase({ ...purchase('p2', rub(300)), customerId: 'boris' })
    expect(qualifying.referralEntries.map((entry) => [entry.customerId, entry.delta, entry.kind])).toEqual([
      ['anna', 100, 'referral'],
      ['boris', 100, 'referral'],
    ])
    const later = await service.earnForPurchase({ ...purchase('p3', rub(500)), customerId: 'boris' })
    expect(later.referralEntries).toEqual([])
    expect(await ledger.balanceOf('anna')).toBe(100)
    expect(await ledger.balanceOf('boris')).toBe(8 + 9 + 100 + 15)
  })

  it('should refuse unknown and erased customers', async () => {
    const { service, customers } = setupLedger()
    customers.add({ id: 'gone', erased: true })
    await expect(
      service.earnForPurchase({ ...purchase('p1', rub(100)), customerId: 'nobody' }),
    ).rejects.toMatchObject({
      code: 'CUSTOMER.NOT_FOUND',
    })
    await expect(
      service.earnForPurchase({ ...purchase('p2', rub(100)), customerId: 'gone' }),
    ).rejects.toMatchObject({
      code: 'CUSTOMER.ERASED',
    })
  })

  it('should give a discount and no points in discount-card mode', async () => {
    const { service, ledger } = setupLedger({ mode: 'discount' })
    const outcome = await service.earnForPurchase(purchase('p1', rub(1_000)))
    expect(outcome.purchase).toMatchObject({ discountBp: 300, discount: rub(30), paid: rub(970), earned: 0 })
    expect(outcome.earnEntry).toBeNull()
    expect(ledger.rows).toEqual([])
  })

  it('should not let expired points pay for a purchase', async () => {
    const { service, clock } = setupLedger({ points: { welcomeBonus: 100, expiryDays: 30, warningDays: 7 } })
    await service.grantBonus({ kind: 'welcome', customerId: 'anna' })
    clock.advance(30 * DAY_MS)
    const refusal = await service
      .earnForPurchase(purchase('p1', rub(1_000), { redeem: 50 }))
      .catch((error: unknown) => error)
    expect(isDomainError(refusal, 'REDEEM.OVER_BALANCE')).toBe(true)
  })
})
