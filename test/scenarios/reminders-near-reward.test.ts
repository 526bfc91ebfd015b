import { describe, expect, it } from 'vitest'
import { OWNER_ID, useInfrastructure, type World } from '../support/world.ts'
import { buy, createGreetingsWorld, DAY_MS, member, runReminders, textsWith } from './greetings-support.ts'

useInfrastructure()

const ANNA = { id: 8501, first_name: 'Анна', language_code: 'ru' }
const JOHN = { id: 8502, first_name: 'John', language_code: 'en' }

let corrections = 0

/** An owner's correction of `points` (negative takes points away). */
async function correct(world: World, customerId: string, points: number): Promise<void> {
  corrections += 1
  await world.app.services.ledger.grantBonus({
    kind: 'adjustment',
    customerId,
    points,
    note: 'correction',
    operationId: `near-${corrections}`,
    actor: { role: 'owner', id: String(OWNER_ID) },
  })
}

describe('"you are N points from a reward"', () => {
  it('is sent once when the balance comes within 50 points of the cheapest reward, not again the next day', async () => {
    const { world, clock } = await createGreetingsWorld('2026-04-01T12:00:00+03:00')
    const anna = await member(world, ANNA)
    // 100 welcome points: 100 short of a free coffee (200), no nudge yet.
    await runReminders(world)
    expect(textsWith(anna.user, 'До награды')).toHaveLength(0)

    await correct(world, anna.id, 60)
    await runReminders(world)
    const message = await anna.user.waitFor('Анна, небольшое напоминание от Кофейня Зерно')
    expect(message.text).toContain('🎯 До награды «Кофе в подарок» осталось всего 40 баллов.')
    expect(message.text).toContain('«Настройки» → «Уведомления»')

    clock.advance(DAY_MS)
    await correct(world, anna.id, 19) // 179: still the same crossing, 21 points short
    await runReminders(world)
    clock.advance(DAY_MS)
    await runReminders(world)
    expect(textsWith(anna.user, 'До награды')).toHaveLength(1)

    // Spent below the window and back into it: a new crossing is worth a new nudge.
    clock.advance(DAY_MS)
    await correct(world, anna.id, -100)
    await runReminders(world)
    await correct(world, anna.id, 120)
    await runReminders(world)
    await anna.user.waitFor('остался всего 1 балл.')
    expect(textsWith(anna.user, 'До награды')).toHaveLength(2)
    expect(textsWith(anna.user, 'остался всего 1 балл.')).toHaveLength(1)
  })

  it('joins the other reminders of the day in one message', async () => {
    const { world, clock } = await createGreetingsWorld(
      '2026-04-01T12:00:00+03:00',
      'points:\n  expiryDays: 90\n  warningDays: 14\n',
    )
    const anna = await member(world, ANNA)
    await buy(world, anna.id) // 115 points, all expiring on 30 June

    clock.advance(80 * DAY_MS)
    await correct(world, anna.id, 50) // 165: 35 short of a free coffee
    await runReminders(world)
    const message = await anna.user.waitFor('Анна, несколько новостей от Кофейня Зерно')
    expect(message.text).toContain('⏳ 115 баллов сгорят 30 июня')
    expect(message.text).toContain('🎯 До награды «Кофе в подарок» осталось всего 35 баллов.')
    expect(message.text).toContain('👋 Мы скучаем!')
    expect(textsWith(anna.user, 'Кофейня Зерно')).toHaveLength(1)
  })

  it('speaks English, and is not sent to a customer who switched reminders off', async () => {
    const { world } = await createGreetingsWorld('2026-04-01T12:00:00+03:00')
    const john = await member(world, JOHN)
    const anna = await member(world, ANNA)
    await world.app.services.customers.setConsent(anna.id, 'reminders', false)
    await correct(world, john.id, 99)
    await correct(world, anna.id, 99)
    await runReminders(world)
    await john.user.waitFor('🎯 You are just 1 point from “A free coffee”.')
    expect(textsWith(anna.user, 'До награды')).toHaveLength(0)
    expect(await world.app.services.outbox.withTag(anna.id, 'near_points_reward')).toHaveLength(0)
  })
})
