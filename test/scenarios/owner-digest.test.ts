import { describe, expect, it } from 'vitest'
import type { FakeUser } from '../../src/sandbox/fake-telegram/index.ts'
import { OWNER_ID, useInfrastructure } from '../support/world.ts'
import { advance, createNpsWorld, HOUR } from './nps-support.ts'
import { expectChartPhoto, plain, runDigestJob, seedTwoDays } from './owner-support.ts'

useInfrastructure()

function digests(owner: FakeUser) {
  return owner
    .messages()
    .filter((message) => /Итоги за вчера|Yesterday,/.test(message.caption ?? message.text ?? ''))
}

describe('the owners daily digest', () => {
  it('compares yesterday with the day before and the week, lists the open comment with Reply, and draws the chart', async () => {
    const { world, clock } = await createNpsWorld()
    await seedTwoDays(world, clock)
    const owner = world.user({ id: OWNER_ID, first_name: 'Игорь', language_code: 'ru' })
    await owner.send('/help')
    await runDigestJob(world)
    const digest = await owner.waitFor(/Итоги за вчера/)
    expect(plain(digest.caption)).toBe(
      [
        '☀️ Итоги за вчера, 3 марта',
        [
          'В скобках — к позавчера / к среднему за 7 дней.',
          'Новые участники: 1 (= / ▲ с нуля)',
          'Покупали: 2 (▲ +100% / ▲ с нуля)',
          'Покупки: 2 (▲ +100% / ▲ с нуля)',
          'Выручка: 2 500 ₽ (▲ +150% / ▲ с нуля)',
          'Средний чек: 1 250 ₽ (▲ +25% / ▲ с нуля)',
          'Начислено баллов: 173 (▲ +33% / ▲ с нуля)',
          'Списано баллов: 50 (▲ с нуля / ▲ с нуля)',
          'Сгорело баллов: 0 (= / =)',
          'Баллов на счетах: 253 (▲ +95% / ▲ с нуля)',
          'Смены статуса: 0 (= / =)',
          'NPS: -100 (1 ответ: 👍 0 · 😐 0 · 👎 1)',
        ].join('\n'),
        '🎂 Сегодня дней рождения нет\n💤 Давно не заходили 0 клиентов',
        '⚠️ Отзывы без ответа\n1. 3/10: «Холодный кофе»',
      ].join('\n\n'),
    )
    expect(digest.reply_markup?.inline_keyboard.flat().map((button) => button.text)).toEqual([
      '✍️ Ответить на отзыв 1',
    ])
    await expectChartPhoto(owner, digest)

    // The Reply button opens the NPS reply step, whose answer reaches the customer.
    await owner.tap('✍️ Ответить на отзыв 1')
    expect(owner.lastText()).toContain('Напишите ответ для клиента (Борис)')
  })

  it('is sent once per owner and day, with two runs at once and after a restart', async () => {
    const { world, clock } = await createNpsWorld()
    await seedTwoDays(world, clock)
    const owner = world.user({ id: OWNER_ID, first_name: 'Игорь', language_code: 'ru' })
    await owner.send('/help')
    await Promise.all([runDigestJob(world), runDigestJob(world)])
    await owner.waitFor(/Итоги за вчера/)
    await world.restart()
    await runDigestJob(world)
    await owner.refresh()
    expect(digests(owner)).toHaveLength(1)
    // The next morning is another day: a new digest, about 4 March, which was quiet.
    await advance(world, clock, 24 * HOUR)
    await runDigestJob(world)
    await owner.waitFor(/Итоги за вчера, 4 марта/)
    expect(digests(owner)).toHaveLength(2)
  })

  it('says plainly that nothing happened on a quiet day', async () => {
    const { world } = await createNpsWorld()
    const owner = world.user({ id: OWNER_ID, first_name: 'Igor', language_code: 'en' })
    await owner.send('/help')
    await world.app.services.membership.open({
      telegramId: OWNER_ID,
      chatId: OWNER_ID,
      firstName: 'Igor',
      language: 'en',
    })
    await runDigestJob(world)
    const digest = await owner.waitFor(/Yesterday,/)
    expect(digest.photo).toBeUndefined()
    expect(digest.text).toBe(
      [
        '☀️ Yesterday, March 1',
        "Nothing happened in the program yesterday: no purchases, no new members, no ratings. Points on customers' accounts: 0.",
        '🎂 No birthdays today\n💤 0 customers have not come for a while',
      ].join('\n\n'),
    )
  })
})
