import { describe, expect, it } from 'vitest'
import type { Customer } from '../../src/db/customers.ts'
import type { FakeUser } from '../../src/sandbox/fake-telegram/index.ts'
import { createProcessWorld, useProcessInfrastructure } from '../support/process-world.ts'
import { OWNER_ID } from '../support/world.ts'
import {
  confirmedAmounts,
  expectEachPurchaseOnce,
  hire,
  purchaseStreams,
  recordPurchase,
  type Attempt,
} from './crash-support.ts'

useProcessInfrastructure()

describe('the bot process killed (SIGKILL) in the middle of purchases', () => {
  it('keeps every purchase a barista saw confirmed, applies none twice, and a retry with the receipt is harmless', async () => {
    const world = await createProcessWorld()
    let bot = await world.start()
    const owner = world.user({ id: OWNER_ID, first_name: 'Ольга', language_code: 'ru' })
    const baristas: FakeUser[] = []
    for (let i = 0; i < 3; i += 1) {
      const barista = world.user({ id: 5101 + i, first_name: `Бариста${i}`, language_code: 'ru' })
      await hire(owner, barista)
      baristas.push(barista)
    }
    const customers: Customer[] = []
    for (let i = 0; i < 3; i += 1) {
      customers.push(
        await world.joinedCustomer(
          world.user({ id: 5201 + i, first_name: `Клиент${i}`, language_code: 'ru' }),
        ),
      )
    }

    // Three baristas record purchases at once, on the same three customers, until six are confirmed.
    const { attempts, crashed, ended } = purchaseStreams(world, baristas, customers, {
      receiptPrefix: 'R',
      crashAfter: 6,
      crash: () => bot.kill(),
    })
    await Promise.race([ended, crashed])
    await crashed
    // A step in flight at the kill finishes after the restart (Telegram redelivers what was not confirmed).
    bot = await world.start()
    await ended

    const acknowledged = new Set(baristas.flatMap(confirmedAmounts))
    expect(acknowledged.size).toBeGreaterThanOrEqual(6)
    const purchases = world.db.collection<{ _id: string; amount: number; customerId: string }>('purchases')
    const receiptId = (attempt: Attempt) => `receipt:main:${attempt.receipt}`
    for (const attempt of attempts.filter((a) => acknowledged.has(a.amount))) {
      expect(await purchases.findOne({ _id: receiptId(attempt) }), attempt.receipt).toMatchObject({
        amount: attempt.amount * 100,
        customerId: attempt.customer.id,
      })
    }

    // The baristas record again every purchase they did not see confirmed, with the same receipt.
    const unacknowledged = attempts.filter((attempt) => !acknowledged.has(attempt.amount))
    expect(unacknowledged.length).toBeLessThanOrEqual(baristas.length)
    for (const attempt of unacknowledged) {
      await recordPurchase(world, attempt, () => false)
    }

    await expectEachPurchaseOnce(world, attempts, customers)
    await bot.stop()
  }, 90_000)
})
