import type { GrammyError } from 'grammy'
import { Bot, InputFile } from 'grammy'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeTelegram, type FakeTelegram } from '../../src/sandbox/fake-telegram/index.ts'
import { call, makeToken, png, serveWebhook, type WebhookServer } from './helpers.ts'

describe('files: uploads, file_id reuse, getFile and downloads', () => {
  let tg: FakeTelegram
  let bot: Bot
  let hook: WebhookServer
  let token: string
  const received: { fileId: string; bytes: Buffer }[] = []

  beforeAll(async () => {
    tg = await startFakeTelegram({ limits: { perChatBurst: 100, perChatPerSecond: 100 } })
    token = makeToken()
    bot = new Bot(token, { client: { apiRoot: tg.apiRoot } })
    bot.command('start', (ctx) => ctx.reply('hi'))
    bot.on('message:photo', async (ctx) => {
      const largest = ctx.message.photo.at(-1)!
      const file = await ctx.api.getFile(largest.file_id)
      const res = await fetch(`${tg.apiRoot}/file/bot${token}/${file.file_path}`)
      received.push({ fileId: largest.file_id, bytes: Buffer.from(await res.arrayBuffer()) })
      await ctx.replyWithPhoto(largest.file_id, { caption: `got ${ctx.message.caption ?? 'a photo'}` })
    })
    hook = await serveWebhook(bot)
    await tg.user({ id: 4001, first_name: 'Anna' }).start()
  })

  afterAll(async () => {
    await hook.close()
    await tg.stop()
  })

  it('uploads a photo as multipart, reuses its file_id and serves it via getFile', async () => {
    const image = png(640, 480)
    const sent = await bot.api.sendPhoto(4001, new InputFile(image, 'card.png'), {
      caption: '<b>Card</b>',
      parse_mode: 'HTML',
    })
    expect(sent.photo.map((p) => [p.width, p.height])).toEqual([
      [320, 240],
      [640, 480],
    ])
    expect(sent.caption).toBe('Card')
    expect(sent.caption_entities).toEqual([{ type: 'bold', offset: 0, length: 4 }])
    const upload = tg.apiCalls().findLast((c) => c.method === 'sendPhoto')
    expect(upload?.files).toHaveLength(1)
    expect(String(upload?.params.photo)).toMatch(/^attach:\/\//)

    const largest = sent.photo.at(-1)!
    const again = await bot.api.sendPhoto(4001, largest.file_id)
    expect(again.photo.at(-1)?.file_unique_id).toBe(largest.file_unique_id)

    const file = await bot.api.getFile(largest.file_id)
    expect(file.file_path).toMatch(/^photos\/file_\d+\.png$/)
    const res = await fetch(`${tg.apiRoot}/file/bot${token}/${file.file_path}`)
    expect(Buffer.from(await res.arrayBuffer()).equals(image)).toBe(true)

    const anna = tg.user({ id: 4001, first_name: 'Anna' })
    expect((await anna.lastPhoto()).equals(image)).toBe(true)
  })

  it('keeps documents apart from photos and refuses bad input like Telegram', async () => {
    const doc = await bot.api.sendDocument(4001, new InputFile(Buffer.from('a,b\n1,2\n'), 'report.csv'))
    expect(doc.document).toMatchObject({ file_name: 'report.csv', mime_type: 'text/csv', file_size: 8 })
    const mismatch = await bot.api.sendPhoto(4001, doc.document.file_id).catch((e: GrammyError) => e)
    expect(mismatch).toMatchObject({ description: "Bad Request: can't use file of type Document as Photo" })
    const notImage = await bot.api
      .sendPhoto(4001, new InputFile(Buffer.from('not an image')))
      .catch((e: GrammyError) => e)
    expect(notImage).toMatchObject({ error_code: 400, description: 'Bad Request: IMAGE_PROCESS_FAILED' })
    expect(await call(tg, token, 'sendPhoto', { chat_id: 4001, photo: 'AgACnope' })).toMatchObject({
      description: 'Bad Request: wrong file identifier/HTTP URL specified',
    })
    expect(await call(tg, token, 'sendPhoto', { chat_id: 4001 })).toMatchObject({
      description: 'Bad Request: there is no photo in the request',
    })
    expect(await call(tg, token, 'getFile', { file_id: 'nope' })).toMatchObject({
      description: 'Bad Request: invalid file_id',
    })
    expect((await fetch(`${tg.apiRoot}/file/bot${token}/photos/missing.png`)).status).toBe(404)
  })

  it('enforces the 1024-character caption limit', async () => {
    const ok = await bot.api.sendPhoto(4001, new InputFile(png()), { caption: 'c'.repeat(1024) })
    expect(ok.caption).toHaveLength(1024)
    const long = await bot.api
      .sendPhoto(4001, new InputFile(png()), { caption: 'c'.repeat(1025) })
      .catch((e) => e)
    expect(long).toMatchObject({ description: 'Bad Request: message caption is too long' })
  })

  it('lets a user send a photo that the bot downloads and sends back by file_id', async () => {
    const boris = tg.user({ id: 4002, first_name: 'Boris' })
    const image = png(100, 50)
    const mine = await boris.sendPhoto(image, { caption: 'receipt' })
    expect(mine.photo?.at(-1)).toMatchObject({ width: 100, height: 50 })
    expect(received.at(-1)?.bytes.equals(image)).toBe(true)
    expect(boris.lastText()).toBe('got receipt')
    expect((await boris.lastPhoto()).equals(image)).toBe(true)
  })

  it('sends media groups and copies messages', async () => {
    type AlbumItem = { message_id: number; media_group_id?: string; photo?: unknown }
    const album: AlbumItem[] = await bot.api.sendMediaGroup(4001, [
      { type: 'photo', media: new InputFile(png(10, 10)), caption: 'first' },
      { type: 'photo', media: new InputFile(png(20, 10)) },
    ])
    expect(album).toHaveLength(2)
    expect(album[0]!.media_group_id).toBeDefined()
    expect(album[1]!.media_group_id).toBe(album[0]!.media_group_id)
    const copy = await bot.api.copyMessage(4001, 4001, album[0]!.message_id, { caption: 'copied' })
    const anna = tg.user({ id: 4001, first_name: 'Anna' })
    const copied = anna.messages().find((m) => m.message_id === copy.message_id)
    expect(copied).toMatchObject({ caption: 'copied', photo: album[0]!.photo })
    await expect(bot.api.copyMessage(4001, 4001, 9999)).rejects.toMatchObject({
      description: 'Bad Request: message to copy not found',
    })
  })
})
