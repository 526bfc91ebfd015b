import { describe, expect, it, vi } from 'vitest'
import type { FakeTelegram } from '../../src/sandbox/fake-telegram/index.ts'
import { createWorld, useInfrastructure } from '../support/world.ts'

useInfrastructure()

const HELP = 'Что умеет бот'

/** Short Bot API timeouts, so a hung request is given up within seconds (production: 60 s and 30 s). */
const SHORT_TIMEOUTS = { TELEGRAM_TIMEOUT_SECONDS: '3', TELEGRAM_POLL_SECONDS: '1' }

/** The bot's sendMessage calls to one chat carrying `text`, in order of arrival. */
function sendsOf(tg: FakeTelegram, chatId: number, text: string) {
  return tg
    .apiCalls()
    .filter(
      (call) =>
        call.method === 'sendMessage' &&
        call.params.chat_id === chatId &&
        String(call.params.text).includes(text),
    )
}

describe('Telegram faults on the answers the bot gives', () => {
  it('rides out a storm of 429s (retry_after each time) and answers once', async () => {
    const world = await createWorld()
    const anna = world.user({ id: 9101, first_name: 'Анна', language_code: 'ru' })
    world.tg.failNext(
      'sendMessage',
      { error_code: 429, description: 'Too Many Requests: retry after 1', retry_after: 1 },
      4,
    )
    await anna.send('/help')
    await anna.waitFor(HELP, { timeoutMs: 15_000 })
    expect(sendsOf(world.tg, 9101, HELP).map((call) => call.status)).toEqual([429, 429, 429, 429, 200])
    expect(anna.texts().filter((text) => text.includes(HELP))).toHaveLength(1)
  })

  it('retries two 5xx in a row and answers once', async () => {
    const world = await createWorld()
    const anna = world.user({ id: 9102, first_name: 'Анна', language_code: 'ru' })
    world.tg.failNext('sendMessage', { error_code: 502, description: 'Bad Gateway' }, 2)
    // The backoff (3 s, then 6 s) outlasts the user's wait for the update to be handled.
    await anna.send('/help').catch(() => undefined)
    await anna.waitFor(HELP, { timeoutMs: 20_000 })
    expect(sendsOf(world.tg, 9102, HELP).map((call) => call.status)).toEqual([502, 502, 200])
    expect(anna.texts().filter((text) => text.includes(HELP))).toHaveLength(1)
  })

  it('sends again after a dropped connection that Telegram never saw, and the answer arrives once', async () => {
    const world = await createWorld()
    const anna = world.user({ id: 9103, first_name: 'Анна', language_code: 'ru' })
    world.tg.disruptNext('sendMessage', { kind: 'reset', processed: false })
    await anna.send('/help')
    await anna.waitFor(HELP, { timeoutMs: 15_000 })
    expect(sendsOf(world.tg, 9103, HELP).map((call) => call.disrupted ?? call.status)).toEqual(['reset', 200])
    expect(anna.texts().filter((text) => text.includes(HELP))).toHaveLength(1)
  })

  it('an answer whose connection dropped after Telegram took it arrives twice: a direct answer is sent at least once', async () => {
    // Telegram has no idempotency key for sendMessage, so the bot cannot tell "lost before" from
    // "lost after". For an answer to what the user just did, a repeat is better than silence.
    const world = await createWorld()
    const anna = world.user({ id: 9104, first_name: 'Анна', language_code: 'ru' })
    world.tg.disruptNext('sendMessage', { kind: 'reset', processed: true })
    await anna.send('/help')
    await anna.waitFor((message) => (message.text?.includes(HELP) ?? false) && message.message_id > 2, {
      timeoutMs: 15_000,
    })
    expect(sendsOf(world.tg, 9104, HELP).map((call) => call.disrupted ?? call.status)).toEqual(['reset', 200])
    expect(anna.texts().filter((text) => text.includes(HELP))).toHaveLength(2)
  })

  it('gives up a send that hangs (Telegram never answers) after the request timeout and sends it again, once', async () => {
    const world = await createWorld({ env: SHORT_TIMEOUTS })
    const anna = world.user({ id: 9105, first_name: 'Анна', language_code: 'ru' })
    world.tg.disruptNext('sendMessage', { kind: 'hang', processed: false })
    // The timeout and the retry's backoff outlast the user's wait for the update to be handled.
    await anna.send('/help').catch(() => undefined)
    await anna.waitFor(HELP, { timeoutMs: 20_000 })
    expect(sendsOf(world.tg, 9105, HELP).map((call) => call.disrupted ?? call.status)).toEqual(['hang', 200])
    expect(anna.texts().filter((text) => text.includes(HELP))).toHaveLength(1)
    await anna.send('/balance')
    await anna.waitFor(/Баланс|\/start/)
  })
})

describe('Telegram faults on long polling', () => {
  it('recovers from getUpdates failing with 5xx and a dropped connection, and handles every update once', async () => {
    const world = await createWorld({ source: 'polling' })
    const anna = world.user({ id: 9201, first_name: 'Анна', language_code: 'ru' })
    await anna.send('/help')
    await anna.waitFor(HELP)

    // Telegram hands the next batch out but the answer is lost; then two 502s.
    world.tg.disruptNext('getUpdates', { kind: 'reset', processed: true })
    world.tg.failNext('getUpdates', { error_code: 502, description: 'Bad Gateway' }, 2)
    await anna.send('/balance').catch(() => undefined)
    await anna.send('/help').catch(() => undefined)
    await anna.waitFor(() => anna.texts().filter((text) => text.includes(HELP)).length === 2, {
      timeoutMs: 25_000,
    })
    const polls = world.tg.apiCalls().filter((call) => call.method === 'getUpdates')
    expect(polls.some((call) => call.disrupted === 'reset')).toBe(true)
    expect(polls.filter((call) => call.status === 502)).toHaveLength(2)
    // Each update answered once: one more /help answer and one answer to /balance.
    expect(anna.texts().filter((text) => text.includes(HELP))).toHaveLength(2)
    const answersAfter = anna.messages().filter((message) => message.from_bot).length
    expect(answersAfter).toBe(3)
  })

  it('abandons a long poll that hangs after Telegram handed updates out, fetches them again and handles each once', async () => {
    const world = await createWorld({ source: 'polling', env: SHORT_TIMEOUTS })
    const anna = world.user({ id: 9202, first_name: 'Анна', language_code: 'ru' })
    await anna.send('/help')
    await anna.waitFor(HELP)

    // A half-open connection: the next poll takes the updates, but its answer never comes. The
    // poll in flight now ends empty first, so the message goes to the hung one.
    const pollsBefore = world.tg.apiCalls().filter((call) => call.method === 'getUpdates').length
    world.tg.disruptNext('getUpdates', { kind: 'hang', processed: true })
    await vi.waitFor(
      () => {
        expect(world.tg.apiCalls().filter((call) => call.method === 'getUpdates').length).toBeGreaterThan(
          pollsBefore,
        )
      },
      { timeout: 10_000, interval: 20 },
    )
    await anna.send('/help').catch(() => undefined)
    await anna.waitFor(() => anna.texts().filter((text) => text.includes(HELP)).length === 2, {
      timeoutMs: 20_000,
    })
    const polls = world.tg.apiCalls().filter((call) => call.method === 'getUpdates')
    expect(polls.some((call) => call.disrupted === 'hang')).toBe(true)
    // The bot polls on after the hang: a later message is answered too, and nothing twice.
    await anna.send('/help').catch(() => undefined)
    await anna.waitFor(() => anna.texts().filter((text) => text.includes(HELP)).length === 3, {
      timeoutMs: 20_000,
    })
    expect(anna.messages().filter((message) => message.from_bot)).toHaveLength(3)
  })
})
