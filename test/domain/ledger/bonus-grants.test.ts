import { describe, expect, it } from 'vitest'
import { DAY_MS } from '../../../src/domain/clock.ts'
import { rub } from '../fakes.ts'
import { barista, owner, setupLedger } from './setup.ts'

const now = Date.parse('2026-03-02T09:00:00Z')

describe('grantBonus', () => {
  it('should grant the welcome bonus once', async () => {
    const { service, ledger } = setupLedger()
    const first = await service.grantBonus({ kind: 'welcome', customerId: 'anna' })
    const second = await service.grantBonus({ kind: 'welcome', customerId: 'anna' })
    expect(first).toMatchObject({
      created: true,
      entry: { kind: 'welcome', delta: 100, idempotencyKey: 'welcome:anna' },
    })
    expect(second?.created).toBe(false)
    expect(ledger.rows).toHaveLength(1)
  })

  it('should grant a birthday bonus once per year, valid for 7 days', async () => {
    const { service } = setupLedger()
    const bonus = await service.grantBonus({ kind: 'birthday', customerId: 'anna', year: 2026 })
    expect(bonus?.entry).toMatchObject({
      delta: 200,
      idempotencyKey: 'birthday:anna:2026',
      expiresAt: new Date(now + 7 * DAY_MS),
    })
    expect((await service.grantBonus({ kind: 'birthday', customerId: 'anna', year: 2026 }))?.created).toBe(
      false,
    )
    expect((await service.grantBonus({ kind: 'birthday', customerId: 'anna', year: 2027 }))?.created).toBe(
      true,
    )
  })

  it('should grant nothing for a holiday without a bonus, and the bonus when set', async () => {
    const { service } = setupLedger()
    expect(
      await service.grantBonus({ kind: 'holiday', customerId: 'anna', holidayId: 'womens-day', year: 2026 }),
    ).toBeNull()
    const generous = setupLedger({
      holidays: [
        {
          id: 'womens-day',
          names: { ru: '8 марта', en: 'March 8' },
          date: { month: 3, day: 8 },
          bonusPoints: 80,
          bonusValidDays: 3,
        },
      ],
    })
    const bonus = await generous.service.grantBonus({
      kind: 'holiday',
      customerId: 'anna',
      holidayId: 'womens-day',
      year: 2026,
    })
    expect(bonus?.entry).toMatchObject({
      delta: 80,
      idempotencyKey: 'holiday:womens-day:2026:anna',
      expiresAt: new Date(now + 3 * DAY_MS),
    })
  })

  it('should credit a gift certificate value as points, by the staff member who accepted it', async () => {
    const { service } = setupLedger()
    const gift = await service.grantBonus({
      kind: 'gift',
      customerId: 'anna',
      code: '23456789ZT',
      value: rub(500, 50),
      outletId: 'main',
      actor: barista,
    })
    expect(gift?.entry).toMatchObject({
      kind: 'gift',
      delta: 500,
      actor: barista,
      idempotencyKey: 'gift:23456789ZT',
    })
  })

  it('should let only owners adjust, and a negative adjustment only within the balance', async () => {
    const { service } = setupLedger()
    await service.grantBonus({ kind: 'welcome', customerId: 'anna' })
    const adjustment = {
      kind: 'adjustment' as const,
      customerId: 'anna',
      note: 'wrong receipt',
      operationId: 'a1',
    }
    await expect(service.grantBonus({ ...adjustment, points: 10, actor: barista })).rejects.toMatchObject({
      code: 'LEDGER.OWNER_ONLY',
    })
    await expect(service.grantBonus({ ...adjustment, points: -101, actor: owner })).rejects.toMatchObject({
      code: 'LEDGER.INSUFFICIENT_POINTS',
    })
    const taken = await service.grantBonus({ ...adjustment, points: -40, actor: owner })
    expect(taken?.entry).toMatchObject({ delta: -40, reason: 'wrong receipt', actor: owner })
  })
})
