import { describe, expect, it } from 'vitest'
import type { FakeUser } from '../../src/sandbox/fake-telegram/index.ts'
import { createTestClock } from '../../src/domain/clock.ts'
import { EXPIRE_REDEMPTIONS_JOB } from '../../src/jobs/expire-redemptions.ts'
import { createWorld, useInfrastructure, type WorldOptions } from '../support/world.ts'
import { balanceOf, cardLink, entriesOf, hireBarista, joinedCustomer } from './staff-fixtures.ts'

useInfrastructure()

/** A barista and a customer with 500 points; the barista has the customer's summary open. */
async function counter(lang: 'ru' | 'en', options: WorldOptions = {}) {
  const world = await createWorld(options)
  const { barista } = await hireBarista(world, {
    id: 5001,
    first_name: lang === 'ru' ? 'Борис' : 'Bob',
    language_code: lang,
  })
  const guest = world.user({ id: 5002, first_name: lang === 'ru' ? 'Анна' : 'Kate', language_code: lang })
  const customer = await joinedCustomer(world, guest, { extraPoints: 400 })
  await barista.openLink(cardLink(world, customer))
  return { world, barista, guest, customer }
}

/** The barista asks to spend `points` on a purchase of `amount`. */
/** The callback data of the button `label` on the user's latest message that has it. */
function buttonData(user: FakeUser, label: string): string {
  const message = [...user.messages()]
    .reverse()
    .find((item) => item.reply_markup?.inline_keyboard.flat().some((button) => button.text === label))
  const button = message?.reply_markup?.inline_keyboard.flat().find((item) => item.text === label)
  const data = (button as { callback_data?: string } | undefined)?.callback_data
  if (!data) throw new Error(`no button ${label}`)
  return data
}

async function askToRedeem(
  barista: ReturnType<Awaited<ReturnType<typeof createWorld>>['user']>,
  amount: string,
  points: string,
) {
  await barista.tap(barista.inlineButtons().find((label) => label.startsWith('💳'))!)
  await barista.send(amount)
  await barista.send(points)
}

describe('redeeming points with the customer’s confirmation', () => {
  it('nothing is spent until the customer confirms; then both sides see the new balance', async () => {
    const { world, barista, guest, customer } = await counter('ru')
    await barista.tap('💳 Списать баллы')
    expect(barista.lastText()).toContain('Сумма покупки, часть которой гость оплатит баллами?')
    await barista.send('1000')
    expect(barista.lastText()).toBe('Сколько баллов списать? Можно до 300 баллов.')
    await barista.tap('Списать 300 баллов')
    expect(barista.lastText()).toBe('Попросили Анна подтвердить списание 300 баллов. Ждём ответа…')

    expect(guest.lastText()).toBe('Списать 300 баллов в Кофейня?')
    expect(guest.inlineButtons()).toEqual(['Подтвердить', 'Отклонить'])
    expect(await balanceOf(world, customer)).toBe(500)

    await guest.tap('Подтвердить')
    expect(guest.lastText()).toBe('✅ Списано 300 баллов. Баланс: 200 баллов.')
    expect(barista.lastText()).toBe('✅ Анна подтвердил(а) списание 300 баллов. Баланс: 200 баллов.')
    expect(await balanceOf(world, customer)).toBe(200)
    const redeem = (await entriesOf(world, customer)).filter((entry) => entry.kind === 'redeem')
    expect(redeem).toEqual([
      expect.objectContaining({ delta: -300, outletId: 'main', actor: { role: 'staff', id: '5001' } }),
    ])
  })

  it('a double tap on Confirm spends once', async () => {
    const { world, barista, guest, customer } = await counter('en')
    await askToRedeem(barista, '1000', '250')
    const prompt = guest.lastMessage()!
    const confirm = prompt.reply_markup!.inline_keyboard.flat()[0]!
    await guest.tapData((confirm as { callback_data: string }).callback_data, {
      messageId: prompt.message_id,
    })
    await guest.tapData((confirm as { callback_data: string }).callback_data, {
      messageId: prompt.message_id,
    })
    expect(guest.lastText()).toBe('Already confirmed — the points were spent once.')
    expect(await balanceOf(world, customer)).toBe(250)
    expect((await entriesOf(world, customer)).filter((entry) => entry.kind === 'redeem')).toHaveLength(1)
  })

  it('the customer declines: nothing is spent, the barista is told, a late Confirm does nothing', async () => {
    const { world, barista, guest, customer } = await counter('ru')
    await askToRedeem(barista, '1000', '200')
    const confirmData = (
      guest.lastMessage()!.reply_markup!.inline_keyboard.flat()[0] as { callback_data: string }
    ).callback_data
    await guest.tap('Отклонить')
    expect(barista.lastText()).toBe('❌ Анна отклонил(а) списание 200 баллов. Баллы не списаны.')
    expect(guest.texts().at(-1)).toContain('Хорошо, баллы не списаны.')
    await guest.tapData(confirmData)
    expect(guest.lastText()).toBe('Этот запрос уже закрыт.')
    expect(await balanceOf(world, customer)).toBe(500)
  })

  it('a Confirm after the timeout spends nothing, and the barista is told', async () => {
    const clock = createTestClock(new Date())
    const { world, barista, guest, customer } = await counter('en', { clock })
    await askToRedeem(barista, '1000', '300')
    clock.advance(world.config.program.purchases.redemptionTimeoutSeconds * 1000 + 1000)
    await guest.tap('Confirm')
    expect(guest.lastText()).toBe('The time to confirm has run out — no points were spent.')
    expect(barista.lastText()).toBe(
      '⏱ Kate did not confirm redeeming 300 points in time. No points were spent.',
    )
    expect(await balanceOf(world, customer)).toBe(500)
  })

  it('the timeout job closes an unanswered request and tells the barista', async () => {
    const clock = createTestClock(new Date())
    const { world, barista, guest, customer } = await counter('ru', { clock })
    await askToRedeem(barista, '1000', '100')
    const confirmData = buttonData(guest, 'Подтвердить')
    const mark = barista.mark()
    clock.advance(world.config.program.purchases.redemptionTimeoutSeconds * 1000 + 1000)
    await world.app.scheduler.now(EXPIRE_REDEMPTIONS_JOB)
    await barista.waitFor('не подтвердил(а) списание 100 баллов вовремя', { since: mark })
    await guest.waitFor((message) => (message.text ?? '').includes('Время на подтверждение вышло'))
    expect(guest.lastMessage()?.reply_markup?.inline_keyboard ?? []).toEqual([])
    await guest.tapData(confirmData)
    expect(guest.lastText()).toBe('Время на подтверждение вышло — баллы не списаны.')
    expect(barista.textsSince(mark).filter((text) => text.includes('вовремя'))).toHaveLength(1)
    expect(await balanceOf(world, customer)).toBe(500)
  })

  it('asking for more than the cap or the balance is refused before the customer is asked', async () => {
    const { world, barista, guest, customer } = await counter('ru')
    const before = guest.texts().length
    await askToRedeem(barista, '1000', '301')
    expect(barista.lastText()).toBe('С этой покупки можно списать не больше 300 баллов.')
    await barista.openLink(cardLink(world, customer))
    await askToRedeem(barista, '5000', '600')
    expect(barista.lastText()).toBe('Доступно только 500 баллов.')
    expect(guest.texts()).toHaveLength(before)
    expect(await balanceOf(world, customer)).toBe(500)
  })

  it('two requests confirmed one after the other can never overspend', async () => {
    const { world, barista, guest, customer } = await counter('en')
    await askToRedeem(barista, '1000', '300')
    const first = guest.lastMessage()!
    await barista.openLink(cardLink(world, customer))
    await askToRedeem(barista, '1000', '300')
    await guest.tap('Confirm')
    const firstConfirm = (first.reply_markup!.inline_keyboard.flat()[0] as { callback_data: string })
      .callback_data
    await guest.tapData(firstConfirm, { messageId: first.message_id })
    expect(guest.lastText()).toContain('Could not spend the points: Only 200 points are available')
    expect(barista.lastText()).toContain('Redeeming 300 points failed')
    expect(await balanceOf(world, customer)).toBe(200)
  })

  it('a purchase paid partly with points is recorded when the customer confirms', async () => {
    const { world, barista, guest, customer } = await counter('ru')
    await barista.tap('🧾 Покупка')
    await barista.send('1000')
    await barista.tap('Пропустить')
    await barista.tap('Списать 300 баллов')
    expect(await world.app.services.purchases.countOf(customer.id)).toBe(0)
    await guest.tap('Подтвердить')
    expect(barista.lastText()).toBe(
      '✅ Анна подтвердил(а) списание 300 баллов. Покупка 1\u00a0000\u00a0₽ записана: к оплате 700\u00a0₽, начислено +21 балл. Баланс: 221 балл.',
    )
    expect(guest.texts().some((text) => text.includes('списано 300 баллов, +21 балл, баланс 221'))).toBe(true)
    expect(await balanceOf(world, customer)).toBe(221)
  })

  it('someone else cannot answer the customer’s request, and a customer cannot press staff buttons', async () => {
    const { world, barista, guest, customer } = await counter('ru')
    await askToRedeem(barista, '1000', '300')
    const confirmData = (
      guest.lastMessage()!.reply_markup!.inline_keyboard.flat()[0] as { callback_data: string }
    ).callback_data
    const vera = world.user({ id: 5003, first_name: 'Вера', language_code: 'ru' })
    await vera.send('/help')
    await vera.tapData(confirmData)
    expect(vera.callbackAnswers().at(-1)?.text).toBe('Эта кнопка уже не действует.')
    await vera.tapData(`desk.1:stamp:${customer.id}`)
    expect(vera.callbackAnswers().at(-1)?.text).toBe('Эта команда вам недоступна.')
    await guest.tapData(`desk.1:undo:${customer.id}`)
    expect(guest.callbackAnswers().at(-1)?.text).toBe('Эта команда вам недоступна.')
    await guest.tapData('rdm.1:yes:000000000000000000000000')
    expect(guest.callbackAnswers().at(-1)?.text).toBe('Эта кнопка уже не действует.')
    expect(await balanceOf(world, customer)).toBe(500)
    expect((await world.app.services.customers.get(customer.id))?.stampCard.stamps).toBe(0)
  })
})
