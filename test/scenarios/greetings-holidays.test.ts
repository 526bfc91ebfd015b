import { describe, expect, it } from 'vitest'
import { useInfrastructure } from '../support/world.ts'
import { buy, createGreetingsWorld, member, runHolidays, textsWith } from './greetings-support.ts'

useInfrastructure()

const ANNA = { id: 8201, first_name: 'Анна', language_code: 'ru' }
const BORIS = { id: 8202, first_name: 'Борис', language_code: 'ru' }
const CLARA = { id: 8203, first_name: 'Clara', language_code: 'en' }

describe('holiday greetings', () => {
  it('greet on 8 March everyone but the customer who switched that holiday off in Settings', async () => {
    const { world } = await createGreetingsWorld('2026-03-08T12:00:00+03:00')
    const anna = await member(world, ANNA)
    const boris = await member(world, BORIS)
    const clara = await member(world, CLARA)

    await anna.user.send('/settings')
    await anna.user.tap('🔔 Уведомления')
    await anna.user.tap('✅ 🎉 Международный женский день')
    expect((await world.app.services.customers.get(anna.id))?.holidayOptOuts).toEqual(['womens-day'])

    await runHolidays(world)
    const greeting = await boris.user.waitFor('Борис, с 8 Марта!')
    expect(greeting.text).toContain('Кофейня Зерно')
    expect(greeting.text).toContain('«Настройки» → «Уведомления»')
    await clara.user.waitFor("Happy Women's Day, Clara!")
    expect(textsWith(anna.user, '8 Марта')).toHaveLength(0)

    await runHolidays(world)
    expect(textsWith(boris.user, '8 Марта')).toHaveLength(1)
  })

  it('a holiday greeting with a bonus grants it once, valid for its own window', async () => {
    const yaml = `
holidays:
  - id: new-year
    names: { ru: Новый год, en: New Year }
    date: { month: 1, day: 1 }
    bonusPoints: 50
    bonusValidDays: 10
`
    const { world } = await createGreetingsWorld('2027-01-01T12:00:00+03:00', yaml)
    const boris = await member(world, BORIS)

    await runHolidays(world)
    await runHolidays(world)
    const greeting = await boris.user.waitFor('Борис, с Новым годом!')
    expect(greeting.text).toContain('50 бонусных баллов')
    expect(greeting.text).toContain('11 января')
    const entries = await world.app.services.ledgerEntries.allEntriesOf(boris.id)
    expect(entries.filter((entry) => entry.kind === 'holiday').map((entry) => entry.delta)).toEqual([50])
  })

  it('a holiday for buyers of one tier greets only them', async () => {
    const yaml = `
holidays:
  - id: new-year
    names: { ru: Новый год, en: New Year }
    date: { month: 1, day: 1 }
    audience: { tiers: [bronze], minPurchases: 1 }
`
    const { world } = await createGreetingsWorld('2027-01-01T12:00:00+03:00', yaml)
    const anna = await member(world, ANNA)
    const boris = await member(world, BORIS)
    await buy(world, boris.id)

    await runHolidays(world)
    await boris.user.waitFor('Борис, с Новым годом!')
    expect(textsWith(anna.user, 'с Новым годом')).toHaveLength(0)
  })

  it('before Mother’s Day customers are asked once; a No suppresses the greeting, silence does not', async () => {
    // Mother's Day 2026 in Russia: the last Sunday of November, the 29th; asked three days before.
    const { world, clock } = await createGreetingsWorld('2026-11-26T12:00:00+03:00')
    const anna = await member(world, ANNA)
    const boris = await member(world, BORIS)
    const clara = await member(world, CLARA)

    await runHolidays(world)
    await anna.user.waitFor('Анна, скоро День матери.')
    expect(anna.user.inlineButtons()).toEqual(['Да, поздравьте', 'Нет, не надо'])
    await clara.user.waitFor("Clara, Mother's Day is coming.")
    await boris.user.waitFor('Борис, скоро День матери.')

    await anna.user.tap('Нет, не надо')
    expect(anna.user.lastText()).toContain('с этим праздником поздравлять не будем')
    await boris.user.tap('Да, поздравьте')
    const annaRecord = await world.app.services.customers.get(anna.id)
    expect(annaRecord?.holidayOptOuts).toContain('mothers-day')
    // A forged answer about a holiday that is not sensitive changes nothing.
    await clara.user.tapData('hask.1:new-year:n')
    expect(clara.user.callbackAnswers().at(-1)?.text).toBe('This button no longer works.')
    expect((await world.app.services.customers.get(clara.id))?.holidayOptOuts).toEqual([])

    // Asked once: the next days' runs do not ask again.
    clock.set('2026-11-27T12:00:00+03:00')
    await runHolidays(world)
    clock.set('2026-11-26T15:00:00+03:00')
    await runHolidays(world)
    // Anna's question was replaced by her answer; Clara, who did not answer, still has exactly one.
    expect(textsWith(anna.user, 'скоро День матери')).toHaveLength(0)
    expect(await world.app.services.outbox.withTag(anna.id, 'holiday-ask:mothers-day')).toHaveLength(1)
    expect(textsWith(clara.user, "Mother's Day is coming")).toHaveLength(1)

    clock.set('2026-11-29T12:00:00+03:00')
    await runHolidays(world)
    await boris.user.waitFor('Борис, с Днём матери!')
    await clara.user.waitFor("Happy Mother's Day, Clara!")
    expect(textsWith(anna.user, 'с Днём матери')).toHaveLength(0)
  })
})
