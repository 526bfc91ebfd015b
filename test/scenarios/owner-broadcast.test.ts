import { describe, expect, it } from 'vitest'
import type { FakeUser } from '../../src/sandbox/fake-telegram/index.ts'
import { OWNER_ID, useInfrastructure, type World } from '../support/world.ts'
import { createNpsWorld, hireStaff, joinedCustomer, recordPurchase } from './nps-support.ts'

useInfrastructure()

const OFFER = 'Скидка 10% на капучино до воскресенья!'

/** The outbox sends every few seconds: give the report time to arrive. */
const REPORT_WAIT = { timeoutMs: 30_000 }

/**
 * Анна bought once (first purchase); Борис and Вера joined without buying (new), and Вера turned
 * promotions off in Settings.
 */
async function seedCustomers(world: World) {
  const olga = await hireStaff(world, 7801, 'Ольга', 'park')
  const anna = await joinedCustomer(world, { id: 7811, first_name: 'Анна', language_code: 'ru' })
  await recordPurchase(world, olga, anna.id)
  const boris = await joinedCustomer(world, { id: 7812, first_name: 'Борис', language_code: 'ru' })
  const vera = await joinedCustomer(world, { id: 7813, first_name: 'Вера', language_code: 'ru' })
  await world.app.services.membership.setConsent(vera.id, 'promotions', false)
  return { anna: anna.user, boris: boris.user, vera: vera.user }
}

function copiesOf(user: FakeUser, text: string): number {
  return user.messages().filter((message) => message.text === text).length
}

describe('owner broadcasts', () => {
  it('goes from a segment button through the preview to the customers, skipping those who opted out', async () => {
    const { world } = await createNpsWorld()
    const { anna, boris, vera } = await seedCustomers(world)
    const owner = world.user({ id: OWNER_ID, first_name: 'Игорь', language_code: 'ru' })
    await owner.send('/segments')
    await owner.tap('📣 Рассылка: новые, без покупок')
    expect(owner.lastText()).toBe('📣 Напишите текст рассылки одним сообщением (до 3500 символов).')
    await owner.send(OFFER)
    expect(owner.texts().slice(-3)).toEqual([
      'Так клиенты увидят сообщение. Получатели: новые, без покупок — 2 человека.',
      OFFER,
      'Отправить? Тем, кто отключил акции или уже получил много рассылок за месяц, сообщение не придёт; ночью оно подождёт до утра.',
    ])
    expect(owner.inlineButtons()).toEqual(['✅ Отправить', '✖️ Отмена'])
    await owner.tap('✅ Отправить')
    const report = await owner.waitFor(/Рассылка завершена/, REPORT_WAIT)
    expect(report.text).toBe(
      '✅ Рассылка завершена\nПолучателей: 2\nДоставлено: 1\nПропущено (отказ от акций): 1\nНедоступны (бот заблокирован): 0',
    )
    // The progress message became the report: one message, edited.
    expect(report.edited).toBe(true)
    await boris.refresh()
    await vera.refresh()
    await anna.refresh()
    expect(copiesOf(boris, OFFER)).toBe(1)
    expect(copiesOf(vera, OFFER)).toBe(0)
    expect(copiesOf(anna, OFFER)).toBe(0)
  })

  it('resumes after a restart mid-way without sending anyone the message twice', async () => {
    const { world } = await createNpsWorld()
    const { anna, boris, vera } = await seedCustomers(world)
    const owner = world.user({ id: OWNER_ID, first_name: 'Игорь', language_code: 'ru' })
    await owner.send('/broadcast')
    await owner.send(OFFER)
    expect(owner.lastText()).toBe('Кому отправить?')
    await owner.tap('всем участникам')
    expect(owner.texts().at(-3)).toBe(
      'Так клиенты увидят сообщение. Получатели: всем участникам — 3 человека.',
    )
    await owner.tap('✅ Отправить')
    await world.restart()
    await owner.waitFor(/Рассылка завершена/, REPORT_WAIT)
    expect(owner.lastText()).toContain('Доставлено: 2')
    // A late second run (another worker) queues nothing new.
    const { broadcast } = world.app.services
    const id = (await world.app.connection.db!.collection('broadcasts').findOne({}))!._id as unknown as string
    const stored = await broadcast.get(id)
    await broadcast.enqueueAll(stored!)
    expect(await broadcast.tally(id)).toEqual({
      pending: 0,
      deferred: 0,
      sent: 2,
      skipped: 1,
      unreachable: 0,
    })
    for (const user of [anna, boris, vera]) await user.refresh()
    expect([copiesOf(anna, OFFER), copiesOf(boris, OFFER), copiesOf(vera, OFFER)]).toEqual([1, 1, 0])
  })

  it('confirmed at night, reports the messages as deferred to the morning and sends none yet', async () => {
    const { world } = await createNpsWorld({ start: '2026-03-02T23:00:00+03:00' })
    const { boris } = await seedCustomers(world)
    const owner = world.user({ id: OWNER_ID, first_name: 'Игорь', language_code: 'ru' })
    await owner.send('/broadcast')
    await owner.send(OFFER)
    await owner.tap('всем участникам')
    await owner.tap('✅ Отправить')
    const report = await owner.waitFor(/Рассылка завершена/, REPORT_WAIT)
    expect(report.text).toBe(
      '✅ Рассылка завершена\nПолучателей: 3\nДоставлено: 0\nПропущено (отказ от акций): 1\nНедоступны (бот заблокирован): 0\n⏸ Отложено до разрешённого времени (тихие часы, лимит): 2',
    )
    await boris.refresh()
    expect(copiesOf(boris, OFFER)).toBe(0)
  })

  it('is cancelled without sending, and refused to customers', async () => {
    const { world } = await createNpsWorld()
    const { boris } = await seedCustomers(world)
    const owner = world.user({ id: OWNER_ID, first_name: 'Игорь', language_code: 'ru' })
    await owner.send('/broadcast')
    await owner.send(OFFER)
    await owner.tap('всем участникам')
    await owner.tap('✖️ Отмена')
    expect(owner.lastText()).toBe('Рассылка отменена.')
    expect(await world.app.connection.db!.collection('broadcasts').countDocuments()).toBe(0)
    await boris.send('/broadcast')
    expect(boris.lastText()).toBe('Эта команда вам недоступна.')
  })
})
