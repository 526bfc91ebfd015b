import { Bot, InlineKeyboard } from 'grammy'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectUser, startFakeTelegram, type FakeTelegram } from '../../src/sandbox/fake-telegram/index.ts'
import { makeToken, png, serveWebhook, type WebhookServer } from './helpers.ts'

interface ApiAnswer<T> {
  ok: boolean
  result: T
  error?: string
}

describe('user-side HTTP API, remote client and sandbox page', () => {
  let tg: FakeTelegram
  let hook: WebhookServer
  const starts: string[] = []

  const api = async <T>(path: string, body?: unknown): Promise<ApiAnswer<T>> => {
    const init: RequestInit =
      body === undefined
        ? {}
        : { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }
    return (await (await fetch(`${tg.url}/sandbox/api/${path}`, init)).json()) as ApiAnswer<T>
  }

  beforeAll(async () => {
    tg = await startFakeTelegram({
      serveSandboxPage: true,
      sandboxConfig: { ownerIds: [555] },
      limits: { perChatBurst: 100, perChatPerSecond: 100 },
    })
    const bot = new Bot(makeToken(), { client: { apiRoot: tg.apiRoot } })
    bot.command('start', (ctx) => {
      starts.push(ctx.match)
      return ctx.reply(`start:${ctx.match}`, { reply_markup: new InlineKeyboard().text('Ping', 'ping') })
    })
    bot.callbackQuery('ping', (ctx) => ctx.answerCallbackQuery({ text: 'pong' }))
    bot.on('message:photo', (ctx) => ctx.reply(`photo ${ctx.message.photo.at(-1)?.width}`))
    hook = await serveWebhook(bot)
  })

  afterAll(async () => {
    await hook.close()
    await tg.stop()
  })

  it('serves the page and its assets, and nothing outside the web folder', async () => {
    const page = await fetch(`${tg.url}/`)
    expect(page.headers.get('content-type')).toContain('text/html')
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'")
    expect(await page.text()).toContain('/sandbox/web/app.js')
    for (const asset of [
      'app.js',
      'chat-view.js',
      'render.js',
      'api.js',
      'ui.js',
      'styles.css',
      'chat.css',
    ]) {
      expect((await fetch(`${tg.url}/sandbox/web/${asset}`)).status, asset).toBe(200)
    }
    expect((await fetch(`${tg.url}/sandbox/web/..%2Ffake-telegram%2Findex.ts`)).status).toBe(404)
    const plain = await startFakeTelegram()
    expect((await fetch(`${plain.url}/`)).status).toBe(404)
    await plain.stop()
  })

  it('creates personas: owners take the configured owner ids first', async () => {
    const owner = await api<{ id: number; role: string }>('users', { first_name: 'Olga', role: 'owner' })
    expect(owner.result).toMatchObject({ id: 555, role: 'owner', first_name: 'Olga' })
    const second = await api<{ id: number }>('users', { first_name: 'Oleg', role: 'owner' })
    expect(second.result.id).not.toBe(555)
    const staff = await api<{ id: number }>('users', { first_name: 'Sam', role: 'staff' })
    expect(staff.result.id).toBeGreaterThan(0)
    expect((await api('users', { role: 'staff' })).error).toBe('first_name is required')
    const config = await api<{ ownerIds: number[]; botUsername: string; bots: { mode: string }[] }>('config')
    expect(config.result).toMatchObject({
      ownerIds: [555],
      botUsername: 'loyalty_sandbox_bot',
      bots: [{ mode: 'webhook' }],
    })
  })

  it('drives a chat remotely with connectUser: send, tap, deep links, photos', async () => {
    const sam = await connectUser(tg.url, { id: 720_000_777, first_name: 'Sam', role: 'staff' })
    await sam.start()
    expect(sam.lastText()).toBe('start:')
    const tap = await sam.tap('Ping')
    expect(tap).toMatchObject({ kind: 'callback', answer: { text: 'pong' } })
    expect(sam.callbackAnswers().map((a) => a.text)).toEqual(['pong'])

    await sam.openLink('https://t.me/loyalty_sandbox_bot?start=card_7')
    expect(sam.lastText()).toBe('start:card_7')
    await sam.openLink('tg://resolve?domain=loyalty_sandbox_bot&start=card_8')
    expect(sam.lastText()).toBe('start:card_8')
    // Telegram clients drop payloads outside [A-Za-z0-9_-]{1,64}; an open chat then just opens.
    expect(await sam.openLink('https://t.me/loyalty_sandbox_bot?start=not%20valid')).not.toHaveProperty(
      'message',
    )
    expect(starts).toEqual(['', 'card_7', 'card_8'])
    expect(await sam.openLink('https://t.me/other_bot?start=x')).toEqual({
      kind: 'url',
      url: 'https://t.me/other_bot?start=x',
    })

    await sam.sendPhoto(png(800, 600))
    expect(sam.lastText()).toBe('photo 800')
    const mine = sam.transcript().findLast((m) => !m.from_bot && m.photo)
    const bytes = await sam.download(mine!.photo!.at(-1)!.file_id)
    expect(bytes.equals(png(800, 600))).toBe(true)
  })

  it('answers errors as { ok: false, error } and streams changes as server-sent events', async () => {
    expect(await api('users/424242/send', { text: 'hi' })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/Unknown user/),
    })
    const res = await fetch(`${tg.url}/sandbox/api/events`)
    expect(res.headers.get('content-type')).toBe('text/event-stream')
    const reader = res.body!.getReader()
    await reader.read()
    await api('users', { id: 9090, first_name: 'Eve' })
    const chunk = new TextDecoder().decode((await reader.read()).value)
    expect(chunk).toMatch(/^data: \{"botId":0\}/)
    await reader.cancel()
    const calls = await api<{ method: string }[]>('calls')
    expect(calls.result.map((c) => c.method)).toContain('setWebhook')
  })
})
