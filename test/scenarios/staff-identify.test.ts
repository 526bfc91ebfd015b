import jpeg from 'jpeg-js'
import { PNG } from 'pngjs'
import QRCode from 'qrcode'
import { describe, expect, it } from 'vitest'
import { createTestClock } from '../../src/domain/clock.ts'
import { createWorld, useInfrastructure } from '../support/world.ts'
import { cardLink, hireBarista, joinedCustomer } from './staff-fixtures.ts'

useInfrastructure()

/** A phone photo of the card: the QR on a grey background, lossy JPEG. */
async function jpegPhotoOf(text: string): Promise<Buffer> {
  const png = PNG.sync.read(await QRCode.toBuffer(text, { type: 'png', width: 360, margin: 2 }))
  const width = png.width + 240
  const height = png.height + 240
  const data = Buffer.alloc(width * height * 4, 0xa8)
  for (let y = 0; y < png.height; y += 1) {
    png.data.copy(data, ((y + 120) * width + 120) * 4, y * png.width * 4, (y + 1) * png.width * 4)
  }
  return jpeg.encode({ data, width, height }, 70).data
}

describe('identifying a customer', () => {
  it('barista opens the scanned card link and sees name, status, balance, stamps and actions', async () => {
    const world = await createWorld()
    const { barista } = await hireBarista(world, { id: 3001, first_name: 'Борис', language_code: 'ru' })
    const anna = world.user({ id: 3002, first_name: 'Анна', language_code: 'ru' })
    const customer = await joinedCustomer(world, anna)

    await barista.openLink(cardLink(world, customer))
    const summary = barista.lastText() ?? ''
    expect(summary).toContain('👤 Анна')
    expect(summary).toContain('Статус: Бронза')
    expect(summary).toContain('Баланс: 100 баллов')
    expect(summary).toContain('Штампы: 0 из 5')
    expect(summary).toContain('Последний визит: ещё не было')
    expect(barista.inlineButtons()).toEqual([
      '🧾 Покупка',
      '💳 Списать баллы',
      '🍰 Награда за баллы',
      '☕ Штамп',
      '🎟 Сертификат',
      '↩️ Отменить последнее',
    ])
  })

  it('says when it is the customer’s birthday today', async () => {
    const clock = createTestClock(new Date())
    const world = await createWorld({ clock })
    const { barista } = await hireBarista(world, { id: 3011, first_name: 'Bob', language_code: 'en' })
    const kate = world.user({ id: 3012, first_name: 'Kate', language_code: 'en' })
    const customer = await joinedCustomer(world, kate)
    const today = new Intl.DateTimeFormat('en-CA', {
      timeZone: 'Europe/Moscow',
      month: 'numeric',
      day: 'numeric',
    }).formatToParts(clock.now())
    const part = (type: string) => Number(today.find((item) => item.type === type)!.value)
    await world.app.services.customers.setBirthday(
      customer.id,
      { day: part('day'), month: part('month'), year: null },
      null,
    )
    await barista.openLink(cardLink(world, customer))
    expect(barista.lastText()).toContain("🎂 It's their birthday today")
  })

  it('finds the customer by the manual code typed in any case, with a dash', async () => {
    const world = await createWorld()
    const { barista } = await hireBarista(world, { id: 3021, first_name: 'Bob', language_code: 'en' })
    const kate = world.user({ id: 3022, first_name: 'Kate', language_code: 'en' })
    const customer = await joinedCustomer(world, kate)
    const code = `${customer.manualCode.slice(0, 4)}-${customer.manualCode.slice(4)}`.toLowerCase()
    await barista.send(`/scan ${code}`)
    expect(barista.lastText()).toContain('👤 Kate')
    expect(barista.lastText()).toContain('Balance: 100 points')
    await barista.send('/scan')
    expect(barista.lastText()).toContain('Type the code from the guest')
  })

  it('stops accepting codes after 10 wrong ones in 10 minutes, and accepts them again later', async () => {
    const clock = createTestClock(new Date())
    const world = await createWorld({ clock })
    const { barista } = await hireBarista(world, { id: 3031, first_name: 'Борис', language_code: 'ru' })
    const anna = world.user({ id: 3032, first_name: 'Анна', language_code: 'ru' })
    const customer = await joinedCustomer(world, anna)
    for (let attempt = 0; attempt < 10; attempt += 1) {
      await barista.send('/scan 2222-2222')
      expect(barista.lastText()).toBe('Клиент с кодом «2222-2222» не найден. Проверьте код.')
    }
    await barista.send(`/scan ${customer.manualCode}`)
    expect(barista.lastText()).toContain('Слишком много неверных кодов')
    clock.advance(10 * 60 * 1000 + 1000)
    await barista.send(`/scan ${customer.manualCode}`)
    expect(barista.lastText()).toContain('👤 Анна')
  })

  it('reads the card QR from a PNG screenshot and from a JPEG photo', async () => {
    const world = await createWorld()
    const { barista } = await hireBarista(world, { id: 3041, first_name: 'Борис', language_code: 'ru' })
    const anna = world.user({ id: 3042, first_name: 'Анна', language_code: 'ru' })
    const customer = await joinedCustomer(world, anna)
    const link = cardLink(world, customer)

    await barista.sendPhoto(await QRCode.toBuffer(link, { type: 'png', width: 480 }))
    expect(barista.lastText()).toContain('👤 Анна')
    await barista.send('/help')
    await barista.sendPhoto(await jpegPhotoOf(link))
    expect(barista.lastText()).toContain('👤 Анна')
  })

  it('says so for a photo without a QR, a QR that is not a card, and an unknown or revoked card', async () => {
    const world = await createWorld()
    const { barista } = await hireBarista(world, { id: 3051, first_name: 'Bob', language_code: 'en' })
    const kate = world.user({ id: 3052, first_name: 'Kate', language_code: 'en' })
    const customer = await joinedCustomer(world, kate)
    const oldLink = cardLink(world, customer)

    const blank = PNG.sync.write(new PNG({ width: 200, height: 200, fill: true }))
    await barista.sendPhoto(blank)
    expect(barista.lastText()).toContain("I can't see a QR code")
    await barista.sendPhoto(await QRCode.toBuffer('https://example.com/menu', { type: 'png', width: 300 }))
    expect(barista.lastText()).toBe("This QR code is not a guest's card.")
    await barista.send('/start c-ThisTokenWasNeverIssuedToAnyone1')
    expect(barista.lastText()).toContain('Card not found')

    await world.app.services.customers.reissueCard(customer.id)
    await barista.openLink(oldLink)
    expect(barista.lastText()).toContain('Card not found')
    await barista.sendPhoto(await QRCode.toBuffer(oldLink, { type: 'png', width: 400 }))
    expect(barista.lastText()).toContain('Card not found')
  })

  it('a customer who opens a card link or types /scan is told it is not for them', async () => {
    const world = await createWorld()
    const anna = world.user({ id: 3061, first_name: 'Анна', language_code: 'ru' })
    const vera = world.user({ id: 3062, first_name: 'Вера', language_code: 'ru' })
    const customer = await joinedCustomer(world, anna)
    await vera.openLink(cardLink(world, customer))
    expect(vera.lastText()).toContain('её открывает сотрудник на кассе')
    expect(vera.lastText()).not.toContain('Анна')
    await vera.send(`/scan ${customer.manualCode}`)
    expect(vera.lastText()).toBe('Эта команда вам недоступна.')
    await vera.send('/undo')
    expect(vera.lastText()).toBe('Эта команда вам недоступна.')
  })
})
