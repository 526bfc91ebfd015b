import { describe, expect, it } from 'vitest'
import { createOutboxRepository, type OutboxRepository } from '../../src/db/outbox.ts'
import { createTestClock, type TestClock } from '../../src/domain/clock.ts'
import { createLogger } from '../../src/logger.ts'
import type { FakeUser } from '../../src/sandbox/fake-telegram/index.ts'
import { createOutboxService, type OutboxService } from '../../src/services/outbox.ts'
import { createWorld, useInfrastructure, type World } from '../support/world.ts'
import { member } from './greetings-support.ts'

useInfrastructure()

const HOUR = 3_600_000

/** The outbox service of a worker of `world` over `repository` (a real one with faults injected). */
function outboxOver(world: World, clock: TestClock, repository: OutboxRepository): OutboxService {
  return createOutboxService({
    outbox: repository,
    customers: world.app.services.customers,
    clock,
    program: world.config.program,
    i18n: world.app.i18n,
    sender: world.app.bot.api,
    logger: createLogger('silent'),
  })
}

/** Queues the birthday greeting (it names the customer) under the key `thanks:1`. */
async function queueGreeting(outbox: OutboxService, customerId: string): Promise<void> {
  await outbox.enqueue({
    customerId,
    category: 'transactional',
    key: 'thanks:1',
    payload: { parts: [{ key: 'greetings.birthday' }] },
  })
}

/** The greetings the customer received. */
async function greetings(user: FakeUser): Promise<number> {
  await user.refresh()
  return user.messages().filter((message) => message.from_bot && message.text?.includes('Анна')).length
}

describe('the database failing between a send and its mark', () => {
  it('never sends a message twice when Telegram took it but the database missed the mark, and marks it once back', async () => {
    const clock = createTestClock('2026-03-02T12:00:00+03:00')
    const world = await createWorld({ clock, env: { LOG_LEVEL: 'silent' } })
    const anna = await member(world, { id: 9301, first_name: 'Анна', language_code: 'ru' })
    // The outbox of a worker whose database goes away right after each send (the marks fail).
    const repository = await createOutboxRepository(world.app.connection)
    let markFailures = 0
    let databaseAway = true
    const outbox = outboxOver(world, clock, {
      ...repository,
      markSent: async (...args) => {
        if (!databaseAway) return repository.markSent(...args)
        markFailures += 1
        throw new Error('connection closed')
      },
    })
    await queueGreeting(outbox, anna.id)
    await outbox.dispatchDue()
    await anna.user.waitFor('Анна')
    // Tried three times, then left mid-send rather than rescheduled as unsent.
    expect(markFailures).toBe(3)
    expect(await outbox.find('thanks:1')).toMatchObject({ status: 'sending' })
    // The database is back: the next run marks it sent, and sends nothing again.
    databaseAway = false
    clock.advance(2 * HOUR)
    await outbox.dispatchDue()
    expect(await outbox.find('thanks:1')).toMatchObject({ status: 'sent' })
    await anna.user.refresh()
    expect(
      anna.user.messages().filter((message) => message.from_bot && message.text?.includes('Анна')),
    ).toHaveLength(1)
  })

  it('sends once a message whose claim landed but whose answer was lost, and once when the driver repeated the claim', async () => {
    const clock = createTestClock('2026-03-02T12:00:00+03:00')
    const world = await createWorld({ clock, env: { LOG_LEVEL: 'silent' } })
    const anna = await member(world, { id: 9302, first_name: 'Анна', language_code: 'ru' })
    const repository = await createOutboxRepository(world.app.connection)
    // The first claim lands, then the connection drops before its answer.
    let answerLost = true
    const outbox = outboxOver(world, clock, {
      ...repository,
      claim: async (...args) => {
        const claimed = await repository.claim(...args)
        if (!answerLost) return claimed
        answerLost = false
        throw new Error('connection closed')
      },
    })
    await queueGreeting(outbox, anna.id)
    await expect(outbox.dispatchDue()).rejects.toThrow('connection closed')
    expect(await greetings(anna.user)).toBe(0)
    // The next run gives the claim back (nothing was sent under it) and sends the message.
    await outbox.dispatchDue()
    expect(await outbox.find('thanks:1')).toMatchObject({ status: 'sent' })
    expect(await greetings(anna.user)).toBe(1)

    // A claim the driver sends twice (a retryable write after a lost answer) still owns its message.
    const repeating = outboxOver(world, clock, {
      ...repository,
      claim: async (...args) => {
        await repository.claim(...args)
        return repository.claim(...args)
      },
    })
    await repeating.enqueue({
      customerId: anna.id,
      category: 'transactional',
      key: 'thanks:2',
      payload: { parts: [{ key: 'greetings.birthday' }] },
    })
    await repeating.dispatchDue()
    expect(await repeating.find('thanks:2')).toMatchObject({ status: 'sent' })
    expect(await greetings(anna.user)).toBe(2)
  })
})
