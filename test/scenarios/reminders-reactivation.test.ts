import { describe, expect, it } from 'vitest'
import { useInfrastructure } from '../support/world.ts'
import { buy, createGreetingsWorld, DAY_MS, member, runReminders, textsWith } from './greetings-support.ts'

useInfrastructure()

const ANNA = { id: 8301, first_name: 'Анна', language_code: 'ru' }
const JOHN = { id: 8302, first_name: 'John', language_code: 'en' }

describe('"we miss you" reminders', () => {
  it('a one-purchase customer is reminded after twice the default interval (60 days), not before, then after the cooldown', async () => {
    const { world, clock } = await createGreetingsWorld('2026-04-01T12:00:00+03:00')
    const anna = await member(world, ANNA)
    await buy(world, anna.id)

    clock.advance(59 * DAY_MS)
    await runReminders(world)
    expect(textsWith(anna.user, 'Мы скучаем')).toHaveLength(0)

    clock.advance(DAY_MS)
    await runReminders(world)
    const reminder = await anna.user.waitFor('Мы скучаем! Вас не было уже 60 дней')
    expect(reminder.text).toContain('Анна, небольшое напоминание от Кофейня Зерно')

    // Within the 30-day cooldown: nothing new, whatever the number of runs.
    for (const days of [1, 10, 29]) {
      clock.set(new Date(Date.parse('2026-05-31T12:00:00+03:00') + days * DAY_MS))
      await runReminders(world)
    }
    expect(textsWith(anna.user, 'Мы скучаем')).toHaveLength(1)

    clock.set(new Date(Date.parse('2026-05-31T12:00:00+03:00') + 30 * DAY_MS))
    await runReminders(world)
    await anna.user.waitFor('Вас не было уже 90 дней')
    expect(textsWith(anna.user, 'Мы скучаем')).toHaveLength(2)
  })

  it('a regular (every 10 days) is reminded after 21 days — the minimum — and a purchase resets it', async () => {
    const { world, clock } = await createGreetingsWorld('2026-04-01T12:00:00+03:00')
    const john = await member(world, JOHN)
    for (let visit = 0; visit < 3; visit += 1) {
      if (visit > 0) clock.advance(10 * DAY_MS)
      await buy(world, john.id)
    }

    clock.advance(20 * DAY_MS)
    await runReminders(world)
    expect(textsWith(john.user, 'We miss you')).toHaveLength(0)

    clock.advance(DAY_MS)
    await runReminders(world)
    await john.user.waitFor('We miss you! It has been 21 days since your last visit')

    // He comes back after 22 days: his usual gap is now 14 days, so the next reminder waits 28.
    clock.advance(DAY_MS)
    await buy(world, john.id)
    clock.advance(27 * DAY_MS)
    await runReminders(world)
    expect(textsWith(john.user, 'We miss you')).toHaveLength(1)
    clock.advance(DAY_MS)
    await runReminders(world)
    await john.user.waitFor('It has been 28 days since your last visit')
  })

  it('stops after the configured number of tries; a purchase starts the count again', async () => {
    const yaml = `
reactivation:
  maxTries: 1
  cooldownDays: 5
`
    const { world, clock } = await createGreetingsWorld('2026-04-01T12:00:00+03:00', yaml)
    const anna = await member(world, ANNA)
    await buy(world, anna.id)
    clock.advance(60 * DAY_MS)
    await runReminders(world)
    await anna.user.waitFor('Мы скучаем!')
    clock.advance(40 * DAY_MS)
    await runReminders(world)
    expect(textsWith(anna.user, 'Мы скучаем')).toHaveLength(1)

    // Her usual gap is now 100 days: reminded again after 200.
    await buy(world, anna.id)
    clock.advance(199 * DAY_MS)
    await runReminders(world)
    expect(textsWith(anna.user, 'Мы скучаем')).toHaveLength(1)
    clock.advance(DAY_MS)
    await runReminders(world)
    await anna.user.waitFor('Вас не было уже 200 дней')
    expect(textsWith(anna.user, 'Мы скучаем')).toHaveLength(2)
  })
})
