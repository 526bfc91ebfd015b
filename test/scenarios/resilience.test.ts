import { describe, expect, it } from 'vitest'
import { createWorld, useInfrastructure } from '../support/world.ts'

useInfrastructure()

/** A Telegram update as Telegram would send it for a command typed by a user. */
function commandUpdate(updateId: number, userId: number, command: string) {
  const from = { id: userId, is_bot: false, first_name: 'Анна', language_code: 'ru' }
  return {
    update_id: updateId,
    message: {
      message_id: updateId,
      date: Math.floor(Date.now() / 1000),
      chat: { id: userId, type: 'private', first_name: 'Анна' },
      from,
      text: command,
      entities: [{ type: 'bot_command', offset: 0, length: command.length }],
    },
  }
}

describe('the same update delivered twice', () => {
  it('is answered once', async () => {
    const world = await createWorld()
    const anna = world.user({ id: 1201, first_name: 'Анна', language_code: 'ru' })
    await anna.send('/start')
    const before = anna.messages().length
    const update = commandUpdate(900_001, 1201, '/help')
    await world.tg.deliverUpdate(update)
    await world.tg.deliverUpdate(update)
    expect(anna.messages().length).toBe(before + 1)
    expect(anna.lastText()).toContain('Что умеет бот')
  })
})

describe('Telegram faults', () => {
  it('waits out a 429 with retry_after and then delivers the answer', async () => {
    const world = await createWorld()
    const anna = world.user({ id: 1301, first_name: 'Анна', language_code: 'ru' })
    world.tg.failNext('sendMessage', {
      error_code: 429,
      description: 'Too Many Requests: retry after 1',
      retry_after: 1,
    })
    await anna.send('/help')
    expect(anna.lastText()).toContain('Что умеет бот')
    const attempts = world.tg.apiCalls().filter((call) => call.method === 'sendMessage')
    expect(attempts.map((call) => call.ok)).toEqual([false, true])
  })

  it('waits out a 429 in the middle of a conversation and carries on with the same step', async () => {
    const world = await createWorld()
    const anna = world.user({ id: 1307, first_name: 'Анна', language_code: 'ru' })
    await anna.send('/start')
    world.tg.failNext('sendMessage', {
      error_code: 429,
      description: 'Too Many Requests: retry after 1',
      retry_after: 1,
    })
    await anna.tap('✅ Принимаю')
    expect(anna.lastText()).toContain('Как к вам обращаться?')
    await anna.send('Анна')
    expect(anna.lastText()).toContain('Поделитесь номером телефона')
  })

  it('retries a 5xx from the Bot API', async () => {
    const world = await createWorld()
    const anna = world.user({ id: 1302, first_name: 'Анна', language_code: 'ru' })
    world.tg.failNext('sendMessage', { error_code: 502, description: 'Bad Gateway' })
    await anna.send('/help')
    expect(anna.lastText()).toContain('Что умеет бот')
  })

  it('stays within a strict per-chat limit by retrying after 429s, losing no message', async () => {
    const world = await createWorld()
    const anna = world.user({ id: 1303, first_name: 'Анна', language_code: 'ru' })
    world.tg.setLimits({ perChatPerSecond: 2, perChatBurst: 1 })
    await anna.send('/help')
    await anna.send('/help')
    await anna.send('/help')
    expect(anna.messages().filter((message) => message.text?.includes('Что умеет бот'))).toHaveLength(3)
  })

  it('apologises in the user language when answering fails, and keeps serving', async () => {
    const world = await createWorld()
    const anna = world.user({ id: 1304, first_name: 'Анна', language_code: 'ru' })
    world.tg.failNext('sendMessage', { error_code: 400, description: 'Bad Request: simulated failure' })
    await anna.send('/help')
    expect(anna.lastText()).toBe('Ой, что-то пошло не так. Пожалуйста, попробуйте ещё раз через минуту.')
    await anna.send('/help')
    expect(anna.lastText()).toContain('Что умеет бот')
  })

  it('marks a member who blocks the bot unreachable, and reachable again after unblocking', async () => {
    const world = await createWorld()
    const anna = world.user({ id: 1308, first_name: 'Анна', language_code: 'ru' })
    await anna.send('/start')
    await anna.tap('✅ Принимаю')
    const { customers } = world.app.services
    expect((await customers.findByTelegramId(1308))?.reachable).toBe(true)
    await anna.block()
    expect((await customers.findByTelegramId(1308))?.reachable).toBe(false)
    await anna.unblock()
    expect((await customers.findByTelegramId(1308))?.reachable).toBe(true)
  })

  it('keeps serving others after a user blocks the bot', async () => {
    const world = await createWorld()
    const bob = world.user({ id: 1305, first_name: 'Bob', language_code: 'en' })
    const anna = world.user({ id: 1306, first_name: 'Анна', language_code: 'ru' })
    await bob.send('/start')
    await bob.block()
    await anna.send('/start')
    expect(anna.lastText()).toContain('Здравствуйте, Анна!')
  })
})

describe('update sources', () => {
  it('serves through long polling with the runner, as in production without a webhook', async () => {
    const world = await createWorld({ source: 'polling' })
    const anna = world.user({ id: 1401, first_name: 'Анна', language_code: 'ru' })
    await anna.send('/start')
    await anna.waitFor((message) => message.text?.includes('Здравствуйте, Анна!') ?? false)
    await anna.send('/help')
    await anna.waitFor((message) => message.text?.includes('Что умеет бот') ?? false)
  })

  it('rejects webhook requests without the secret token and reports health', async () => {
    const world = await createWorld()
    const url = world.app.httpUrl
    const forged = await fetch(`${url}/telegram`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(commandUpdate(1, 1501, '/start')),
    })
    expect(forged.status).toBe(401)
    const wrong = await fetch(`${url}/telegram`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-telegram-bot-api-secret-token': 'wrong-secret-0000000',
      },
      body: JSON.stringify(commandUpdate(2, 1501, '/start')),
    })
    expect(wrong.status).toBe(401)
    const health = await fetch(`${url}/healthz`)
    expect(health.status).toBe(200)
  })
})
