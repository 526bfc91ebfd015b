import { describe, expect, it } from 'vitest'
import { MINUTE_MS } from '../../../src/domain/clock.ts'
import { pts, rub } from '../fakes.ts'
import { barista, owner, setupLedger, waiter } from './setup.ts'

async function withPurchase() {
  const setup = setupLedger()
  await setup.service.grantBonus({ kind: 'welcome', customerId: 'anna' })
  const outcome = await setup.service.earnForPurchase({
    customerId: 'anna',
    purchaseId: 'p1',
    amount: rub(1_000),
    redeem: pts(100),
    outletId: 'main',
    actor: barista,
  })
  return { ...setup, outcome }
}

describe('reverse', () => {
  it('should let staff undo their own entry within 10 minutes, once', async () => {
    const { service, clock, outcome, ledger } = await withPurchase()
    const earn = outcome.earnEntry
    if (!earn) throw new Error('expected an earn entry')
    clock.advance(10 * MINUTE_MS)
    const undo = await service.reverse(earn.id, barista, { withinWindow: true })
    expect(undo).toMatchObject({
      created: true,
      entry: {
        kind: 'reversal',
        delta: -27,
        reversesEntryId: earn.id,
        idempotencyKey: `reversal:${earn.id}`,
      },
    })
    expect((await service.reverse(earn.id, barista, { withinWindow: true })).created).toBe(false)
    expect(await ledger.balanceOf('anna')).toBe(0)
  })

  it('should refuse after the window, for another staff member, and for expiries', async () => {
    const { service, clock, outcome } = await withPurchase()
    const earnId = outcome.earnEntry?.id ?? ''
    await expect(service.reverse(earnId, waiter, { withinWindow: true })).rejects.toMatchObject({
      code: 'LEDGER.NOT_OWN_ENTRY',
    })
    clock.advance(10 * MINUTE_MS + 1)
    await expect(service.reverse(earnId, barista, { withinWindow: true })).rejects.toMatchObject({
      code: 'LEDGER.UNDO_WINDOW_PASSED',
      params: { minutes: 10 },
    })
    await expect(service.reverse(earnId, barista, { withinWindow: false })).rejects.toMatchObject({
      code: 'LEDGER.OWNER_ONLY',
    })
    expect((await service.reverse(earnId, owner, { withinWindow: false })).created).toBe(true)
    await expect(service.reverse('missing', owner, { withinWindow: false })).rejects.toMatchObject({
      code: 'LEDGER.ENTRY_NOT_FOUND',
    })
  })

  it('should refuse to take back points already spent', async () => {
    const { service, outcome } = await withPurchase()
    await service.redeem({
      customerId: 'anna',
      points: pts(27),
      purchaseAmount: rub(100),
      operationId: 'x',
      outletId: 'main',
      actor: barista,
    })
    await expect(
      service.reverse(outcome.earnEntry?.id ?? '', barista, { withinWindow: true }),
    ).rejects.toMatchObject({
      code: 'LEDGER.INSUFFICIENT_POINTS',
    })
  })
})

describe('reversePurchase', () => {
  it('should give the spent points back, take the earned ones and void the purchase', async () => {
    const { service, ledger, purchases, clock } = await withPurchase()
    clock.advance(MINUTE_MS)
    const { reversals, purchase } = await service.reversePurchase('p1', barista, { withinWindow: true })
    expect(reversals.map((result) => [result.entry.kind, result.entry.delta])).toEqual([
      ['reversal', -27],
      ['reversal', 100],
    ])
    expect(purchase.voidedAt).toEqual(clock.now())
    expect(await ledger.balanceOf('anna')).toBe(100)
    expect(await purchases.spendBetween('anna', null, clock.now())).toBe(0)
    const again = await service.reversePurchase('p1', barista, { withinWindow: true })
    expect(again.reversals.every((result) => !result.created)).toBe(true)
    expect(await ledger.balanceOf('anna')).toBe(100)
  })

  it('should refuse an unknown purchase', async () => {
    const { service } = setupLedger()
    await expect(service.reversePurchase('nope', owner, { withinWindow: false })).rejects.toMatchObject({
      code: 'PURCHASE.NOT_FOUND',
    })
  })
})
