import { Bot, GrammyError, InlineKeyboard, Keyboard } from 'grammy'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startFakeTelegram, type FakeTelegram } from '../../src/sandbox/fake-telegram/index.ts'
import { makeToken, serveWebhook, type WebhookServer } from './helpers.ts'

/** A small bot exercising commands, inline and reply keyboards, contacts and chat member updates. */
function demoBot(tg: FakeTelegram, token: string, seen: string[]): Bot {
  const bot = new Bot(token, { client: { apiRoot: tg.apiRoot } })
  bot.command('start', (ctx) =>
    ctx.reply(`Hello, ${ctx.from?.first_name}! payload=${ctx.match || '-'}`, {
      reply_markup: new InlineKeyboard().text('Balance', 'balance').row().url('Site', 'https://example.com'),
    }),
  )
  bot.callbackQuery('balance', async (ctx) => {
    await ctx.answerCallbackQuery({ text: 'You have 10 points' })
    await ctx.editMessageText('Balance: <b>10</b>', {
      parse_mode: 'HTML',
      reply_markup: new InlineKeyboard().text('Back', 'back'),
    })
  })
  bot.on('callback_query:data', async (ctx) => {
    seen.push(`callback:${ctx.callbackQuery.data}`)
    await ctx.answerCallbackQuery()
  })
  bot.command('phone', (ctx) =>
    ctx.reply('Share your phone', {
      reply_markup: new Keyboard().requestContact('Send phone').resized().oneTime(),
    }),
  )
  bot.on('message:contact', (ctx) => {
    const whose = ctx.message.contact.user_id === ctx.from.id ? 'yours' : `of ${ctx.message.contact.user_id}`
    return ctx.reply(`Got ${ctx.message.contact.phone_number} (${whose})`, {
      reply_markup: { remove_keyboard: true },
    })
  })
  bot.on('my_chat_member', (ctx) => void seen.push(`member:${ctx.myChatMember.new_chat_member.status}`))
  bot.on('message:text', (ctx) => {
    seen.push(`text:${ctx.message.text}#${ctx.update.update_id}`)
    return ctx.reply(`echo: ${ctx.message.text}`)
  })
  return bot
}

describe('fake Telegram with a grammY bot on a webhook', () => {
  let tg: FakeTelegram
  let bot: Bot
  let hook: WebhookServer
  let seen: string[]
  const secret = 'hook_secret-123'

  beforeEach(async () => {
    tg = await startFakeTelegram({ limits: { perChatBurst: 100, perChatPerSecond: 100 }, webhookRetryMs: 20 })
    seen = []
    bot = demoBot(tg, makeToken(), seen)
    hook = await serveWebhook(bot, { secretToken: secret })
  })

  afterEach(async () => {
    await hook.close()
    await tg.stop()
  })

  it('delivers /start with its payload and the secret header, and the user reads the reply', async () => {
    const anna = tg.user({ id: 1001, first_name: 'Анна', language_code: 'ru' })
    const sent = await anna.send('/start card_42')
    expect(sent.text).toBe('/start card_42')
    expect(anna.lastText()).toBe('Hello, Анна! payload=card_42')
    expect(anna.buttons()).toEqual(['Balance', 'Site'])
    expect(hook.secrets).toEqual([secret])
    const update = tg.apiCalls().find((c) => c.method === 'sendMessage')
    expect(update?.params.chat_id).toBe(1001)
  })

  it('round-trips a callback query: answer shown to the user, message edited in place', async () => {
    const anna = tg.user({ id: 1002, first_name: 'Anna' })
    await anna.start()
    const before = anna.lastMessage()
    const tap = await anna.tap('Balance')
    expect(tap.kind).toBe('callback')
    expect(anna.callbackAnswers().map((a) => a.text)).toEqual(['You have 10 points'])
    const after = anna.lastMessage()
    expect(after?.message_id).toBe(before?.message_id)
    expect(after?.text).toBe('Balance: 10')
    expect(after?.entities).toEqual([{ type: 'bold', offset: 9, length: 2 }])
    expect(after?.edited).toBe(true)
    expect(after?.history[0]?.text).toBe('Hello, Anna! payload=-')
    expect(anna.buttons()).toEqual(['Back'])
    await anna.tapData('forged:data')
    expect(seen).toContain('callback:forged:data')
  })

  it('lists the available buttons when tapping a missing one', async () => {
    const anna = tg.user({ id: 1003, first_name: 'Anna' })
    await anna.start()
    await expect(anna.tap('Nope')).rejects.toThrow(/No button "Nope".*Balance.*Site/)
  })

  it('shares the own contact through a request_contact reply button, and someone else’s directly', async () => {
    const boris = tg.user({ id: 1004, first_name: 'Boris', phone_number: '+79990001122' })
    await boris.send('/phone')
    expect(boris.replyButtons()).toEqual(['Send phone'])
    const tap = await boris.tap('Send phone')
    expect(tap.kind).toBe('message')
    expect(boris.lastText()).toBe('Got +79990001122 (yours)')
    expect(boris.replyButtons()).toEqual([])
    await boris.shareContact({ phone_number: '+79990003344', user_id: 2002, first_name: 'Vera' })
    expect(boris.lastText()).toBe('Got +79990003344 (of 2002)')
  })

  it('blocks and unblocks: my_chat_member updates, and sending to a blocked user fails with 403', async () => {
    const anna = tg.user({ id: 1005, first_name: 'Anna' })
    await anna.start()
    await anna.block()
    expect(seen).toContain('member:kicked')
    const error = await bot.api.sendMessage(1005, 'still there?').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(GrammyError)
    expect((error as GrammyError).error_code).toBe(403)
    expect((error as GrammyError).description).toBe('Forbidden: bot was blocked by the user')
    await expect(anna.send('hi')).rejects.toThrow(/blocked the bot/)
    await anna.unblock()
    expect(seen).toContain('member:member')
    await anna.send('back')
    expect(anna.lastText()).toBe('echo: back')
  })

  it('redelivers an update after a non-2xx answer', async () => {
    const anna = tg.user({ id: 1006, first_name: 'Anna' })
    hook.failNext(1)
    await anna.send('first try fails')
    expect(anna.lastText()).toBeUndefined()
    await anna.waitFor('echo: first try fails', { timeoutMs: 2000 })
    expect(hook.secrets.length).toBe(2)
    const info = await bot.api.getWebhookInfo()
    expect(info.url).toBe(hook.url)
    expect(info.last_error_message).toBe('Wrong response from the webhook: 500 Internal Server Error')
  })

  it('delivers a duplicate update as is (deliverUpdate)', async () => {
    const anna = tg.user({ id: 1007, first_name: 'Anna' })
    await anna.send('once')
    const first = seen.find((s) => s.startsWith('text:once'))
    const updateId = Number(first?.split('#')[1])
    const message = {
      message_id: 1,
      date: 1,
      chat: { id: 1007, type: 'private', first_name: 'Anna' },
      text: 'once',
    }
    await tg.deliverUpdate({
      update_id: updateId,
      message: { ...message, from: { id: 1007, is_bot: false, first_name: 'Anna' } },
    })
    expect(seen.filter((s) => s === `text:once#${updateId}`)).toHaveLength(2)
  })

  it('refuses getUpdates while the webhook is set (409)', async () => {
    const error = await bot.api.getUpdates().catch((e: unknown) => e)
    expect((error as GrammyError).error_code).toBe(409)
    expect((error as GrammyError).description).toBe(
      "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
    )
  })

  it('executes a method carried in the webhook answer (webhook reply)', async () => {
    const replying = new Bot(makeToken(), {
      client: { apiRoot: tg.apiRoot, canUseWebhookReply: (method) => method === 'sendMessage' },
    })
    replying.on('message:text', (ctx) => ctx.reply(`via webhook reply: ${ctx.message.text}`))
    await replying.init()
    const server = await serveWebhook(replying)
    try {
      const user = tg.user({ id: 1008, first_name: 'Anna' }, { botId: replying.botInfo.id })
      await user.send('hi')
      expect(user.lastText()).toBe('via webhook reply: hi')
      const call = tg.apiCalls().findLast((c) => c.method === 'sendMessage')
      expect(call).toMatchObject({ botId: replying.botInfo.id, ok: true })
    } finally {
      await server.close()
    }
  })
})
