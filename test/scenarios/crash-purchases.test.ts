import { describe, expect, it } from 'vitest'
import type { Customer } from '../../src/db/customers.ts'
import type { FakeUser } from '../../src/sandbox/fake-telegram/index.ts'
import {
  answered,
  createProcessWorld,
  Stopped,
  useProcessInfrastructure,
  type ProcessWorld,
} from '../support/process-world.ts'
import { OWNER_ID } from '../support/world.ts'

useProcessInfrastructure()

/** A purchase a barista started: a unique amount (it names the purchase in the messages) and a receipt. */
interface Attempt {
  barista: FakeUser
  customer: Customer
  /** Whole roubles. */
  amount: number
  receipt: string
}

/** The amounts in "✅ Покупка 1 203 ₽ записана" confirmations the barista saw, whole roubles. */
function confirmedAmounts(barista: FakeUser): number[] {
  return barista
    .texts()
    .map((text) => /✅ Покупка (.+?) записана/.exec(text)?.[1])
    .filter((amount): amount is string => amount !== undefined)
    .map((amount) => Number(amount.replace(/,00/, '').replace(/\D/g, '')))
}

/** The whole purchase dialog at the desk: scan the card, amount, receipt, no points spent. */
async function recordPurchase(world: ProcessWorld, attempt: Attempt, stopped: () => boolean) {
  const { barista } = attempt
  await answered(barista, () => barista.openLink(world.cardLink(attempt.customer)), /Баланс/, stopped)
  await answered(barista, () => barista.tap('🧾 Покупка'), /Сумма покупки/, stopped)
  await answered(barista, () => barista.send(String(attempt.amount)), /Номер чека/, stopped)
  await answered(barista, () => barista.send(attempt.receipt), /Списать баллы/, stopped)
  return answered(barista, () => barista.tap('Без списания'), /записана|уже записан/, stopped)
}

/** A barista hired through the owner's one-time invite link. */
async function hire(owner: FakeUser, barista: FakeUser): Promise<void> {
  await answered(owner, () => owner.send('/staff'), /Сотрудники/)
  await answered(
    owner,
    () => owner.tap(owner.inlineButtons().find((label) => /Пригласить/.test(label))!),
    /start=s-/,
  )
  const link = /https:\/\/t\.me\/\S+\?start=s-[\w-]+/.exec(owner.lastText() ?? '')![0]
  await answered(barista, () => barista.openLink(link), /./)
}

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
    const attempts: Attempt[] = []
    let killed: Promise<void> | undefined
    const stopped = () => killed !== undefined
    const confirmedSoFar = () => baristas.flatMap(confirmedAmounts).length
    const stream = async (index: number) => {
      for (let n = 0; !killed; n += 1) {
        const attempt: Attempt = {
          barista: baristas[index]!,
          customer: customers[(index + n) % customers.length]!,
          amount: 1000 + 100 * index + n,
          receipt: `R${index}-${n}`,
        }
        attempts.push(attempt)
        await recordPurchase(world, attempt, stopped)
        if (confirmedSoFar() >= 6) killed ??= bot.kill()
      }
    }
    const streams = baristas.map((_, index) =>
      stream(index).catch((error: unknown) => {
        // Once the bot is gone a step may find no button or time out: the stream just ends there.
        if (!killed && !(error instanceof Stopped)) throw error
      }),
    )
    const wasKilled = async () => {
      while (!killed) await new Promise((resolve) => setTimeout(resolve, 20))
      await killed
    }
    await Promise.race([Promise.all(streams), wasKilled()])
    expect(killed, 'the streams ended before the kill').toBeDefined()
    await killed
    // A step in flight at the kill finishes after the restart (Telegram redelivers what was not confirmed).
    bot = await world.start()
    await Promise.all(streams)

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

    // One purchase and one earn entry per receipt, nothing else; balances are the ledger sums.
    expect(await purchases.countDocuments()).toBe(attempts.length)
    const ledger = world.db.collection<{
      customerId: string
      delta: number
      purchaseId?: string
      seq: number
    }>('ledger_entries')
    for (const attempt of attempts) {
      expect(await purchases.countDocuments({ _id: receiptId(attempt) })).toBe(1)
      expect(await ledger.countDocuments({ purchaseId: receiptId(attempt), kind: 'earn' })).toBe(1)
    }
    for (const customer of customers) {
      const entries = await ledger.find({ customerId: customer.id }).toArray()
      const sum = entries.reduce((total, entry) => total + entry.delta, 0)
      expect(await world.repositories.ledgerEntries.balanceOf(customer.id)).toBe(sum)
      const cached = await world.db
        .collection<{ _id: string; balance: number }>('ledger_balances')
        .findOne({ _id: customer.id })
      expect(cached?.balance).toBe(sum)
      expect(new Set(entries.map((entry) => entry.seq)).size).toBe(entries.length)
    }
    await bot.stop()
  }, 90_000)
})
