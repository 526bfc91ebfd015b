import { describe, expect, it } from 'vitest'
import { OUTBOX_DISPATCH_JOB } from '../../src/jobs/outbox-dispatch.ts'
import { useInfrastructure } from '../support/world.ts'
import { buy, createGreetingsWorld, DAY_MS, member, runReminders, textsWith } from './greetings-support.ts'

useInfrastructure()

const ANNA = { id: 8401, first_name: 'Анна', language_code: 'ru' }
const JOHN = { id: 8402, first_name: 'John', language_code: 'en' }

/** Points expire after 90 days with a 14-day warning; a stamp card of 6 (5 paid, the 6th free). */
const RULES = `
points:
  expiryDays: 90
  warningDays: 14
`

describe('reminders due the same day', () => {
  it('points expiring, one stamp to a free coffee and "we miss you" arrive as one message', async () => {
    const { world, clock } = await createGreetingsWorld('2026-04-01T12:00:00+03:00', RULES)
    const anna = await member(world, ANNA)
    await buy(world, anna.id)
    const { customers } = world.app.services
    const card = (await customers.get(anna.id))!.stampCard
    expect(await customers.replaceStampCard(anna.id, card, { stamps: 4, rewardsAvailable: 0 })).toBe(true)

    clock.advance(80 * DAY_MS)
    await runReminders(world)
    const message = await anna.user.waitFor('Анна, несколько новостей от Кофейня Зерно')
    expect(message.text).toContain('⏳ 115 баллов сгорят 30 июня')
    expect(message.text).toContain('☕ До награды «Кофе в подарок» остался 1 штамп')
    expect(message.text).toContain('👋 Мы скучаем! Вас не было уже 80 дней')
    expect(message.text).toContain('«Настройки» → «Уведомления»')
    const order = ['⏳', '☕', '👋'].map((mark) => message.text!.indexOf(mark))
    expect(order).toEqual([...order].sort((a, b) => a - b))

    // One message, not three; and the next day nothing is repeated.
    expect(textsWith(anna.user, 'Кофейня Зерно')).toHaveLength(1)
    clock.advance(DAY_MS)
    await runReminders(world)
    expect(anna.user.texts()).toHaveLength(2)
  })

  it('a join left unfinished is recalled once, the next day, in English too', async () => {
    // The record's creation time is the database's (real) time, so this world starts at it.
    const start = new Date()
    const { world, clock } = await createGreetingsWorld(start.toISOString())
    const john = world.user(JOHN)
    await john.start()
    const record = await world.app.services.customers.findByTelegramId(JOHN.id)
    expect(record?.joinedAt).toBeNull()

    clock.set(new Date(start.getTime() + DAY_MS - 60 * 60_000))
    await world.app.services.reminders.runReminders()
    expect(await world.app.services.outbox.withTag(record!.id, 'unfinished_join')).toHaveLength(0)

    // Noon in Moscow, the day after tomorrow (outside quiet hours whenever the test runs).
    const later = new Date(start.getTime() + 2 * DAY_MS)
    clock.set(new Date(Date.UTC(later.getUTCFullYear(), later.getUTCMonth(), later.getUTCDate(), 9)))
    await runReminders(world)
    await john.waitFor('You started joining the program but did not finish')
    clock.advance(3 * DAY_MS)
    await runReminders(world)
    expect(textsWith(john, 'did not finish')).toHaveLength(1)
  })
})

describe('the 30-day promotional cap', () => {
  it('holds the fourth promotional message in 30 days until the window has room, then sends it', async () => {
    const { world, clock } = await createGreetingsWorld('2026-04-01T12:00:00+03:00')
    const anna = await member(world, ANNA)
    const { outbox } = world.app.services
    const promote = (n: number) =>
      outbox.enqueue({
        customerId: anna.id,
        category: 'promotion',
        key: `test-promo:${n}`,
        payload: { parts: [{ key: 'greetings.holiday.generic', vars: { holiday: `акция ${n}` } }] },
      })

    for (const n of [1, 2, 3]) {
      await promote(n)
      await outbox.dispatchDue()
      await anna.user.waitFor(`акция ${n}`)
      clock.advance(5 * DAY_MS)
    }
    await promote(4)
    await outbox.dispatchDue()
    // Deferred, not dropped: it waits until the first one (1 April, 12:00) leaves the 30-day window.
    expect(await outbox.find('test-promo:4')).toMatchObject({
      status: 'pending',
      dueAt: new Date('2026-05-01T09:00:00.001Z'),
    })
    expect(textsWith(anna.user, 'акция 4')).toHaveLength(0)

    clock.set('2026-05-01T12:00:01+03:00')
    await outbox.dispatchDue()
    await anna.user.waitFor('акция 4')
    expect(textsWith(anna.user, 'акция 4')).toHaveLength(1)
  })

  it('holds back the messages over the cap even when they are all due in one run, and sends them in order', async () => {
    const { world } = await createGreetingsWorld('2026-04-01T12:00:00+03:00')
    // The test is the only dispatcher: the cap counts one customer's messages one after another.
    await world.app.scheduler.disable({ name: OUTBOX_DISPATCH_JOB })
    const anna = await member(world, ANNA)
    const john = await member(world, JOHN)
    const { outbox } = world.app.services
    const promote = (customerId: string, n: number) =>
      outbox.enqueue({
        customerId,
        category: 'promotion',
        key: `test-promo:${customerId}:${n}`,
        payload: { parts: [{ key: 'greetings.holiday.generic', vars: { holiday: `акция ${n}` } }] },
      })
    for (const n of [1, 2, 3, 4, 5]) await promote(anna.id, n)
    await promote(john.id, 1)

    expect(await outbox.dispatchDue()).toEqual({ sent: 4, deferred: 2, dropped: 0 })
    await anna.user.waitFor('акция 3')
    await john.user.waitFor('акция 1')
    expect(textsWith(anna.user, 'акция').map((text) => /акция (\d)/.exec(text)?.[1])).toEqual(['1', '2', '3'])
    for (const n of [4, 5]) {
      expect(await outbox.find(`test-promo:${anna.id}:${n}`)).toMatchObject({ status: 'pending' })
    }
  })
})
