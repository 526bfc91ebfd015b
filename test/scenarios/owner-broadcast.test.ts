import { describe, expect, it } from 'vitest'
import type { FakeUser } from '../../src/sandbox/fake-telegram/index.ts'
import { broadcastStop } from '../../src/bot/features/owner-broadcast-views.ts'
import { OUTBOX_DISPATCH_JOB } from '../../src/jobs/outbox-dispatch.ts'
import { OWNER_ID, useInfrastructure, type World } from '../support/world.ts'
import {
  advance,
  createNpsWorld,
  eventually,
  HOUR,
  hireStaff,
  joinedCustomer,
  recordPurchase,
} from './nps-support.ts'
import { photosOf, samplePhoto } from './owner-support.ts'

useInfrastructure()

const OFFER = 'Скидка 10% на капучино до воскресенья!'

/** The outbox sends every few seconds: give the report time to arrive. */
const REPORT_WAIT = { timeoutMs: 30_000 }

/**
 * Анна bought once (first purchase); Борис and Вера joined without buying (new), and Вера turned
 * promotions off in Settings.
 */
async function seedCustomers(world: World) {
  const olga = await hireStaff(world, 7801, 'Ольга', 'park')
  const anna = await joinedCustomer(world, { id: 7811, first_name: 'Анна', language_code: 'ru' })
  await recordPurchase(world, olga, anna.id)
  const boris = await joinedCustomer(world, { id: 7812, first_name: 'Борис', language_code: 'ru' })
  const vera = await joinedCustomer(world, { id: 7813, first_name: 'Вера', language_code: 'ru' })
  await world.app.services.membership.setConsent(vera.id, 'promotions', false)
  return { anna: anna.user, annaId: anna.id, boris: boris.user, vera: vera.user }
}

/** The owner sends the text-only offer to all members: no photo, no button, confirmed. */
async function sendOfferToEveryone(owner: FakeUser): Promise<void> {
  await owner.send('/broadcast')
  await owner.send(OFFER)
  await owner.tap('⏭ Без фото')
  await owner.tap('⏭ Без кнопки')
  await owner.tap('всем участникам')
  await owner.tap('✅ Отправить')
}

function copiesOf(user: FakeUser, text: string): number {
  return user.messages().filter((message) => message.text === text).length
}

describe('owner broadcasts', () => {
  it('goes from a segment button through the preview to the customers, skipping those who opted out', async () => {
    const { world } = await createNpsWorld()
    const { anna, boris, vera } = await seedCustomers(world)
    const owner = world.user({ id: OWNER_ID, first_name: 'Игорь', language_code: 'ru' })
    await owner.send('/segments')
    await owner.tap('📣 Рассылка: новые, без покупок')
    expect(owner.lastText()).toBe('📣 Напишите текст рассылки одним сообщением (до 3500 символов).')
    await owner.send(OFFER)
    await owner.tap('⏭ Без фото')
    await owner.tap('⏭ Без кнопки')
    expect(owner.texts().slice(-3)).toEqual([
      'Так клиенты увидят сообщение. Получатели: новые, без покупок — 2 человека.',
      OFFER,
      'Отправить? Тем, кто отключил акции или уже получил много рассылок за месяц, сообщение не придёт; ночью оно подождёт до утра.',
    ])
    expect(owner.inlineButtons()).toEqual(['✅ Отправить', '✖️ Отмена'])
    await owner.tap('✅ Отправить')
    const report = await owner.waitFor(/Рассылка завершена/, REPORT_WAIT)
    expect(report.text).toBe(
      '✅ Рассылка завершена\nПолучателей: 2\nДоставлено: 1\nПропущено (отказ от акций): 1\nНедоступны (бот заблокирован): 0',
    )
    // The progress message, with Stop while sending, became the report: nothing is left to stop.
    expect(report.history[0]).toMatchObject({ text: '⏳ Рассылка идёт: 0 из 2…' })
    expect(report.history[0]?.reply_markup?.inline_keyboard.flat().map((b) => b.text)).toEqual([
      '⛔ Остановить рассылку',
    ])
    expect(report.reply_markup).toBeUndefined()
    await boris.refresh()
    await vera.refresh()
    await anna.refresh()
    expect(copiesOf(boris, OFFER)).toBe(1)
    expect(copiesOf(vera, OFFER)).toBe(0)
    expect(copiesOf(anna, OFFER)).toBe(0)
  })

  it('resumes after a restart mid-way without sending anyone the message twice', async () => {
    const { world } = await createNpsWorld()
    const { anna, boris, vera } = await seedCustomers(world)
    const owner = world.user({ id: OWNER_ID, first_name: 'Игорь', language_code: 'ru' })
    await owner.send('/broadcast')
    await owner.send(OFFER)
    await owner.tap('⏭ Без фото')
    await owner.tap('⏭ Без кнопки')
    expect(owner.lastText()).toBe('Кому отправить?')
    await owner.tap('всем участникам')
    expect(owner.texts().at(-3)).toBe(
      'Так клиенты увидят сообщение. Получатели: всем участникам — 3 человека.',
    )
    await owner.tap('✅ Отправить')
    await world.restart()
    await owner.waitFor(/Рассылка завершена/, REPORT_WAIT)
    expect(owner.lastText()).toContain('Доставлено: 2')
    // A late second run (another worker) queues nothing new.
    const { broadcast } = world.app.services
    const id = await broadcastId(world)
    const stored = await broadcast.get(id)
    await broadcast.enqueueAll(stored!)
    expect(await broadcast.tally(id)).toEqual({
      pending: 0,
      deferred: 0,
      sent: 2,
      skipped: 1,
      unreachable: 0,
      cancelled: 0,
      unconfirmed: 0,
    })
    for (const user of [anna, boris, vera]) await user.refresh()
    expect([copiesOf(anna, OFFER), copiesOf(boris, OFFER), copiesOf(vera, OFFER)]).toEqual([1, 1, 0])
  })

  it('confirmed at night, reports the messages as deferred to the morning and sends none yet', async () => {
    const { world } = await createNpsWorld({ start: '2026-03-02T23:00:00+03:00' })
    const { boris } = await seedCustomers(world)
    const owner = world.user({ id: OWNER_ID, first_name: 'Игорь', language_code: 'ru' })
    await sendOfferToEveryone(owner)
    const report = await owner.waitFor(/Рассылка завершена/, REPORT_WAIT)
    expect(report.text).toBe(
      '✅ Рассылка завершена\nПолучателей: 3\nДоставлено: 0\nПропущено (отказ от акций): 1\nНедоступны (бот заблокирован): 0\n⏸ Отложено до разрешённого времени (тихие часы, лимит): 2',
    )
    await boris.refresh()
    expect(copiesOf(boris, OFFER)).toBe(0)
  })

  it('is cancelled without sending, and refused to customers', async () => {
    const { world } = await createNpsWorld()
    const { boris } = await seedCustomers(world)
    const owner = world.user({ id: OWNER_ID, first_name: 'Игорь', language_code: 'ru' })
    await owner.send('/broadcast')
    await owner.send(OFFER)
    await owner.tap('⏭ Без фото')
    await owner.tap('⏭ Без кнопки')
    await owner.tap('всем участникам')
    await owner.tap('✖️ Отмена')
    expect(owner.lastText()).toBe('Рассылка отменена.')
    expect(await world.app.connection.db!.collection('broadcasts').countDocuments()).toBe(0)
    await boris.send('/broadcast')
    expect(boris.lastText()).toBe('Эта команда вам недоступна.')
  })
})

const MENU = { text: 'Меню', url: 'https://zerno.cafe/menu' }
const STOP = '⛔ Остановить рассылку'

/** The owner's chat with the bot, in Russian. */
function ownerOf(world: World): FakeUser {
  return world.user({ id: OWNER_ID, first_name: 'Игорь', language_code: 'ru' })
}

/** The id of the (only) broadcast stored. */
async function broadcastId(world: World): Promise<string> {
  const stored = await world.app.connection.db!.collection('broadcasts').findOne({})
  return stored!._id as unknown as string
}

/** The bot's sendPhoto calls to a chat, with reply_markup as an object. */
function photoCallsTo(world: World, chatId: number) {
  return world.tg
    .apiCalls()
    .filter((call) => call.method === 'sendPhoto' && call.params.chat_id === chatId && call.ok)
    .map(({ params }) => ({
      photo: params.photo,
      caption: params.caption,
      reply_markup:
        typeof params.reply_markup === 'string' ? JSON.parse(params.reply_markup) : params.reply_markup,
    }))
}

describe('owner broadcasts with a photo and a link button', () => {
  it('sends the photo with the text as its caption and the button, previewed exactly as customers get it', async () => {
    const { world } = await createNpsWorld()
    const { anna, boris, vera } = await seedCustomers(world)
    const owner = ownerOf(world)
    await owner.send('/broadcast')
    await owner.send(OFFER)
    expect(owner.lastText()).toBe(
      '🖼 Пришлите фото для рассылки — текст станет подписью к нему (под фото помещается до 1024 символов). Или нажмите «Без фото».',
    )
    expect(owner.inlineButtons()).toEqual(['⏭ Без фото', '✖️ Отмена'])
    await owner.send('фото будет позже')
    expect(owner.lastText()).toBe('Нужна именно фотография (не файл). Пришлите фото или нажмите «Без фото».')
    const sent = await owner.sendPhoto(samplePhoto())
    const fileId = sent.photo!.at(-1)!.file_id
    expect(owner.lastText()).toBe(
      '🔗 Добавить кнопку со ссылкой? Пришлите её так: Текст кнопки | https://адрес (текст до 40 символов). Или нажмите «Без кнопки».',
    )
    const refusals: [string, string][] = [
      [
        'https://zerno.cafe/menu',
        'Не получилось разобрать кнопку. Пришлите текст и ссылку через черту: Меню | https://example.com. Или нажмите «Без кнопки».',
      ],
      [
        'Меню | zerno.cafe/menu',
        'Ссылка должна начинаться с http:// или https:// и вести на сайт, например https://example.com. Пришлите кнопку ещё раз или нажмите «Без кнопки».',
      ],
      [
        'Меню | javascript:alert(1)',
        'Ссылка должна начинаться с http:// или https:// и вести на сайт, например https://example.com. Пришлите кнопку ещё раз или нажмите «Без кнопки».',
      ],
      [
        `${'Очень '.repeat(8)}длинная кнопка | https://zerno.cafe`,
        'Текст кнопки слишком длинный: не больше 40 символов. Пришлите кнопку ещё раз или нажмите «Без кнопки».',
      ],
    ]
    for (const [typed, answer] of refusals) {
      await owner.send(typed)
      expect(owner.lastText()).toBe(answer)
      expect(owner.inlineButtons()).toEqual(['⏭ Без кнопки', '✖️ Отмена'])
    }
    await owner.send(' Меню | https://zerno.cafe/menu ')
    expect(owner.lastText()).toBe('Кому отправить?')
    await owner.tap('всем участникам')

    const [intro, preview, question] = owner.messages().slice(-3)
    expect(intro?.text).toBe('Так клиенты увидят сообщение. Получатели: всем участникам — 3 человека.')
    expect(preview?.caption).toBe(OFFER)
    expect(preview?.photo?.at(-1)?.file_id).toBe(fileId)
    expect(preview?.reply_markup?.inline_keyboard).toEqual([[MENU]])
    expect(question?.text).toMatch(/^Отправить\?/)
    await owner.tap('✅ Отправить')
    const report = await owner.waitFor(/Рассылка завершена/, REPORT_WAIT)
    expect(report.text).toContain('Доставлено: 2\nПропущено (отказ от акций): 1')

    for (const user of [anna, boris, vera]) await user.refresh()
    const received = { caption: OFFER, fileId, buttons: [[MENU]] }
    expect(photosOf(anna)).toEqual([received])
    expect(photosOf(boris)).toEqual([received])
    expect(photosOf(vera)).toEqual([])
    for (const chatId of [7811, 7812])
      expect(photoCallsTo(world, chatId)).toEqual([
        { photo: fileId, caption: OFFER, reply_markup: { inline_keyboard: [[MENU]] } },
      ])
  })

  it('refuses a photo under a text too long for a caption and goes on without one', async () => {
    const { world } = await createNpsWorld()
    await seedCustomers(world)
    const owner = ownerOf(world)
    const long = `${OFFER} ${'Приходите! '.repeat(100)}`.trim()
    await owner.send('/broadcast')
    await owner.send(long)
    await owner.sendPhoto(samplePhoto())
    expect(owner.lastText()).toBe(
      `Под фото Telegram разрешает не больше 1024 символов текста, а у вас — ${long.length}. Нажмите «Без фото» или начните заново с /broadcast и текстом покороче.`,
    )
    await owner.tap('⏭ Без фото')
    await owner.tap('⏭ Без кнопки')
    await owner.tap('всем участникам')
    const preview = owner.messages().at(-2)
    expect(preview?.text).toBe(long)
    expect(preview?.photo).toBeUndefined()
    await owner.tap('✖️ Отмена')
    expect(owner.lastText()).toBe('Рассылка отменена.')
    expect(await world.app.connection.db!.collection('broadcasts').countDocuments()).toBe(0)
  })
})

describe('stopping a running broadcast', () => {
  it('is stopped from its progress message while queued: nobody gets it, and Stop again changes nothing', async () => {
    const { world } = await createNpsWorld()
    const { anna, boris, vera } = await seedCustomers(world)
    // The outbox worker is busy elsewhere: the broadcast gets queued but nothing goes out yet.
    await world.app.scheduler.disable({ name: OUTBOX_DISPATCH_JOB })
    const owner = ownerOf(world)
    await owner.send('/broadcast')
    await owner.send(OFFER)
    await owner.sendPhoto(samplePhoto())
    await owner.tap('⏭ Без кнопки')
    await owner.tap('всем участникам')
    await owner.tap('✅ Отправить')
    const id = await broadcastId(world)
    const { broadcast, outbox } = world.app.services
    await eventually(async () => (await broadcast.tally(id)).pending === 3)
    const progress = owner.lastMessage()!
    expect(progress.text).toMatch(/^⏳ Рассылка идёт: 0 из 3…/)
    await owner.tap(STOP)
    expect(owner.callbackAnswers().at(-1)?.text).toBe('Рассылка остановлена: оставшиеся сообщения не уйдут.')

    const report = await owner.waitFor(/Рассылка остановлена/, REPORT_WAIT)
    expect(report.message_id).toBe(progress.message_id)
    expect(report.text).toBe(
      '⛔ Рассылка остановлена\nПолучателей: 3\nДоставлено: 0\nПропущено (отказ от акций): 0\nНедоступны (бот заблокирован): 0\nНе отправлено из-за остановки: 3',
    )
    expect(report.reply_markup).toBeUndefined()
    await world.app.scheduler.enable({ name: OUTBOX_DISPATCH_JOB })
    await outbox.dispatchDue()
    for (const user of [anna, boris, vera]) await user.refresh()
    expect([photosOf(anna), photosOf(boris), photosOf(vera)]).toEqual([[], [], []])
    // The button pressed again (replayed): nothing more happens.
    await owner.tapData(broadcastStop.encode(id), { messageId: progress.message_id })
    expect(owner.callbackAnswers().at(-1)?.text).toBe('Рассылка уже остановлена.')
    expect(await broadcast.tally(id)).toMatchObject({ pending: 0, sent: 0, cancelled: 3 })
  })

  it('stops the messages still held back while the others stay delivered; a customer cannot; a restart changes nothing', async () => {
    const { world, clock } = await createNpsWorld({ extraYaml: 'messaging:\n  promoCapPer30Days: 1\n' })
    const { anna, annaId, boris, vera } = await seedCustomers(world)
    // Анна already got this month's one promotion: the broadcast waits for her cap to free up.
    const { broadcast, outbox } = world.app.services
    await outbox.enqueue({
      customerId: annaId,
      category: 'promotion',
      key: 'promo:earlier',
      payload: { parts: [{ key: 'owner_broadcast.message', vars: { text: 'Вчерашняя акция' } }] },
    })
    await outbox.dispatchDue()
    const owner = ownerOf(world)
    await sendOfferToEveryone(owner)
    const report = await owner.waitFor(/Рассылка завершена/, REPORT_WAIT)
    expect(report.text).toBe(
      '✅ Рассылка завершена\nПолучателей: 3\nДоставлено: 1\nПропущено (отказ от акций): 1\nНедоступны (бот заблокирован): 0\n⏸ Отложено до разрешённого времени (тихие часы, лимит): 1',
    )
    // A message still waits: the report keeps Stop.
    const stop = report.reply_markup!.inline_keyboard[0]![0]! as { text: string; callback_data: string }
    expect(stop.text).toBe(STOP)
    const id = await broadcastId(world)

    // Борис replays the owner's button in his own chat: refused, nothing stops.
    await boris.tapData(stop.callback_data)
    expect(boris.callbackAnswers().at(-1)?.text).toBe('Эта команда вам недоступна.')
    expect(await broadcast.get(id)).toMatchObject({ status: 'done' })

    await owner.tap(STOP)
    expect(owner.callbackAnswers().at(-1)?.text).toBe('Рассылка остановлена: оставшиеся сообщения не уйдут.')
    await world.restart()
    const stopped = await owner.waitFor(/Рассылка остановлена/, REPORT_WAIT)
    expect(stopped.message_id).toBe(report.message_id)
    expect(stopped.text).toBe(
      '⛔ Рассылка остановлена\nПолучателей: 3\nДоставлено: 1\nПропущено (отказ от акций): 1\nНедоступны (бот заблокирован): 0\nНе отправлено из-за остановки: 1',
    )

    // A month later Анна's cap is free: nothing of the stopped broadcast is sent or queued again.
    await advance(world, clock, 31 * 24 * HOUR)
    await world.app.services.outbox.dispatchDue()
    expect(await world.app.services.broadcast.follow(id)).toBeNull()
    expect(await world.app.services.broadcast.tally(id)).toEqual({
      pending: 0,
      deferred: 0,
      sent: 1,
      skipped: 1,
      unreachable: 0,
      cancelled: 1,
      unconfirmed: 0,
    })
    for (const user of [anna, boris, vera]) await user.refresh()
    expect([copiesOf(anna, OFFER), copiesOf(boris, OFFER), copiesOf(vera, OFFER)]).toEqual([0, 1, 0])
    await owner.tapData(stop.callback_data, { messageId: report.message_id })
    expect(owner.callbackAnswers().at(-1)?.text).toBe('Рассылка уже остановлена.')
  })

  it('says there is nothing to stop once every message went out', async () => {
    const { world } = await createNpsWorld()
    await seedCustomers(world)
    const owner = ownerOf(world)
    await sendOfferToEveryone(owner)
    const progress = await owner.waitFor(/Рассылка завершена/, REPORT_WAIT)
    await owner.tapData(broadcastStop.encode(await broadcastId(world)), { messageId: progress.message_id })
    expect(owner.callbackAnswers().at(-1)?.text).toBe('Рассылка уже завершена — останавливать нечего.')
    await owner.tapData('bstop.1:0123456789abcdef', { messageId: progress.message_id })
    expect(owner.callbackAnswers().at(-1)?.text).toBe('Эта кнопка уже не действует.')
  })
})
