import { describe, expect, it } from 'vitest'
import { money } from '../../src/domain/money.ts'
import { points } from '../../src/domain/points.ts'
import { OWNER_ID, useInfrastructure, type World } from '../support/world.ts'
import { surveyRefOf } from '../../src/db/surveys.ts'
import type { DeskActor } from '../../src/services/staff-desk.ts'
import { advance, createNpsWorld, HOUR, hireStaff, joinedCustomer, recordPurchase } from './nps-support.ts'

useInfrastructure()

/** A customer who bought from `actor` and answered `score` (through the service, as a tap would). */
async function answered(world: World, actor: DeskActor, id: number, score: number) {
  const customer = await joinedCustomer(world, { id, first_name: `Гость ${id}`, language_code: 'ru' })
  const purchase = await recordPurchase(world, actor, customer.id)
  await world.app.services.nps.answer(surveyRefOf(`nps:${purchase.id}`), id, String(score))
}

/** Same, for a purchase partly paid with points (the "redemption" touchpoint). */
async function answeredAfterRedemption(world: World, actor: DeskActor, id: number, score: number) {
  const customer = await joinedCustomer(world, { id, first_name: `Гость ${id}`, language_code: 'ru' })
  const { purchase } = await world.app.services.ledger.earnForPurchase({
    customerId: customer.id,
    purchaseId: `op:redeem-${id}`,
    amount: money(50_000),
    redeem: points(50),
    outletId: actor.outletId,
    actor: { role: 'staff', id: String(actor.telegramId) },
  })
  const survey = await world.app.services.nps.scheduleAfterPurchase(purchase)
  expect(survey?.touchpoint).toBe('redemption')
  await world.app.services.nps.answer(surveyRefOf(`nps:${purchase.id}`), id, String(score))
}

/**
 * Seven answers: at "У парка" (Ольга) 10, 9, 3; at "Центральная" (Пётр) 8, 6, 10 and a 10 after a
 * redemption. NPS = (4 promoters - 2 detractors) / 7 = 28.6 -> +29.
 */
async function seedAnswers(world: World) {
  const olga = await hireStaff(world, 7601, 'Ольга', 'park')
  const petr = await hireStaff(world, 7602, 'Пётр', 'center')
  await answered(world, olga, 7611, 10)
  await answered(world, olga, 7612, 9)
  await answered(world, olga, 7613, 3)
  await answered(world, petr, 7614, 8)
  await answered(world, petr, 7615, 6)
  await answered(world, petr, 7616, 10)
  await answeredAfterRedemption(world, petr, 7617, 10)
}

describe('/nps for owners', () => {
  it('shows the score with counts, split by outlet, staff member and touchpoint', async () => {
    const { world } = await createNpsWorld()
    await seedAnswers(world)
    const owner = world.user({ id: OWNER_ID, first_name: 'Игорь', language_code: 'ru' })
    await owner.send('/nps')
    expect(owner.lastText()).toBe(
      [
        '📊 NPS за 30 дней: +29',
        '7 ответов: промоутеры — 4, нейтральные — 1, критики — 2',
        'По точкам\n• Центральная: +25 (4 ответа)\n• У парка: +33 (3 ответа)',
        'По сотрудникам\n• Пётр: +25 (4 ответа)\n• Ольга: +33 (3 ответа)',
        'По точкам контакта\n• покупка: +17 (6 ответов)\n• списание баллов: +100 (1 ответ)',
      ].join('\n\n'),
    )
    await owner.send('/nps today')
    expect(owner.lastText()).toContain('📊 NPS сегодня: +29')
  })

  it('counts only the period asked for, and explains the periods', async () => {
    const { world, clock } = await createNpsWorld()
    await seedAnswers(world)
    await advance(world, clock, 8 * 24 * HOUR)
    const owner = world.user({ id: OWNER_ID, first_name: 'Igor', language_code: 'en' })
    // Matched by text, not as the last message: the daily digest job may greet the owner meanwhile.
    await owner.send('/nps 7d')
    expect((await owner.waitFor('NPS for 7 days')).text).toBe('📊 NPS for 7 days: no answers yet.')
    await owner.send('/nps month')
    const month = (await owner.waitFor('NPS this month')).text
    expect(month).toContain('📊 NPS this month: +29')
    expect(month).toContain('7 answers: promoters 4, passives 1, detractors 2')
    expect(month).toContain('• points redemption: +100 (1 answer)')
    await owner.send('/nps year')
    await owner.waitFor('/nps today, /nps 7d, /nps 30d or /nps month')
  })

  it('is refused to customers and staff', async () => {
    const { world } = await createNpsWorld()
    await hireStaff(world, 7621, 'Ольга', 'park')
    const anna = world.user({ id: 7622, first_name: 'Анна', language_code: 'ru' })
    const olga = world.user({ id: 7621, first_name: 'Ольга', language_code: 'ru' })
    await anna.send('/nps')
    expect(anna.lastText()).toBe('Эта команда вам недоступна.')
    await olga.send('/nps 7d')
    expect(olga.lastText()).toBe('Эта команда вам недоступна.')
  })
})
