import { describe, expect, it } from 'vitest'
import { surveyRefOf } from '../../src/db/surveys.ts'
import { OWNER_ID, useInfrastructure } from '../support/world.ts'
import { advance, createNpsWorld, HOUR, hireStaff, joinedCustomer, recordPurchase } from './nps-support.ts'
import { expectChartPhoto, plain, seedTwoDays } from './owner-support.ts'

useInfrastructure()

const DAY = 24 * HOUR

describe('/stats for owners', () => {
  it('shows the figures of the last 7 days (the default) and of today, with the chart', async () => {
    const { world, clock } = await createNpsWorld()
    await seedTwoDays(world, clock)
    const owner = world.user({ id: OWNER_ID, first_name: 'Игорь', language_code: 'ru' })
    await owner.send('/stats')
    // Found by content: the digest job, made due by the moved clock, may talk in between.
    const text = await owner.waitFor(/Статистика за 7 дней/)
    const chart = await owner.waitFor((message) => message.photo !== undefined && !message.caption, {
      since: text.message_id,
    })
    // 3 purchases: 1 000 + 500 + 2 000 ₽; average 3 500 / 3 = 1 166,66 ₽ (rounded down to the kopeck).
    expect(plain(text?.text)).toBe(
      [
        '📊 Статистика за 7 дней (26 февраля — 4 марта)',
        [
          'Новые участники: 2',
          'Покупали: 2',
          'Покупки: 3',
          'Выручка: 3 500 ₽',
          'Средний чек: 1 166,66 ₽',
          'Начислено баллов: 303',
          'Списано баллов: 50',
          'Сгорело баллов: 0',
          'Баллов на счетах: 253',
          'Смены статуса: 0',
          'NPS: 0 (2 ответа: 👍 1 · 😐 0 · 👎 1)',
        ].join('\n'),
      ].join('\n\n'),
    )
    await expectChartPhoto(owner, chart)

    await owner.send('/stats today')
    const today = plain((await owner.waitFor(/Статистика за сегодня/)).text)
    expect(today).toContain('📊 Статистика за сегодня (4 марта — 4 марта)')
    expect(today).toContain('Покупки: 0')
    expect(today).toContain('Баллов на счетах: 253')
  })

  it('speaks English to an English-speaking owner and explains the periods', async () => {
    const { world, clock } = await createNpsWorld()
    await seedTwoDays(world, clock)
    const owner = world.user({ id: OWNER_ID, first_name: 'Igor', language_code: 'en' })
    await world.app.services.membership.open({
      telegramId: OWNER_ID,
      chatId: OWNER_ID,
      firstName: 'Igor',
      language: 'en',
    })
    await owner.send('/stats 30d')
    const message = await owner.waitFor(/Stats for 30 days/)
    const text = plain(message.text)
    expect(text).toContain('📊 Stats for 30 days (February 3 — March 4)')
    expect(text).toContain('Revenue: ₽3,500')
    expect(text).toContain('Average check: ₽1,166.66')
    expect(text).toContain('NPS: 0 (2 answers: 👍 1 · 😐 0 · 👎 1)')
    await expectChartPhoto(
      owner,
      await owner.waitFor((sent) => sent.photo !== undefined && !sent.caption, { since: message.message_id }),
    )
    await owner.send('/stats year')
    await owner.waitFor(/Period:/)
    expect(owner.texts()).toContain(
      [
        'I could not read the dates. Write two dates separated by a space: day.month.year or year-month-day.',
        'Period: /stats today, /stats 7d, /stats 30d, /stats month or your own dates: /stats 2026-11-01 2026-11-15 (also 01.11.2026 15.11.2026, or 01.11-15.11 in this year; one date for one day). Without a period: 7 days.',
      ].join('\n\n'),
    )
    await owner.send('/stats 2026-03-03 2026-03-03')
    const range = plain((await owner.waitFor(/Stats for the period/)).text)
    expect(range).toContain('📊 Stats for the period (March 3, 2026 — March 3, 2026)')
    expect(range).toContain('Revenue: ₽2,500')
  })

  it('shows the figures of days the owner typed, in any of the accepted spellings, with the chart', async () => {
    const { world, clock } = await createNpsWorld()
    await seedTwoDays(world, clock)
    const owner = world.user({ id: OWNER_ID, first_name: 'Игорь', language_code: 'ru' })
    await owner.send('/stats 02.03.2026 02.03.2026')
    const first = await owner.waitFor(/Статистика за период/)
    // Only 2 March: Анна joined (+100) and bought for 1 000 ₽ (+30).
    expect(plain(first.text)).toBe(
      [
        '📊 Статистика за период (2 марта 2026 — 2 марта 2026)',
        [
          'Новые участники: 1',
          'Покупали: 1',
          'Покупки: 1',
          'Выручка: 1 000 ₽',
          'Средний чек: 1 000 ₽',
          'Начислено баллов: 130',
          'Списано баллов: 0',
          'Сгорело баллов: 0',
          'Баллов на счетах: 130',
          'Смены статуса: 0',
          'NPS: +100 (1 ответ: 👍 1 · 😐 0 · 👎 0)',
        ].join('\n'),
      ].join('\n\n'),
    )
    await expectChartPhoto(
      owner,
      await owner.waitFor((sent) => sent.photo !== undefined && !sent.caption, { since: first.message_id }),
    )

    await owner.send('/stats 2026-03-03 2026-03-03')
    const second = plain((await owner.waitFor(/3 марта 2026 — 3 марта 2026/)).text)
    expect(second).toContain('Покупки: 2')
    expect(second).toContain('Выручка: 2 500 ₽')
    expect(second).toContain('Баллов на счетах: 253')

    await owner.send('/stats 01.03-04.03')
    const whole = plain((await owner.waitFor(/1 марта 2026 — 4 марта 2026/)).text)
    expect(whole).toContain('Покупки: 3')
    expect(whole).toContain('Выручка: 3 500 ₽')
  })

  it('explains what is wrong with typed dates and shows nothing else', async () => {
    const { world, clock } = await createNpsWorld()
    await seedTwoDays(world, clock)
    const owner = world.user({ id: OWNER_ID, first_name: 'Игорь', language_code: 'ru' })
    const usage =
      'Период: /stats today (сегодня), /stats 7d, /stats 30d, /stats month (этот месяц) или свои даты: /stats 01.11.2026 15.11.2026 (можно 2026-11-01 2026-11-15 или 01.11-15.11 — в этом году; одна дата — один день). Без периода — за 7 дней.'
    const cases: [string, string][] = [
      ['/stats вчера', 'Не понял даты. Напишите две даты через пробел: день.месяц.год или год-месяц-день.'],
      [
        '/stats 31.02.2026 03.03.2026',
        'Не понял даты. Напишите две даты через пробел: день.месяц.год или год-месяц-день.',
      ],
      ['/stats 03.03.2026 01.03.2026', 'Конец периода раньше начала — поменяйте даты местами.'],
      ['/stats 01.03.2026 05.03.2026', 'Период не может заканчиваться позже сегодняшнего дня.'],
      ['/stats 2025-03-01 2026-03-03', 'Слишком длинный период: не больше 366 дней.'],
    ]
    for (const [command, error] of cases) {
      const mark = owner.mark()
      await owner.send(command)
      // The morning digest (made due by the moved clock) may arrive meanwhile: look for /stats' own answers.
      const answers = owner.textsSince(mark).filter((text) => !text.startsWith('☀️'))
      expect(answers).toEqual([`${error}\n\n${usage}`])
    }
  })

  it('is refused to customers and staff', async () => {
    const { world } = await createNpsWorld()
    await hireStaff(world, 7721, 'Ольга', 'park')
    const olga = world.user({ id: 7721, first_name: 'Ольга', language_code: 'ru' })
    const anna = await joinedCustomer(world, { id: 7722, first_name: 'Анна', language_code: 'ru' })
    for (const command of ['/stats', '/stats 30d', '/segments']) {
      await anna.user.send(command)
      expect(anna.user.lastText()).toBe('Эта команда вам недоступна.')
      await olga.send(command)
      expect(olga.lastText()).toBe('Эта команда вам недоступна.')
    }
  })
})

describe('/segments for owners', () => {
  it('counts members per lifecycle stage and loyalty type, with a broadcast button for each', async () => {
    const { world, clock } = await createNpsWorld()
    const olga = await hireStaff(world, 7731, 'Ольга', 'park')
    // Дмитрий bought once 50 days ago: lapsed (45 days), not churned (120).
    const dmitry = await joinedCustomer(world, { id: 7732, first_name: 'Дмитрий', language_code: 'ru' })
    await recordPurchase(world, olga, dmitry.id)
    await advance(world, clock, 50 * DAY)
    // Вера: 4 purchases in 30 days, never answered NPS: regular, false loyalty.
    const vera = await joinedCustomer(world, { id: 7733, first_name: 'Вера', language_code: 'ru' })
    for (let i = 0; i < 4; i += 1) await recordPurchase(world, olga, vera.id)
    // Анна: one purchase, a 10: first purchase, latent loyalty.
    const anna = await joinedCustomer(world, { id: 7734, first_name: 'Анна', language_code: 'ru' })
    const purchase = await recordPurchase(world, olga, anna.id)
    await world.app.services.nps.answer(surveyRefOf(`nps:${purchase.id}`), 7734, '10')
    // Глеб: two purchases: repeat. Борис: joined, never bought: new.
    const gleb = await joinedCustomer(world, { id: 7735, first_name: 'Глеб', language_code: 'ru' })
    await recordPurchase(world, olga, gleb.id)
    await recordPurchase(world, olga, gleb.id)
    await joinedCustomer(world, { id: 7736, first_name: 'Борис', language_code: 'ru' })

    const owner = world.user({ id: OWNER_ID, first_name: 'Игорь', language_code: 'ru' })
    await owner.send('/segments')
    expect(owner.lastText()).toBe(
      [
        '👥 Сегменты: 5 участников',
        'Этап\n• новые, без покупок: 1\n• одна покупка: 1\n• повторные: 1\n• постоянные: 1\n• давно не заходили: 1\n• ушедшие: 0',
        'Тип лояльности\n• истинная лояльность: 0\n• скрытая лояльность: 1\n• ложная лояльность: 1\n• нет лояльности: 3',
        'Кнопкой ниже можно сделать рассылку сегменту.',
      ].join('\n\n'),
    )
    expect(owner.inlineButtons()).toEqual([
      '📣 Рассылка: новые, без покупок',
      '📣 Рассылка: одна покупка',
      '📣 Рассылка: повторные',
      '📣 Рассылка: постоянные',
      '📣 Рассылка: давно не заходили',
      '📣 Рассылка: скрытая лояльность',
      '📣 Рассылка: ложная лояльность',
      '📣 Рассылка: нет лояльности',
      '📣 Рассылка всем',
    ])
    // The morning digest counts the same lapsed member.
    expect((await world.app.services.reports.digest()).lapsedCustomers).toBe(1)
  })
})
