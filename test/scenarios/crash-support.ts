import { expect } from 'vitest'
import type { Customer } from '../../src/db/customers.ts'
import type { FakeUser } from '../../src/sandbox/fake-telegram/index.ts'
import { answered, Stopped, until, type ProcessWorld } from '../support/process-world.ts'
import { OWNER_ID } from '../support/world.ts'

/** A purchase a barista started: a unique amount (it names the purchase in the messages) and a receipt. */
export interface Attempt {
  barista: FakeUser
  customer: Customer
  /** Whole roubles. */
  amount: number
  receipt: string
}

/** The amounts in "✅ Покупка 1 203 ₽ записана" confirmations the barista saw, whole roubles. */
export function confirmedAmounts(barista: FakeUser): number[] {
  return barista
    .texts()
    .map((text) => /✅ Покупка (.+?) записана/.exec(text)?.[1])
    .filter((amount): amount is string => amount !== undefined)
    .map((amount) => Number(amount.replace(/,00/, '').replace(/\D/g, '')))
}

/** The whole purchase dialog at the desk: scan the card, amount, receipt, no points spent. */
export async function recordPurchase(world: ProcessWorld, attempt: Attempt, stopped: () => boolean) {
  const { barista } = attempt
  await answered(barista, () => barista.openLink(world.cardLink(attempt.customer)), /Баланс/, stopped)
  await answered(barista, () => barista.tap('🧾 Покупка'), /Сумма покупки/, stopped)
  await answered(barista, () => barista.send(String(attempt.amount)), /Номер чека/, stopped)
  await answered(barista, () => barista.send(attempt.receipt), /Списать баллы/, stopped)
  return answered(barista, () => barista.tap('Без списания'), /записана|уже записан/, stopped)
}

/** A barista hired through the owner's one-time invite link. */
export async function hire(owner: FakeUser, barista: FakeUser): Promise<void> {
  await answered(owner, () => owner.send('/staff'), /Сотрудники/)
  await answered(
    owner,
    () => owner.tap(owner.inlineButtons().find((label) => /Пригласить/.test(label))!),
    /start=s-/,
  )
  const link = /https:\/\/t\.me\/\S+\?start=s-[\w-]+/.exec(owner.lastText() ?? '')![0]
  await answered(barista, () => barista.openLink(link), /./)
}

/**
 * The ledger after a crash: one purchase and one earn entry per receipt of `attempts`, nothing
 * else; every balance (computed and cached) is the sum of the customer's entries, with no sequence
 * number used twice.
 */
export async function expectEachPurchaseOnce(
  world: ProcessWorld,
  attempts: Attempt[],
  customers: Customer[],
): Promise<void> {
  const purchases = world.db.collection<{ _id: string }>('purchases')
  const receiptId = (attempt: Attempt) => `receipt:main:${attempt.receipt}`
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
}

/** Purchases recorded by baristas at once, up to a crash. */
export interface PurchaseStreams {
  /** Every purchase a barista started, confirmed or not. */
  attempts: Attempt[]
  /** Resolves once the crash happened (the streams may still be ending). */
  crashed: Promise<void>
  /** Resolves once every barista stopped; a step the crash cut off just ends its stream. */
  ended: Promise<void>
}

/**
 * Each barista records purchase after purchase (unique amounts, receipts `<prefix><barista>-<n>`),
 * on the customers in turn, until `crashAfter` purchases are confirmed; then `crash()` runs once
 * while the others are mid-dialog, and every barista stops.
 */
export function purchaseStreams(
  world: ProcessWorld,
  baristas: FakeUser[],
  customers: Customer[],
  options: { receiptPrefix: string; crashAfter: number; crash: () => Promise<void> },
): PurchaseStreams {
  const attempts: Attempt[] = []
  let crash: Promise<void> | undefined
  const stopped = () => crash !== undefined
  let crashStarted: () => void = () => undefined
  const started = new Promise<void>((resolve) => (crashStarted = resolve))
  const stream = async (index: number) => {
    for (let n = 0; !crash; n += 1) {
      const attempt: Attempt = {
        barista: baristas[index]!,
        customer: customers[(index + n) % customers.length]!,
        amount: 1000 + 100 * index + n,
        receipt: `${options.receiptPrefix}${index}-${n}`,
      }
      attempts.push(attempt)
      await recordPurchase(world, attempt, stopped)
      if (!crash && baristas.flatMap(confirmedAmounts).length >= options.crashAfter) {
        crash = options.crash()
        crashStarted()
      }
    }
  }
  const ended = Promise.all(
    baristas.map((_, index) =>
      stream(index).catch((error: unknown) => {
        // Once the crash happened a step may find no button or time out: the stream just ends there.
        if (!crash && !(error instanceof Stopped)) throw error
      }),
    ),
  ).then(() => {
    if (!crash) throw new Error('the streams ended before the crash')
  })
  return { attempts, crashed: started.then(() => crash), ended }
}

/** The offer the crash tests broadcast. */
export const OFFER = 'Завтра капучино за полцены ☕'

/**
 * Sixty members (ids from `firstId`) and an owner who broadcasts {@link OFFER} to all of them;
 * resolves once 14 offers went out, so a crash finds the broadcast in the middle of its sending.
 * `offers()` lists the bot's sendMessage calls carrying the offer.
 */
export async function broadcastUnderWay(world: ProcessWorld, firstId: number) {
  const users: FakeUser[] = []
  for (let i = 0; i < 60; i += 1) {
    users.push(world.user({ id: firstId + i, first_name: `Гость${i}`, language_code: 'ru' }))
  }
  const customers = await Promise.all(users.map((user) => world.joinedCustomer(user)))
  const owner = world.user({ id: OWNER_ID, first_name: 'Ольга', language_code: 'ru' })
  await answered(owner, () => owner.send('/broadcast'), /Напишите текст рассылки/)
  await answered(owner, () => owner.send(OFFER), /Пришлите фото/)
  await answered(owner, () => owner.tap('⏭ Без фото'), /Добавить кнопку/)
  await answered(owner, () => owner.tap('⏭ Без кнопки'), /Кому отправить/)
  await answered(owner, () => owner.tap('всем участникам'), /Отправить\?/)
  const offers = () =>
    world.tg
      .apiCalls()
      .filter((call) => call.method === 'sendMessage' && String(call.params.text).includes(OFFER))
  await answered(owner, () => owner.tap('✅ Отправить'), /Рассылка/)
  await until(() => offers().filter((call) => call.ok).length >= 14, '14 offers delivered')
  return { users, customers, owner, offers }
}
