import { describe, expect, it } from 'vitest'
import { birthdayKey } from '../../src/domain/ledger/keys.ts'
import { createOutboxRepository } from '../../src/db/outbox.ts'
import { createOutboxService } from '../../src/services/outbox.ts'
import { useInfrastructure, type World } from '../support/world.ts'
import { createGreetingsWorld, DAY_MS, member, runBirthdays, textsWith } from './greetings-support.ts'

useInfrastructure()

const ANNA = { id: 8101, first_name: 'Анна', language_code: 'ru' }
const JOHN = { id: 8102, first_name: 'John', language_code: 'en' }

async function birthdayEntries(world: World, customerId: string) {
  const entries = await world.app.services.ledgerEntries.allEntriesOf(customerId)
  return entries.filter((entry) => entry.kind === 'birthday')
}

describe('the birthday greeting', () => {
  it('greets by name on the day with a bonus that expires after its window, once, even after a restart', async () => {
    const { world, clock } = await createGreetingsWorld('2026-03-14T12:00:00+03:00')
    const anna = await member(world, ANNA, { day: 14, month: 3, year: 1990 })
    const before = (await world.app.services.ledger.balanceSummary(anna.id)).balance

    await runBirthdays(world)
    const greeting = await anna.user.waitFor('Анна, с днём рождения!')
    expect(greeting.text).toContain('200 бонусных баллов')
    expect(greeting.text).toContain('21 марта')
    expect(greeting.text).toContain('«Настройки» → «Уведомления»')
    const [bonus] = await birthdayEntries(world, anna.id)
    expect(bonus).toMatchObject({ delta: 200, idempotencyKey: birthdayKey(anna.id, 2026) })
    expect(bonus?.expiresAt?.getTime()).toBe(clock.now().getTime() + 7 * DAY_MS)

    await world.restart()
    await runBirthdays(world)
    clock.advance(3 * 60 * 60_000)
    await runBirthdays(world)
    expect(textsWith(anna.user, 'с днём рождения')).toHaveLength(1)
    expect(await birthdayEntries(world, anna.id)).toHaveLength(1)

    // Eight days later the unspent bonus is written off by an expiry entry.
    clock.advance(8 * DAY_MS)
    await world.app.services.ledger.expireDue()
    const entries = await world.app.services.ledgerEntries.allEntriesOf(anna.id)
    expect(entries.filter((entry) => entry.kind === 'expiry').map((entry) => entry.delta)).toEqual([-200])
    const { balance } = await world.app.services.ledger.balanceSummary(anna.id)
    expect(balance).toBe(before)
  })

  it('two runs at the same moment (two workers) greet and pay once', async () => {
    const { world } = await createGreetingsWorld('2026-03-14T12:00:00+03:00')
    const anna = await member(world, ANNA, { day: 14, month: 3, year: null })

    await Promise.all([runBirthdays(world), runBirthdays(world), runBirthdays(world)])
    await anna.user.waitFor('Анна, с днём рождения!')
    await Promise.all([runBirthdays(world), runBirthdays(world)])
    expect(textsWith(anna.user, 'с днём рождения')).toHaveLength(1)
    expect(await birthdayEntries(world, anna.id)).toHaveLength(1)
  })

  it('two workers dispatching the same outbox send the greeting once', async () => {
    const { world, clock } = await createGreetingsWorld('2026-03-14T12:00:00+03:00')
    const anna = await member(world, ANNA, { day: 14, month: 3, year: null })
    const { app, config } = world
    // A second worker: its own outbox service over the same database and the same bot.
    const second = createOutboxService({
      outbox: await createOutboxRepository(app.connection),
      customers: app.services.customers,
      clock,
      program: config.program,
      i18n: app.i18n,
      sender: app.bot.api,
      logger: { warn: () => undefined },
    })
    await app.services.greetings.runBirthdays()
    const reports = await Promise.all([app.services.outbox.dispatchDue(), second.dispatchDue()])
    await anna.user.waitFor('Анна, с днём рождения!')
    expect(reports.reduce((sum, report) => sum + report.sent, 0)).toBeLessThanOrEqual(1)
    expect(textsWith(anna.user, 'с днём рождения')).toHaveLength(1)
    expect(await app.services.outbox.find(`birthday:${anna.id}:2026`)).toMatchObject({ status: 'sent' })
  })

  it('with an early greeting configured, greets two days before the birthday and not on it', async () => {
    const yaml = `
birthday:
  earlyGreetingDays: 2
`
    const { world, clock } = await createGreetingsWorld('2026-03-12T12:00:00+03:00', yaml)
    const john = await member(world, JOHN, { day: 14, month: 3, year: null })
    await runBirthdays(world)
    const greeting = await john.user.waitFor('John, your birthday is coming')
    expect(greeting.text).toContain('200 bonus points')
    clock.advance(2 * DAY_MS)
    await runBirthdays(world)
    expect(textsWith(john.user, 'Happy birthday')).toHaveLength(0)
    expect(textsWith(john.user, 'your birthday is coming')).toHaveLength(1)
  })

  it('a birthday changed to a later day of the same year brings no second greeting or bonus', async () => {
    const { world, clock } = await createGreetingsWorld('2026-03-14T12:00:00+03:00')
    const anna = await member(world, ANNA, { day: 14, month: 3, year: null })
    await runBirthdays(world)
    await anna.user.waitFor('Анна, с днём рождения!')

    await world.app.services.customers.setBirthday(anna.id, { day: 20, month: 3, year: null }, clock.now())
    clock.advance(6 * DAY_MS)
    await runBirthdays(world)
    expect(textsWith(anna.user, 'с днём рождения')).toHaveLength(1)
    expect(await birthdayEntries(world, anna.id)).toHaveLength(1)
  })

  it('29 February is celebrated on 28 February in a common year, and not on 1 March', async () => {
    const { world, clock } = await createGreetingsWorld('2027-02-27T12:00:00+03:00')
    const john = await member(world, JOHN, { day: 29, month: 2, year: 2000 })

    await runBirthdays(world)
    expect(textsWith(john.user, 'Happy birthday')).toHaveLength(0)

    clock.advance(DAY_MS)
    await runBirthdays(world)
    const greeting = await john.user.waitFor('Happy birthday, John!')
    expect(greeting.text).toContain('200 bonus points')
    expect((await birthdayEntries(world, john.id))[0]?.idempotencyKey).toBe(birthdayKey(john.id, 2027))

    clock.advance(DAY_MS)
    await runBirthdays(world)
    expect(textsWith(john.user, 'Happy birthday')).toHaveLength(1)
  })

  it('during quiet hours the greeting waits for the morning instead of being dropped', async () => {
    const { world, clock } = await createGreetingsWorld('2026-03-14T07:00:00+03:00')
    const anna = await member(world, ANNA, { day: 14, month: 3, year: null })

    await runBirthdays(world)
    expect(textsWith(anna.user, 'с днём рождения')).toHaveLength(0)
    const queued = await world.app.services.outbox.find(`birthday:${anna.id}:2026`)
    expect(queued).toMatchObject({ status: 'pending' })
    expect(queued?.dueAt.toISOString()).toBe('2026-03-14T07:00:00.000Z')

    clock.set('2026-03-14T09:59:00+03:00')
    await world.app.services.outbox.dispatchDue()
    expect(textsWith(anna.user, 'с днём рождения')).toHaveLength(0)

    clock.set('2026-03-14T10:00:00+03:00')
    await world.app.services.outbox.dispatchDue()
    await anna.user.waitFor('Анна, с днём рождения!')
  })

  it('a customer who blocked the bot is marked unreachable by the 403 and gets nothing more', async () => {
    const { world, clock } = await createGreetingsWorld('2026-03-14T12:00:00+03:00')
    const anna = await member(world, ANNA, { day: 14, month: 3, year: null })
    await anna.user.block()
    // As if the bot had missed the "blocked" update (it was down): only Telegram's 403 tells.
    await world.app.services.customers.setReachable(anna.id, true)

    await runBirthdays(world)
    expect((await world.app.services.customers.get(anna.id))?.reachable).toBe(false)
    expect(await world.app.services.outbox.find(`birthday:${anna.id}:2026`)).toMatchObject({
      status: 'dropped',
      dropReason: 'unreachable',
    })

    // Nothing more is queued or tried for her: next year's birthday passes silently.
    clock.set('2027-03-14T12:00:00+03:00')
    await runBirthdays(world)
    expect(await world.app.services.outbox.find(`birthday:${anna.id}:2027`)).toBeNull()
    expect(textsWith(anna.user, 'с днём рождения')).toHaveLength(0)
  })
})
