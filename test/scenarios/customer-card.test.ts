import jsQRModule from 'jsqr'
import { PNG } from 'pngjs'
import { describe, expect, it } from 'vitest'
import { createWorld, useInfrastructure } from '../support/world.ts'
import { joinedCustomer } from './customer-support.ts'

useInfrastructure()

// jsqr is CommonJS: depending on the loader the decoder is the module itself or its `default`.
type Decode = typeof jsQRModule.default
const jsQR: Decode =
  (jsQRModule as unknown as { default?: Decode }).default ?? (jsQRModule as unknown as Decode)

/** The text of the QR code in a PNG. */
function readQr(png: Buffer): string | undefined {
  const image = PNG.sync.read(png)
  return jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data
}

describe('my card', () => {
  it('shows a PNG QR holding the deep link and the manual code in Russian', async () => {
    const world = await createWorld()
    const { user: anna, customer } = await joinedCustomer(world, {
      id: 3001,
      first_name: 'Анна',
      language_code: 'ru',
    })
    await anna.tap('💳 Моя карта')
    const png = await anna.lastPhoto()
    expect(png.subarray(1, 4).toString()).toBe('PNG')
    const username = world.app.bot.botInfo.username
    expect(readQr(png)).toBe(`https://t.me/${username}?start=c-${customer.cardToken}`)
    const code = `${customer.manualCode.slice(0, 4)}-${customer.manualCode.slice(4)}`
    expect(anna.lastText()).toContain('Покажите QR-код на кассе')
    expect(anna.lastText()).toContain(code)
    expect(anna.inlineButtons()).toEqual(['🔁 Карта попала в чужие руки'])
  })

  it('re-issues a leaked card after confirmation: the old token and code stop working at once', async () => {
    const world = await createWorld()
    const { user: anna, customer } = await joinedCustomer(world, {
      id: 3002,
      first_name: 'Анна',
      language_code: 'ru',
    })
    const { customers } = world.app.services
    await anna.send('/card')
    await anna.tap('🔁 Карта попала в чужие руки')
    expect(anna.lastText()).toContain('Выпустить новую карту?')
    await anna.tap('Отмена')
    expect(anna.lastText()).toBe('Хорошо, карта осталась прежней.')
    expect((await customers.findByCardToken(customer.cardToken))?.id).toBe(customer.id)

    await anna.send('/card')
    await anna.tap('🔁 Карта попала в чужие руки')
    const confirmMessage = anna.lastMessage()
    await anna.tap('Да, выпустить новую')
    expect(anna.texts()).toContain('Готово: старая карта больше не действует. Вот новая 👇')
    expect(await customers.findByCardToken(customer.cardToken)).toBeNull()
    expect(await customers.findByManualCode(customer.manualCode)).toBeNull()
    const renewed = await customers.findByTelegramId(3002)
    expect(renewed?.cardToken).not.toBe(customer.cardToken)
    expect(readQr(await anna.lastPhoto())).toBe(
      `https://t.me/${world.app.bot.botInfo.username}?start=c-${renewed?.cardToken}`,
    )

    // The same confirmation tapped again (a double tap, or an old message) re-issues nothing.
    const callbacksBefore = anna.callbackAnswers().length
    await anna.tapData(`card.1:confirm:${customer.cardToken.slice(0, 8)}`, {
      messageId: confirmMessage?.message_id,
    })
    expect(
      anna
        .callbackAnswers()
        .slice(callbacksBefore)
        .map((answer) => answer.text),
    ).toEqual(['Эта кнопка уже не действует.'])
    expect((await customers.findByTelegramId(3002))?.cardToken).toBe(renewed?.cardToken)
  })

  it('shows the card in English and refuses a forged card button', async () => {
    const world = await createWorld()
    const { user: john } = await joinedCustomer(world, { id: 3003, first_name: 'John', language_code: 'en' })
    await john.tap('💳 My card')
    expect(john.lastText()).toContain('Show the QR code at the till')
    expect(john.inlineButtons()).toEqual(['🔁 My card leaked'])
    await john.tapData('card.1:confirm')
    await john.tapData('card.9:reissue')
    expect(john.callbackAnswers().map((answer) => answer.text)).toEqual([
      'This button no longer works.',
      'This button no longer works.',
    ])
  })
})
