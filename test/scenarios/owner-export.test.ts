import { describe, expect, it } from 'vitest'
import { OWNER_ID, useInfrastructure } from '../support/world.ts'
import { createNpsWorld, hireStaff, joinedCustomer, recordPurchase } from './nps-support.ts'

useInfrastructure()

describe('/export and /program for owners', () => {
  it('sends customers and the ledger as CSV with a BOM, decimal amounts, and erased customers anonymous', async () => {
    const { world } = await createNpsWorld()
    const { membership } = world.app.services
    const olga = await hireStaff(world, 7901, 'Ольга', 'park')
    const anna = await joinedCustomer(world, {
      id: 7911,
      first_name: 'Анна "Кофеманка", Петрова',
      language_code: 'ru',
    })
    await membership.setBirthday(anna.id, '14.05')
    const purchase = await recordPurchase(world, olga, anna.id, 1250)
    const boris = await joinedCustomer(world, { id: 7912, first_name: 'Борис', language_code: 'ru' })
    await recordPurchase(world, olga, boris.id, 300)
    await membership.forget(boris.id)

    const owner = world.user({ id: OWNER_ID, first_name: 'Игорь', language_code: 'ru' })
    await owner.send('/export')
    const documents = owner.messages().filter((message) => message.document !== undefined)
    expect(documents.map((message) => [message.document?.file_name, message.caption])).toEqual([
      ['customers-2026-03-02.csv', '👥 Участники программы (CSV, UTF-8)'],
      ['ledger-2026-03-02.csv', '📒 Все операции с баллами (CSV, UTF-8)'],
    ])
    const customersCsv = await owner.download(documents[0]!.document!.file_id)
    expect([...customersCsv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const customerLines = customersCsv.toString('utf8').slice(1).trimEnd().split('\r\n')
    expect(customerLines).toEqual([
      'id,name,phone,birthday,language,tier,joined_at,promotions,erased,points,spent',
      // 100 welcome + 3% of 1 250 ₽ = 137 points.
      `${anna.id},"Анна ""Кофеманка"", Петрова",,14.05,ru,bronze,2026-03-02T09:00:00.000Z,yes,no,137,1250.00`,
      // Erased: no name, no phone, no birthday; the totals stay.
      `${boris.id},,,,ru,bronze,2026-03-02T09:00:00.000Z,yes,yes,109,300.00`,
    ])

    const ledgerCsv = await owner.download(documents[1]!.document!.file_id)
    const ledgerLines = ledgerCsv.toString('utf8').slice(1).trimEnd().split('\r\n')
    expect(ledgerLines[0]).toBe(
      'id,customer_id,created_at,kind,points,outlet,actor,purchase_id,purchase_amount',
    )
    expect(ledgerLines.slice(1).map((line) => line.split(',').slice(1))).toEqual([
      [anna.id, '2026-03-02T09:00:00.000Z', 'welcome', '100', '', 'system:system', '', ''],
      [anna.id, '2026-03-02T09:00:00.000Z', 'earn', '37', 'park', 'staff:7901', purchase.id, '1250.00'],
      [boris.id, '2026-03-02T09:00:00.000Z', 'welcome', '100', '', 'system:system', '', ''],
      [boris.id, '2026-03-02T09:00:00.000Z', 'earn', '9', 'park', 'staff:7901', expect.any(String), '300.00'],
    ])
  })

  it('shows the effective rules, and refuses customers', async () => {
    const { world } = await createNpsWorld()
    const owner = world.user({ id: OWNER_ID, first_name: 'Игорь', language_code: 'ru' })
    await owner.send('/program')
    const text = owner.lastText()?.replace(/[\u00a0\u202f]/g, ' ')
    expect(text).toContain('📜 Правила программы «Кофейня Зерно»')
    expect(text).toContain(
      'Статусы (по покупкам за 365 дней)\n• Бронза: от 0 ₽, начисление 3%\n• Серебро: от 15 000 ₽, начисление 5%\n• Золото: от 40 000 ₽, начисление 7%',
    )
    expect(text).toContain('Приветственный бонус: 100 баллов')
    expect(text).toContain('Баллами можно оплатить до 30% покупки')
    expect(text).toContain(
      'Награды за баллы: Кофе в подарок — 200 баллов, Десерт в подарок — 300 баллов; напоминание, когда до награды не больше 50 баллов',
    )
    expect(text).toContain('Не больше 3 рекламных сообщений клиенту за 30 дней')
    expect(text).toContain('Утренняя сводка владельцу: 09:00 (Europe/Moscow)')
    const anna = await joinedCustomer(world, { id: 7921, first_name: 'Анна', language_code: 'ru' })
    for (const command of ['/program', '/export', '/broadcast']) {
      await anna.user.send(command)
      expect(anna.user.lastText()).toBe('Эта команда вам недоступна.')
    }
  })
})
