import { describe, expect, it } from 'vitest'
import { createOutboxRepository } from '../../src/db/outbox.ts'
import { createTestClock } from '../../src/domain/clock.ts'
import { createLogger } from '../../src/logger.ts'
import { createOutboxService } from '../../src/services/outbox.ts'
import { createWorld, useInfrastructure } from '../support/world.ts'
import { member } from './greetings-support.ts'

useInfrastructure()

const HOUR = 3_600_000

describe('the database failing between a send and its mark', () => {
  it('never sends a message twice when Telegram took it but the database missed the mark, and marks it once back', async () => {
    const clock = createTestClock('2026-03-02T12:00:00+03:00')
    const world = await createWorld({ clock, env: { LOG_LEVEL: 'silent' } })
    const anna = await member(world, { id: 9301, first_name: 'Анна', language_code: 'ru' })
    // The outbox of a worker whose database goes away right after each send (the marks fail).
    const repository = await createOutboxRepository(world.app.connection)
    let markFailures = 0
    let databaseAway = true
    const outbox = createOutboxService({
      outbox: {
        ...repository,
        markSent: async (...args) => {
          if (!databaseAway) return repository.markSent(...args)
          markFailures += 1
          throw new Error('connection closed')
        },
      },
      customers: world.app.services.customers,
      clock,
      program: world.config.program,
      i18n: world.app.i18n,
      sender: world.app.bot.api,
      logger: createLogger('silent'),
    })
    await outbox.enqueue({
      customerId: anna.id,
      category: 'transactional',
      key: 'thanks:1',
      payload: { parts: [{ key: 'greetings.birthday' }] },
    })
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
})
