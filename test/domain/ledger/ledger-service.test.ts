import { describe, expect, it } from 'vitest'
import { DAY_MS } from '../../../src/domain/clock.ts'
import { isDomainError } from '../../../src/domain/errors.ts'
import { pts, rub } from '../fakes.ts'
import { barista, owner, setupLedger } from './setup.ts'

const spend = (operationId: string, points: number) => ({
  customerId: 'anna',
  points: pts(points),
  purchaseAmount: rub(1_000),
  operationId,
  outletId: 'main',
  actor: barista,
})

describe('redeem', () => {
  it('should spend points within the cap and return the new balance', async () => {
    const { service, ledger } = setupLedger({ points: { welcomeBonus: 500 } })
    await service.grantBonus({ kind: 'welcome', customerId: 'anna' })
    const result = await service.redeem(spend('op1', 300))
    expect(result).toMatchObject({
      created: true,
      balance: 200,
      entry: { kind: 'redeem', delta: -300, idempotencyKey: 'redeem:op1' },
    })
    expect(ledger.rows).toHaveLength(2)
  })

  it('should refuse zero, over the cap and over the balance', async () => {
    const { service } = setupLedger({ points: { welcomeBonus: 200 } })
    await service.grantBonus({ kind: 'welcome', customerId: 'anna' })
    await expect(service.redeem(spend('a', 0))).rejects.toMatchObject({ code: 'REDEEM.NOT_POSITIVE' })
    await expect(service.redeem({ ...spend('b', 150), purchaseAmount: rub(400) })).rejects.toMatchObject({
      code: 'REDEEM.OVER_CAP',
      params: { max: 120 },
    })
    await expect(service.redeem(spend('c', 250))).rejects.toMatchObject({
      code: 'REDEEM.OVER_BALANCE',
      params: { balance: 200 },
    })
  })

  it('should keep the ledger non-negative under ten interleaved spends of 30 from 100', async () => {
    const { service, ledger } = setupLedger()
    await service.grantBonus({ kind: 'welcome', customerId: 'anna' })
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, index) => service.redeem(spend(`op${index}`, 30))),
    )
    const fulfilled = results.filter((result) => result.status === 'fulfilled')
    const refused = results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []))
    expect(fulfilled).toHaveLength(3)
    expect(refused).toHaveLength(7)
    expect(
      refused.every(
        (error) =>
          isDomainError(error, 'LEDGER.INSUFFICIENT_POINTS') || isDomainError(error, 'REDEEM.OVER_BALANCE'),
      ),
    ).toBe(true)
    // At least some refusals came from the atomic check, not the service's earlier read.
    expect(refused.some((error) => isDomainError(error, 'LEDGER.INSUFFICIENT_POINTS'))).toBe(true)
    let running = 0
    for (const row of ledger.rows) {
      running += row.delta
      expect(running).toBeGreaterThanOrEqual(0)
    }
    expect(await ledger.balanceOf('anna')).toBe(10)
  })

  it('should spend once when the same redemption is tapped twice at once', async () => {
    const { service, ledger } = setupLedger()
    await service.grantBonus({ kind: 'welcome', customerId: 'anna' })
    const [first, second] = await Promise.all([
      service.redeem(spend('same', 50)),
      service.redeem(spend('same', 50)),
    ])
    expect([first.created, second.created].sort()).toEqual([false, true])
    expect(first.entry.id).toBe(second.entry.id)
    expect(await ledger.balanceOf('anna')).toBe(50)
  })

  it('should refuse an operation id replayed with another amount', async () => {
    const { service } = setupLedger()
    await service.grantBonus({ kind: 'welcome', customerId: 'anna' })
    await service.redeem(spend('op', 50))
    await expect(service.redeem(spend('op', 60))).rejects.toMatchObject({
      code: 'LEDGER.IDEMPOTENCY_CONFLICT',
    })
  })
})

describe('expiry', () => {
  it('should expire due points for every customer once', async () => {
    const { service, customers, ledger, clock } = setupLedger({ points: { expiryDays: 30, warningDays: 7 } })
    customers.add({ id: 'boris' })
    await service.grantBonus({ kind: 'welcome', customerId: 'anna' })
    await service.grantBonus({ kind: 'welcome', customerId: 'boris' })
    await service.redeem({ ...spend('op', 40), purchaseAmount: rub(1_000) })
    clock.advance(30 * DAY_MS)
    expect(await service.expireDue()).toBe(2)
    expect(await service.expireDue()).toBe(0)
    expect(
      ledger.rows.filter((row) => row.kind === 'expiry').map((row) => [row.customerId, row.delta]),
    ).toEqual([
      ['anna', -60],
      ['boris', -100],
    ])
    expect(await ledger.balanceOf('anna')).toBe(0)
  })

  it('should show the spendable balance and what expires soon', async () => {
    const { service, clock } = setupLedger({ points: { expiryDays: 30, warningDays: 7 } })
    await service.grantBonus({ kind: 'welcome', customerId: 'anna' })
    clock.advance(10 * DAY_MS)
    await service.grantBonus({
      kind: 'adjustment',
      customerId: 'anna',
      points: 5,
      note: 'sorry',
      operationId: 'x',
      actor: owner,
    })
    clock.advance(14 * DAY_MS)
    const view = await service.balanceSummary('anna')
    expect(view.balance).toBe(105)
    expect(view.expiring).toMatchObject({ points: 100, firstExpiresAt: new Date('2026-04-01T09:00:00Z') })
    clock.advance(6 * DAY_MS)
    expect((await service.balanceSummary('anna')).balance).toBe(5)
  })
})

describe('history', () => {
  it('should page newest first with a cursor', async () => {
    const { service, clock } = setupLedger()
    for (let index = 1; index <= 12; index += 1) {
      await service.grantBonus({
        kind: 'adjustment',
        customerId: 'anna',
        points: index,
        note: `n${index}`,
        operationId: `o${index}`,
        actor: owner,
      })
      clock.advance(60_000)
    }
    const first = await service.history('anna')
    expect(first.entries.map((entry) => entry.delta)).toEqual([12, 11, 10, 9, 8, 7, 6, 5, 4, 3])
    expect(first.next).not.toBeNull()
    const second = await service.history('anna', { before: first.next ?? undefined })
    expect(second.entries.map((entry) => entry.delta)).toEqual([2, 1])
    expect(second.next).toBeNull()
  })
})
