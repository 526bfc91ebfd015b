import { afterEach, describe, expect, it } from 'vitest'
import type { Customer } from '../../src/db/customers.ts'
import type { FakeUser } from '../../src/sandbox/fake-telegram/index.ts'
import { ALWAYS_AWAKE_PROGRAM } from '../support/bot-process.ts'
import { freshDbPlace, killDbProcesses, startDbProcess } from '../support/db-process.ts'
import { answered, createProcessWorld, until, useProcessInfrastructure } from '../support/process-world.ts'
import { OWNER_ID } from '../support/world.ts'
import {
  confirmedAmounts,
  broadcastUnderWay,
  expectEachPurchaseOnce,
  OFFER,
  hire,
  purchaseStreams,
  recordPurchase,
} from './crash-support.ts'

useProcessInfrastructure()
afterEach(killDbProcesses)

const APOLOGY = /Ой, что-то пошло не так/
const SURVEY = /порекомендуете/

/** Every purchase brings an NPS survey at once, so the outbox job has work across the outage. */
const SURVEY_EVERY_PURCHASE = `${ALWAYS_AWAKE_PROGRAM}nps:\n  delayMinutes: 0\n  cooldownDays: 0\n`

describe('the database process killed (SIGKILL) in the middle of writes', () => {
  it('loses no confirmed purchase, applies none twice, apologises during the outage and recovers by itself', async () => {
    const place = await freshDbPlace()
    let database = await startDbProcess(place)
    const world = await createProcessWorld({ mongoUri: database.uri, program: SURVEY_EVERY_PURCHASE })
    const bot = await world.start()
    const owner = world.user({ id: OWNER_ID, first_name: 'Ольга', language_code: 'ru' })
    const baristas: FakeUser[] = []
    for (let i = 0; i < 2; i += 1) {
      const barista = world.user({ id: 5301 + i, first_name: `Бариста${i}`, language_code: 'ru' })
      await hire(owner, barista)
      baristas.push(barista)
    }
    const customerUsers: FakeUser[] = []
    const customers: Customer[] = []
    for (let i = 0; i < 2; i += 1) {
      const user = world.user({ id: 5401 + i, first_name: `Клиент${i}`, language_code: 'ru' })
      customerUsers.push(user)
      customers.push(await world.joinedCustomer(user))
    }

    // Two baristas record purchases at once; the database dies while the other one is mid-dialog.
    const { attempts, ended } = purchaseStreams(world, baristas, customers, {
      receiptPrefix: 'D',
      crashAfter: 3,
      crash: () => database.kill(),
    })
    await ended

    // While the database is down, a customer is answered with an apology in their language, not silence.
    const anna = customerUsers[0]!
    await answered(anna, () => anna.send('/balance'), APOLOGY)

    // The same database comes back on the same port and files; the bot, never restarted, serves again.
    database = await startDbProcess(place)
    await answered(anna, () => anna.send('/balance'), /Ваш баланс/)
    // A step cut off by the outage got an apology or, once the database was back, its answer: no
    // barista is left with their last message unanswered.
    for (const barista of baristas) {
      await until(async () => {
        await barista.refresh()
        return barista.messages().at(-1)?.from_bot === true
      }, 'an answer to the barista')
    }

    // Every confirmed purchase is in the ledger; the baristas repeat, with the same receipt, the rest.
    const acknowledged = new Set(baristas.flatMap(confirmedAmounts))
    expect(acknowledged.size).toBeGreaterThanOrEqual(3)
    const purchases = world.db.collection<{ _id: string; amount: number }>('purchases')
    for (const attempt of attempts.filter((a) => acknowledged.has(a.amount))) {
      expect(await purchases.findOne({ _id: `receipt:main:${attempt.receipt}` })).toMatchObject({
        amount: attempt.amount * 100,
      })
    }
    for (const attempt of attempts.filter((a) => !acknowledged.has(a.amount))) {
      await recordPurchase(world, attempt, () => false)
    }
    await expectEachPurchaseOnce(world, attempts, customers)

    // The outbox job runs on: every survey queued is sent once; what the outage left in doubt (a
    // claim whose answer was lost, a send whose mark was missed) is settled by this process itself.
    const outbox = world.db.collection<{ customerId: string; category: string; status: string }>('outbox')
    await until(
      async () =>
        (await outbox.countDocuments({ category: 'nps', status: { $in: ['pending', 'sending'] } })) === 0,
      'every queued survey dispatched',
    )
    expect(await outbox.countDocuments({ category: 'nps' })).toBe(attempts.length)
    for (const [index, customer] of customers.entries()) {
      const sent = await outbox.countDocuments({ customerId: customer.id, category: 'nps', status: 'sent' })
      await customerUsers[index]!.refresh()
      expect(customerUsers[index]!.texts().filter((text) => SURVEY.test(text))).toHaveLength(sent)
    }
    await bot.stop()
  }, 180_000)

  it('finishes a broadcast cut by the outage by itself, sending nobody the offer twice', async () => {
    const place = await freshDbPlace()
    const database = await startDbProcess(place)
    const world = await createProcessWorld({ mongoUri: database.uri })
    const bot = await world.start()
    const { users, customers, owner, offers } = await broadcastUnderWay(world, 6101)
    // The database dies in the middle of the sending; the owner, writing meanwhile, gets an apology.
    await database.kill()
    expect(offers().filter((call) => call.ok).length).toBeLessThan(customers.length)
    await answered(owner, () => owner.send('/help'), APOLOGY)

    // The database comes back; the bot, never restarted, sends the rest and reports.
    await startDbProcess(place)
    const finished = async () => {
      await owner.refresh()
      return owner.texts().some((text) => text.includes('Рассылка завершена'))
    }
    await until(finished, 'the broadcast report')
    const outbox = world.db.collection<{ _id: string; status: string; customerId: string }>('outbox')
    const rows = await outbox.find({ _id: { $regex: /^broadcast:/ } }).toArray()
    expect(rows).toHaveLength(customers.length)
    for (const [index, user] of users.entries()) {
      await user.refresh()
      const copies = user.texts().filter((text) => text.includes(OFFER)).length
      const row = rows.find((item) => item.customerId === customers[index]!.id)
      // Exactly once when marked sent; at most once otherwise (a claim whose answer the crash lost).
      if (row?.status === 'sent') expect(copies, user.profile.first_name).toBe(1)
      else expect(copies, user.profile.first_name).toBeLessThanOrEqual(1)
    }
    expect(await world.db.collection('broadcasts').countDocuments({ status: 'done' })).toBe(1)
    await bot.stop()
  }, 180_000)
})
