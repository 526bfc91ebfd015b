import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeTelegram, type FakeTelegram } from '../../src/sandbox/fake-telegram/index.ts'
import { call, makeToken } from './helpers.ts'
import { asRawBot, openChat } from './raw-bot.ts'

const ANNA = 3001

describe('Bot API strictness (raw HTTP)', () => {
  let tg: FakeTelegram
  let token: string
  const send = (params: Record<string, unknown>) =>
    call(tg, token, 'sendMessage', { chat_id: ANNA, ...params })

  beforeAll(async () => {
    tg = await startFakeTelegram({
      limits: { perChatBurst: 1000, perChatPerSecond: 1000, globalBurst: 1000 },
    })
    token = makeToken()
    await openChat(tg, token, tg.user({ id: ANNA, first_name: 'Anna' }))
  })

  afterAll(() => tg.stop())

  it('answers 401 to a malformed token, 404 to a non-token path and to unknown methods', async () => {
    expect(await call(tg, '123:short', 'getMe')).toEqual({
      status: 401,
      ok: false,
      error_code: 401,
      description: 'Unauthorized',
    })
    expect(await call(tg, 'not-a-token', 'getMe')).toMatchObject({ status: 404, description: 'Not Found' })
    expect(await call(tg, token, 'sendTelepathy')).toEqual({
      status: 404,
      ok: false,
      error_code: 404,
      description: 'Not Found',
    })
    expect((await call(tg, token, 'GETME')).ok).toBe(true)
  })

  it('accepts urlencoded and query-string parameters', async () => {
    const body = new URLSearchParams({ chat_id: String(ANNA), text: 'form' })
    const form = await fetch(`${tg.apiRoot}/bot${token}/sendMessage`, { method: 'POST', body })
    expect(((await form.json()) as { result: { text: string } }).result.text).toBe('form')
    const query = await fetch(`${tg.apiRoot}/bot${token}/sendMessage?chat_id=${ANNA}&text=query`)
    expect(((await query.json()) as { result: { text: string } }).result.text).toBe('query')
  })

  it('enforces text presence and the 4096 UTF-16 code unit limit after entity parsing', async () => {
    expect(await send({ text: '' })).toMatchObject({
      status: 400,
      description: 'Bad Request: message text is empty',
    })
    expect(await send({})).toMatchObject({ description: 'Bad Request: message text is empty' })
    expect(await send({ text: '   ' })).toMatchObject({ description: 'Bad Request: text must be non-empty' })
    expect((await send({ text: '😀'.repeat(2048) })).ok).toBe(true)
    expect(await send({ text: '😀'.repeat(2048) + 'x' })).toMatchObject({
      status: 400,
      description: 'Bad Request: message is too long',
    })
    expect((await send({ text: `<b>${'x'.repeat(4096)}</b>`, parse_mode: 'HTML' })).ok).toBe(true)
    expect(await send({ text: 'x'.repeat(4097) })).toMatchObject({
      description: 'Bad Request: message is too long',
    })
  })

  it('rejects invalid HTML with Telegram’s "can’t parse entities" descriptions', async () => {
    const html = (text: string) => send({ text, parse_mode: 'HTML' }).then((r) => r.description)
    expect(await html('<script>alert(1)</script>')).toBe(
      'Bad Request: can\'t parse entities: Unsupported start tag "script" at byte offset 0',
    )
    expect(await html('<b>unclosed')).toBe(
      'Bad Request: can\'t parse entities: Can\'t find end tag corresponding to start tag "b"',
    )
    expect(await html('<b><i>test</b></i>')).toBe(
      'Bad Request: can\'t parse entities: Unmatched end tag at byte offset 10, expected "</i>", found "</b>"',
    )
    expect(await html('Цена < 5')).toBe(
      'Bad Request: can\'t parse entities: Unsupported start tag "" at byte offset 9',
    )
    expect(await html('oops</b>')).toBe(
      "Bad Request: can't parse entities: Unexpected end tag at byte offset 4",
    )
    expect(await html('<span>x</span>')).toBe(
      'Bad Request: can\'t parse entities: Tag "span" must have class "tg-spoiler" at byte offset 0',
    )
    const ok = await send({ text: '&lt;b&gt; &amp; <a href="https://t.me/x">link</a>', parse_mode: 'HTML' })
    expect(ok.result).toMatchObject({
      text: '<b> & link',
      entities: [{ type: 'text_link', offset: 6, length: 4, url: 'https://t.me/x' }],
    })
    expect(await send({ text: 'x', parse_mode: 'HTML5' })).toMatchObject({
      description: 'Bad Request: unsupported parse_mode',
    })
    expect(await send({ text: 'hello.', parse_mode: 'MarkdownV2' })).toMatchObject({
      description:
        "Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'",
    })
  })

  it('validates keyboards: shapes, button fields and the 64-byte callback_data limit', async () => {
    const markup = (reply_markup: unknown) =>
      send({ text: 'k', reply_markup }).then((r) => r.description ?? 'ok')
    expect(await markup({ inline_keyboard: [[{ text: 'ok', callback_data: 'x'.repeat(64) }]] })).toBe('ok')
    expect(await markup({ inline_keyboard: [[{ text: 'ok', callback_data: 'ж'.repeat(33) }]] })).toBe(
      'Bad Request: BUTTON_DATA_INVALID',
    )
    expect(await markup({ inline_keyboard: 'bad' })).toBe(
      'Bad Request: field "inline_keyboard" must be of type Array',
    )
    expect(await markup({ inline_keyboard: [{ text: 'a', callback_data: 'a' }] })).toBe(
      'Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays',
    )
    expect(await markup({ inline_keyboard: [[{ callback_data: 'x' }]] })).toBe(
      'Bad Request: can\'t parse inline keyboard button: Can\'t find field "text"',
    )
    expect(await markup({ inline_keyboard: [[{ text: 'plain' }]] })).toBe(
      "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard",
    )
    expect(
      await markup({ inline_keyboard: [[{ text: 'two', callback_data: 'a', url: 'https://a.io' }]] }),
    ).toMatch(/^Bad Request: can't parse inline keyboard button: exactly one of the optional fields/)
    expect(await markup({ inline_keyboard: [[{ text: 'link', url: 'not-a-url' }]] })).toBe(
      "Bad Request: inline keyboard button URL 'not-a-url' is invalid: Wrong HTTP URL",
    )
    expect(await markup({ keyboard: [[{}]] })).toBe(
      'Bad Request: can\'t parse keyboard button: Can\'t find field "text"',
    )
    expect(await markup({ keyboard: 'bad' })).toBe('Bad Request: field "keyboard" must be of type Array')
    expect(await markup('{not json')).toBe("Bad Request: can't parse reply keyboard markup JSON object")
    expect(
      await markup({ keyboard: [['A', { text: 'B', request_contact: true }]], resize_keyboard: true }),
    ).toBe('ok')
  })

  it('answers "chat not found" for chats that never started the bot, "chat_id is empty" without one', async () => {
    expect(await call(tg, token, 'sendMessage', { chat_id: 999_999, text: 'hi' })).toMatchObject({
      status: 400,
      description: 'Bad Request: chat not found',
    })
    expect(await call(tg, token, 'sendMessage', { chat_id: '@anna', text: 'hi' })).toMatchObject({
      description: 'Bad Request: chat not found',
    })
    expect(await call(tg, token, 'sendMessage', { text: 'hi' })).toMatchObject({
      description: 'Bad Request: chat_id is empty',
    })
    expect(await send({ text: 'r', reply_parameters: { message_id: 9999 } })).toMatchObject({
      description: 'Bad Request: message to be replied not found',
    })
  })

  it('refuses no-op edits and edits/deletes of missing messages', async () => {
    const sent = await send({
      text: 'same',
      reply_markup: { inline_keyboard: [[{ text: 'a', callback_data: 'a' }]] },
    })
    const id = (sent.result as { message_id: number }).message_id
    const edit = (params: Record<string, unknown>) =>
      call(tg, token, 'editMessageText', { chat_id: ANNA, ...params })
    const keyboard = { inline_keyboard: [[{ text: 'a', callback_data: 'a' }]] }
    expect(await edit({ message_id: id, text: 'same', reply_markup: keyboard })).toMatchObject({
      description:
        'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
    })
    const dropped = await edit({ message_id: id, text: 'same' })
    expect(dropped.result).not.toHaveProperty('reply_markup')
    expect(await edit({ message_id: 424242, text: 'x' })).toMatchObject({
      description: 'Bad Request: message to edit not found',
    })
    expect((await call(tg, token, 'deleteMessage', { chat_id: ANNA, message_id: id })).result).toBe(true)
    expect(await call(tg, token, 'deleteMessage', { chat_id: ANNA, message_id: id })).toMatchObject({
      description: 'Bad Request: message to delete not found',
    })
    expect(await edit({ message_id: 1, text: 'edit the user' })).toMatchObject({
      description: "Bad Request: message can't be edited",
    })
  })

  it('answers callback queries once, and refuses unknown ones', async () => {
    expect(await call(tg, token, 'answerCallbackQuery', { callback_query_id: '123' })).toMatchObject({
      description: 'Bad Request: query is too old and response timeout expired or query ID is invalid',
    })
    const anna = tg.user({ id: ANNA, first_name: 'Anna' })
    await send({ text: 'pick', reply_markup: { inline_keyboard: [[{ text: 'A', callback_data: 'a' }]] } })
    const pending = anna.tap('A')
    type QueryUpdate = {
      update_id: number
      callback_query: { id: string; data: string; message: { text: string } }
    }
    const updates = (await call(tg, token, 'getUpdates', { timeout: 2 })).result as QueryUpdate[]
    const query = updates.at(-1)!.callback_query
    expect(query).toMatchObject({ data: 'a', message: { text: 'pick' } })
    expect(
      (await call(tg, token, 'answerCallbackQuery', { callback_query_id: query.id, text: 'ok' })).ok,
    ).toBe(true)
    expect((await call(tg, token, 'answerCallbackQuery', { callback_query_id: query.id })).ok).toBe(false)
    await call(tg, token, 'getUpdates', {
      offset: updates.at(-1)!.update_id + 1,
    })
    expect(await pending).toMatchObject({ kind: 'callback', answer: { text: 'ok' } })
  })

  it('stores commands per scope and language and validates them', async () => {
    const commands = [{ command: 'start', description: 'Начать' }]
    const scope = { type: 'all_private_chats' }
    expect((await call(tg, token, 'setMyCommands', { commands, scope, language_code: 'ru' })).result).toBe(
      true,
    )
    expect((await call(tg, token, 'getMyCommands', { scope, language_code: 'ru' })).result).toEqual(commands)
    expect((await call(tg, token, 'getMyCommands', {})).result).toEqual([])
    expect(
      await call(tg, token, 'setMyCommands', { commands: [{ command: 'Start', description: 'x' }] }),
    ).toMatchObject({
      description: 'Bad Request: BOT_COMMAND_INVALID',
    })
    expect(await call(tg, token, 'sendChatAction', { chat_id: ANNA, action: 'dancing' })).toMatchObject({
      description: 'Bad Request: wrong parameter action in request',
    })
  })

  it('injects failures with failNext', async () => {
    tg.failNext('sendMessage', { error_code: 502, description: 'Bad Gateway' })
    expect(await send({ text: 'x' })).toEqual({
      status: 502,
      ok: false,
      error_code: 502,
      description: 'Bad Gateway',
    })
    expect((await send({ text: 'x' })).ok).toBe(true)
  })

  it('lets the user finish actions only when the raw bot confirmed the update', async () => {
    const vera = tg.user({ id: 3002, first_name: 'Vera' })
    const message = await asRawBot(tg, token, () => vera.send('/start ref_7'))
    expect(message).toMatchObject({ text: '/start ref_7', from_bot: false })
  })
})

describe('flood control', () => {
  it('answers 429 with retry_after per chat and overall, then accepts after waiting', async () => {
    const tg = await startFakeTelegram({
      limits: { perChatPerSecond: 1, perChatBurst: 1, globalBurst: 2, globalPerSecond: 1 },
    })
    try {
      const token = makeToken()
      await openChat(tg, token, tg.user({ id: 1, first_name: 'A' }))
      await asRawBot(tg, token, () => tg.user({ id: 2, first_name: 'B' }).start())
      await asRawBot(tg, token, () => tg.user({ id: 3, first_name: 'C' }).start())
      const to = (chat_id: number) => call(tg, token, 'sendMessage', { chat_id, text: 'x' })
      expect((await to(1)).ok).toBe(true)
      const limited = await to(1)
      expect(limited).toEqual({
        status: 429,
        ok: false,
        error_code: 429,
        description: 'Too Many Requests: retry after 1',
        parameters: { retry_after: 1 },
      })
      expect((await to(2)).ok).toBe(true)
      expect((await to(3)).status).toBe(429)
      await new Promise((resolve) => setTimeout(resolve, (limited.parameters?.retry_after ?? 1) * 1000 + 50))
      expect((await to(1)).ok).toBe(true)
      tg.setLimits({ perChatBurst: 5, globalBurst: 50, globalPerSecond: 50 })
      expect((await to(1)).ok).toBe(true)
      expect((await to(1)).ok).toBe(true)
    } finally {
      await tg.stop()
    }
  })
})

describe('callback query lifetime', () => {
  it('refuses answers after the query expired', async () => {
    const tg = await startFakeTelegram({ callbackQueryTtlMs: 40 })
    try {
      const token = makeToken()
      const anna = tg.user({ id: 5, first_name: 'Anna' })
      await openChat(tg, token, anna)
      const keyboard = { inline_keyboard: [[{ text: 'A', callback_data: 'a' }]] }
      await call(tg, token, 'sendMessage', { chat_id: 5, text: 'pick', reply_markup: keyboard })
      const pending = anna.tap('A')
      const updates = (await call(tg, token, 'getUpdates', { timeout: 2 })).result as {
        update_id: number
        callback_query: { id: string }
      }[]
      await new Promise((resolve) => setTimeout(resolve, 80))
      const late = await call(tg, token, 'answerCallbackQuery', {
        callback_query_id: updates[0]!.callback_query.id,
      })
      expect(late).toMatchObject({
        status: 400,
        description: 'Bad Request: query is too old and response timeout expired or query ID is invalid',
      })
      await call(tg, token, 'getUpdates', { offset: updates[0]!.update_id + 1 })
      expect(await pending).toEqual({ kind: 'callback', callback_query_id: updates[0]!.callback_query.id })
    } finally {
      await tg.stop()
    }
  })
})

describe('getUpdates parameters', () => {
  it('honours allowed_updates, limit and offset confirmation', async () => {
    const tg = await startFakeTelegram()
    try {
      const token = makeToken()
      const anna = tg.user({ id: 6, first_name: 'Anna' })
      await openChat(tg, token, anna)
      const two = Promise.all([anna.send('one'), anna.send('two')])
      await new Promise((resolve) => setTimeout(resolve, 20))
      const first = await call(tg, token, 'getUpdates', { limit: 1 })
      const [update] = first.result as { update_id: number; message: { text: string } }[]
      expect(update?.message.text).toBe('one')
      const rest = (await call(tg, token, 'getUpdates', { offset: update!.update_id + 1 }))
        .result as unknown[]
      expect(rest).toHaveLength(1)
      await call(tg, token, 'getUpdates', { offset: update!.update_id + 2 })
      await two
      // With only callback queries allowed, text messages are not even queued.
      await call(tg, token, 'getUpdates', { allowed_updates: ['callback_query'] })
      await anna.send('ignored')
      expect((await call(tg, token, 'getUpdates', {})).result).toEqual([])
    } finally {
      await tg.stop()
    }
  })
})
