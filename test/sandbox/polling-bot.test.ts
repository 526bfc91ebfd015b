import { Bot, InlineKeyboard } from 'grammy'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startFakeTelegram, type FakeTelegram } from '../../src/sandbox/fake-telegram/index.ts'
import { call, makeToken } from './helpers.ts'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('fake Telegram with a grammY bot on long polling', () => {
  let tg: FakeTelegram
  let bot: Bot
  let token: string
  let later: NodeJS.Timeout | undefined
  let pollingError: unknown
  let updates: number[]

  beforeEach(async () => {
    tg = await startFakeTelegram({ limits: { perChatBurst: 100, perChatPerSecond: 100 } })
    token = makeToken()
    bot = new Bot(token, { client: { apiRoot: tg.apiRoot } })
    updates = []
    bot.use((ctx, next) => {
      updates.push(ctx.update.update_id)
      return next()
    })
    bot.command('slow', async (ctx) => {
      await sleep(120)
      await ctx.reply('one')
      await sleep(60)
      await ctx.reply('two', { reply_markup: new InlineKeyboard().text('Go', 'go') })
    })
    bot.callbackQuery('go', async (ctx) => {
      await ctx.answerCallbackQuery({ text: 'going', show_alert: true })
      await ctx.editMessageReplyMarkup()
    })
    bot.command('remind', async (ctx) => {
      await ctx.reply('I will remind you')
      later = setTimeout(() => void bot.api.sendMessage(ctx.chat.id, 'Reminder!').catch(() => {}), 150)
    })
    bot.on('message:text', (ctx) => ctx.reply(`echo: ${ctx.message.text}`))
    pollingError = undefined
    await new Promise<void>((resolve) => {
      bot.start({ onStart: () => resolve(), timeout: 2 }).catch((e: unknown) => (pollingError = e))
    })
  })

  afterEach(async () => {
    clearTimeout(later)
    await bot.stop()
    await tg.stop()
  })

  it('resolves send() only after the handler finished, however long it awaits', async () => {
    const anna = tg.user({ id: 2001, first_name: 'Anna' })
    const mark = anna.mark()
    await anna.send('/slow')
    expect(anna.textsSince(mark)).toEqual(['one', 'two'])
    const messageIds = anna.messages().map((m) => m.message_id)
    expect(messageIds).toEqual([2, 3])
  })

  it('runs callback queries and removes a keyboard with editMessageReplyMarkup', async () => {
    const anna = tg.user({ id: 2002, first_name: 'Anna' })
    await anna.send('/slow')
    await anna.tap('Go')
    expect(anna.callbackAnswers()).toMatchObject([{ text: 'going', show_alert: true, data: 'go' }])
    expect(anna.buttons()).toEqual([])
    expect(anna.lastMessage()?.edited).toBe(true)
  })

  it('waits for messages that arrive later (scheduled work)', async () => {
    const anna = tg.user({ id: 2003, first_name: 'Anna' })
    await anna.send('/remind')
    expect(anna.lastText()).toBe('I will remind you')
    const reminder = await anna.waitFor('Reminder!', { timeoutMs: 2000 })
    expect(reminder.from_bot).toBe(true)
    await expect(anna.waitFor(/never/, { timeoutMs: 100 })).rejects.toThrow(/No bot message matching/)
  })

  it('keeps update ids and message ids increasing and dates in seconds', async () => {
    const anna = tg.user({ id: 2004, first_name: 'Anna' })
    await anna.send('a')
    await anna.send('b')
    const transcript = anna.transcript()
    expect(transcript.map((m) => m.message_id)).toEqual([1, 2, 3, 4])
    expect(transcript.map((m) => m.from_bot)).toEqual([false, true, false, true])
    expect(Math.abs(transcript[0]!.date - Date.now() / 1000)).toBeLessThan(5)
    expect(updates).toHaveLength(2)
    expect(updates[1]).toBeGreaterThan(updates[0]!)
  })

  it('answers 409 to a second concurrent getUpdates of the same bot', async () => {
    await sleep(20)
    const parallel = await call(tg, token, 'getUpdates', { timeout: 0 })
    expect(parallel.ok).toBe(true)
    await sleep(20)
    // grammY treats 409 as fatal: the first poller stops, as with a second bot instance.
    expect(pollingError).toMatchObject({
      error_code: 409,
      description:
        'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
    })
  })

  it('serves a duplicate (already confirmed) update again through getUpdates', async () => {
    const anna = tg.user({ id: 2005, first_name: 'Anna' })
    await anna.send('dup')
    const first = updates.at(-1)!
    const message = anna.transcript()[0]!
    await tg.deliverUpdate({
      update_id: first,
      message: {
        message_id: message.message_id,
        date: message.date,
        chat: { id: 2005, type: 'private', first_name: 'Anna' },
        from: { id: 2005, is_bot: false, first_name: 'Anna' },
        text: 'dup',
      },
    })
    expect(updates.filter((id) => id === first)).toHaveLength(2)
    expect(anna.texts()).toEqual(['echo: dup', 'echo: dup'])
    await anna.send('after')
    expect(anna.lastText()).toBe('echo: after')
  })

  it('shows the command menu resolved by scope and language', async () => {
    await bot.api.setMyCommands([{ command: 'start', description: 'Start' }])
    await bot.api.setMyCommands([{ command: 'start', description: 'Начать' }], { language_code: 'ru' })
    const adminOnly = { scope: { type: 'chat' as const, chat_id: 2007 } }
    await expect(
      bot.api.setMyCommands([{ command: 'admin', description: 'Admin' }], adminOnly),
    ).rejects.toMatchObject({
      description: 'Bad Request: chat not found',
    })
    const ru = tg.user({ id: 2006, first_name: 'Анна', language_code: 'ru' })
    const en = tg.user({ id: 2007, first_name: 'Olga', language_code: 'en' })
    await ru.start()
    await en.start()
    await bot.api.setMyCommands([{ command: 'admin', description: 'Admin' }], adminOnly)
    expect(ru.commands()).toEqual([{ command: 'start', description: 'Начать' }])
    expect(en.commands()).toEqual([{ command: 'admin', description: 'Admin' }])
    expect(await bot.api.getMyCommands({ language_code: 'ru' })).toEqual([
      { command: 'start', description: 'Начать' },
    ])
  })
})
