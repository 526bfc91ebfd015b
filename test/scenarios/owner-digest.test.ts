import { describe, expect, it } from 'vitest'
import { money } from '../../src/domain/money.ts'
import { points } from '../../src/domain/points.ts'
import { surveyRefOf } from '../../src/db/surveys.ts'
import { OWNER_DIGEST_JOB } from '../../src/jobs/owner-digest.ts'
import type { FakeUser } from '../../src/sandbox/fake-telegram/index.ts'
import { OWNER_ID, useInfrastructure, type World } from '../support/world.ts'
import {
  advance,
  createNpsWorld,
  eventually,
  HOUR,
  hireStaff,
  joinedCustomer,
  recordPurchase,
} from './nps-support.ts'

useInfrastructure()

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

/**
 * Two days of a café, starting Monday 2 March 2026 at noon in Moscow:
 * 2 March — Анна joins (+100 welcome), buys for 1 000 ₽ (+30 points), rates 10.
 * 3 March — Борис joins (+100), buys for 500 ₽ (+15), rates 3 and writes "Холодный кофе";
 *           at 23:30 Анна buys for 2 000 ₽ paying 50 points (1 950 ₽ paid: +58 points).
 * The clock is left at 4 March, 09:00 (the digest hour).
 */
async function seedTwoDays(world: World, clock: Parameters<typeof advance>[1]) {
  const { nps, ledger } = world.app.services
  const olga = await hireStaff(world, 7701, 'Ольга', 'park')
  const anna = await joinedCustomer(world, { id: 7711, first_name: 'Анна', language_code: 'ru' })
  const first = await recordPurchase(world, olga, anna.id, 1000)
  await nps.answer(surveyRefOf(`nps:${first.id}`), 7711, '10')
  await advance(world, clock, 24 * HOUR)
  const boris = await joinedCustomer(world, { id: 7712, first_name: 'Борис', language_code: 'ru' })
  const second = await recordPurchase(world, olga, boris.id, 500)
  const ref = surveyRefOf(`nps:${second.id}`)
  await nps.answer(ref, 7712, '3')
  await nps.openFeedback(ref)
  await nps.comment(ref, 7712, 'Холодный кофе')
  await nps.finishFeedback(ref)
  await advance(world, clock, 11.5 * HOUR)
  await ledger.earnForPurchase({
    customerId: anna.id,
    purchaseId: 'op:late-evening',
    amount: money(200_000),
    redeem: points(50),
    outletId: 'park',
    actor: { role: 'staff', id: '7701' },
  })
  await advance(world, clock, 9.5 * HOUR)
}

/** Runs the digest job now and waits until it finished. */
async function runDigestJob(world: World): Promise<void> {
  const job = await world.app.scheduler.now(OWNER_DIGEST_JOB)
  const id = job.attrs._id
  const jobs = world.app.connection.db!.collection<{ lastFinishedAt?: Date }>('jobs')
  await eventually(async () => {
    const stored = await jobs.findOne({ _id: id as never })
    return stored === null || stored.lastFinishedAt !== undefined
  })
}

/** The text with no-break spaces (money formatting) as plain ones. */
function plain(text: string | undefined): string | undefined {
  return text?.replace(/[\u00a0\u202f]/g, ' ')
}

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
    const photo = digest.photo?.at(-1)
    expect(photo).toBeDefined()
    const png = await owner.download(photo!.file_id)
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true)
    expect(png.length).toBeGreaterThan(5_000)
    expect(png.length).toBeLessThan(500_000)
    expect(png.readUInt32BE(16)).toBe(1080)
    expect(png.readUInt32BE(20)).toBe(720)

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
