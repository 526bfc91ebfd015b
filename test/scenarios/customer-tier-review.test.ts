import { describe, expect, it } from 'vitest'
import { TIER_REVIEW_JOB } from '../../src/jobs/tier-review.ts'
import { useInfrastructure } from '../support/world.ts'
import { buy, createGreetingsWorld, member, textsWith } from './greetings-support.ts'

useInfrastructure()

const ANNA = { id: 8801, first_name: 'Анна', language_code: 'ru' }
const JOHN = { id: 8802, first_name: 'John', language_code: 'en' }

/** Silver from 1 000 ₽, gold from 3 000 ₽ spent in the last 30 days; reviewed at each month's end. */
const TIERS_YAML = `
tiers:
  - { id: bronze, names: { ru: Бронза, en: Bronze }, threshold: 0, earnRateBp: 300 }
  - { id: silver, names: { ru: Серебро, en: Silver }, threshold: 1000, earnRateBp: 500 }
  - { id: gold, names: { ru: Золото, en: Gold }, threshold: 3000, earnRateBp: 700 }
tierWindow: { kind: rolling, days: 30, reviewEvery: month }
`

async function tierOf(world: Awaited<ReturnType<typeof createGreetingsWorld>>['world'], customerId: string) {
  return (await world.app.services.customers.get(customerId))?.tierId
}

describe('tier review: a downgrade only at the end of a period', () => {
  it('keeps a status all month, lowers it at the month boundary, tells the customer once in the morning', async () => {
    const { world, clock } = await createGreetingsWorld('2026-10-10T12:00:00+03:00', TIERS_YAML)
    const anna = await member(world, ANNA)
    const john = await member(world, JOHN)
    await buy(world, anna.id, 1200)
    await buy(world, john.id, 3500)
    expect(await tierOf(world, anna.id)).toBe('silver')
    expect(await tierOf(world, john.id)).toBe('gold')

    // 15 November: Anna's October purchase left the 30-day window, but the period is not over.
    clock.set(new Date('2026-11-15T12:00:00+03:00'))
    await buy(world, john.id, 3000)
    expect(await world.app.services.tierReview.runReview()).toEqual({ downgraded: 0 })
    expect(await tierOf(world, anna.id)).toBe('silver')

    // Half past midnight on 1 December: November is over. Anna spent nothing in it, John 3 000 ₽.
    clock.set(new Date('2026-12-01T00:30:00+03:00'))
    const [first, second] = await Promise.all([
      world.app.services.tierReview.runReview(),
      world.app.services.tierReview.runReview(),
    ])
    expect(first.downgraded + second.downgraded).toBe(1)
    expect(await world.app.services.tierReview.runReview()).toEqual({ downgraded: 0 })
    expect(await tierOf(world, anna.id)).toBe('bronze')
    expect(await tierOf(world, john.id)).toBe('gold')

    // Not at night: the notice waits for the end of quiet hours (10:00).
    await world.app.services.outbox.dispatchDue()
    expect(textsWith(anna.user, 'статус изменился')).toHaveLength(0)
    clock.set(new Date('2026-12-01T10:00:00+03:00'))
    await world.app.services.outbox.dispatchDue()
    const notice = await anna.user.waitFor('статус изменился')
    expect(notice.text).toContain('Анна, ваш статус изменился: теперь у вас «Бронза» (был «Серебро»)')
    expect(notice.text).toContain(
      'Чтобы вернуть статус «Серебро», достаточно покупок ещё на 1\u00a0000\u00a0₽',
    )
    await world.app.services.tierReview.runReview()
    await world.app.services.outbox.dispatchDue()
    expect(textsWith(anna.user, 'статус изменился')).toHaveLength(1)
    expect(textsWith(john.user, 'status has changed')).toHaveLength(0)

    // Her balance screen shows the new status.
    await anna.user.send('/balance')
    expect((await anna.user.waitFor('Статус:')).text).toContain('Статус: Бронза')
  })

  it('spares a status reached again after the boundary, and one upgraded after it', async () => {
    const { world, clock } = await createGreetingsWorld('2026-10-05T12:00:00+03:00', TIERS_YAML)
    const anna = await member(world, ANNA)
    const john = await member(world, JOHN)
    await buy(world, anna.id, 1500)

    // 1 December, before the review ran: Anna buys again (enough for silver on its own), John
    // reaches silver for the first time.
    clock.set(new Date('2026-12-01T09:00:00+03:00'))
    await buy(world, anna.id, 1000)
    await buy(world, john.id, 1100)
    clock.set(new Date('2026-12-01T11:00:00+03:00'))
    expect(await world.app.services.tierReview.runReview()).toEqual({ downgraded: 0 })
    expect(await tierOf(world, anna.id)).toBe('silver')
    expect(await tierOf(world, john.id)).toBe('silver')
  })

  it('runs as a scheduled job', async () => {
    const { world } = await createGreetingsWorld('2026-10-05T12:00:00+03:00', TIERS_YAML)
    const job = await world.app.connection.db
      ?.collection<{ name: string; repeatInterval?: string }>('jobs')
      .findOne({ name: TIER_REVIEW_JOB, type: 'single' })
    expect(job?.repeatInterval).toBe('1 hour')
  })
})
