import { describe, expect, it } from 'vitest'
import { useInfrastructure } from '../support/world.ts'
import { createGreetingsWorld, member, runBirthdays, textsWith } from './greetings-support.ts'

useInfrastructure()

const ANNA = { id: 8501, first_name: 'Анна', language_code: 'ru' }

/** The bot's sendMessage calls to one chat, in order. */
function sendsTo(world: Awaited<ReturnType<typeof createGreetingsWorld>>['world'], chatId: number) {
  return world.tg.apiCalls().filter((call) => call.method === 'sendMessage' && call.params.chat_id === chatId)
}

describe('delivering greetings through Telegram', () => {
  it('a 429 is waited out (retry_after) and the greeting arrives once', async () => {
    const { world } = await createGreetingsWorld('2026-03-14T12:00:00+03:00')
    const anna = await member(world, ANNA, { day: 14, month: 3, year: null })
    const before = sendsTo(world, ANNA.id).length
    world.tg.failNext('sendMessage', {
      error_code: 429,
      description: 'Too Many Requests: retry after 1',
      retry_after: 1,
    })

    await runBirthdays(world)
    await anna.user.waitFor('Анна, с днём рождения!')
    expect(
      sendsTo(world, ANNA.id)
        .slice(before)
        .map((call) => call.ok),
    ).toEqual([false, true])
    expect(textsWith(anna.user, 'с днём рождения')).toHaveLength(1)
  })

  it('a send Telegram refuses is tried again ten minutes later, not dropped', async () => {
    const { world, clock } = await createGreetingsWorld('2026-03-14T12:00:00+03:00')
    const anna = await member(world, ANNA, { day: 14, month: 3, year: null })
    world.tg.failNext('sendMessage', { error_code: 400, description: 'Bad Request: try later' })

    await runBirthdays(world)
    expect(textsWith(anna.user, 'с днём рождения')).toHaveLength(0)
    const waiting = await world.app.services.outbox.find(`birthday:${anna.id}:2026`)
    expect(waiting).toMatchObject({ status: 'pending' })
    expect(waiting?.dueAt.getTime()).toBe(clock.now().getTime() + 10 * 60_000)

    clock.advance(10 * 60_000)
    await world.app.services.outbox.dispatchDue()
    await anna.user.waitFor('Анна, с днём рождения!')
    expect(await world.app.services.outbox.find(`birthday:${anna.id}:2026`)).toMatchObject({ status: 'sent' })
  })

  it('a 429 storm longer than the retry budget keeps the greeting queued, and it arrives once later', async () => {
    const { world, clock } = await createGreetingsWorld('2026-03-14T12:00:00+03:00')
    const anna = await member(world, ANNA, { day: 14, month: 3, year: null })
    const before = sendsTo(world, ANNA.id).length
    world.tg.failNext(
      'sendMessage',
      { error_code: 429, description: 'Too Many Requests: retry after 1', retry_after: 1 },
      7,
    )

    await runBirthdays(world)
    // Six attempts (the first and five retries), then the outbox keeps it for ten minutes later.
    expect(
      sendsTo(world, ANNA.id)
        .slice(before)
        .map((call) => call.status),
    ).toEqual([429, 429, 429, 429, 429, 429])
    expect(await world.app.services.outbox.find(`birthday:${anna.id}:2026`)).toMatchObject({
      status: 'pending',
    })

    clock.advance(10 * 60_000)
    await world.app.services.outbox.dispatchDue()
    await anna.user.waitFor('Анна, с днём рождения!')
    expect(textsWith(anna.user, 'с днём рождения')).toHaveLength(1)
    expect(await world.app.services.outbox.find(`birthday:${anna.id}:2026`)).toMatchObject({ status: 'sent' })
  })
})
