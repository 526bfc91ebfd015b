import { describe, expect, it } from 'vitest'
import { createTestClock } from '../../src/domain/clock.ts'
import { createWorld, OWNER_ID, useInfrastructure, type World } from '../support/world.ts'
import { balanceOf, cardLink, entriesOf, hireBarista, joinedCustomer } from './staff-fixtures.ts'

useInfrastructure()

/** A barista who has just recorded a 500 ₽ purchase for a customer with 100 points (+15 earned). */
async function afterPurchase(world: World, lang: 'ru' | 'en') {
  const { barista } = await hireBarista(world, {
    id: 6001,
    first_name: lang === 'ru' ? 'Борис' : 'Bob',
    language_code: lang,
  })
  const guest = world.user({ id: 6002, first_name: lang === 'ru' ? 'Анна' : 'Kate', language_code: lang })
  const customer = await joinedCustomer(world, guest)
  await barista.openLink(cardLink(world, customer))
  await barista.tap(lang === 'ru' ? '🧾 Покупка' : '🧾 Purchase')
  await barista.send('500')
  await barista.tap(lang === 'ru' ? 'Пропустить' : 'Skip')
  await barista.tap(lang === 'ru' ? 'Без списания' : 'No points')
  return { barista, guest, customer }
}

describe('undoing the last operation', () => {
  it('within the window: a reversing entry brings the balance back, nothing is deleted', async () => {
    const world = await createWorld()
    const { barista, guest, customer } = await afterPurchase(world, 'ru')
    expect(await balanceOf(world, customer)).toBe(115)

    await barista.send('/undo')
    expect(barista.lastText()).toBe('↩️ Покупка 500\u00a0₽ отменена. Баланс Анна: 100 баллов.')
    expect(guest.lastText()).toBe('↩️ Операция в «Кофейня» отменена. Баланс: 100 баллов.')
    const entries = await entriesOf(world, customer)
    expect(entries.map((entry) => [entry.kind, entry.delta])).toEqual([
      ['welcome', 100],
      ['earn', 15],
      ['reversal', -15],
    ])
    expect(entries[2]).toMatchObject({
      actor: { role: 'staff', id: '6001' },
      reversesEntryId: entries[1]!.id,
    })
    expect(await world.app.services.purchases.countOf(customer.id)).toBe(0)
    expect((await world.app.services.customers.get(customer.id))?.stampCard.stamps).toBe(0)

    await barista.send('/undo')
    expect(barista.lastText()).toBe('Нечего отменять: у вас нет операций, которые можно отменить.')
    expect(await balanceOf(world, customer)).toBe(100)
  })

  it('after the window the undo is refused and nothing changes', async () => {
    const clock = createTestClock(new Date())
    const world = await createWorld({ clock })
    const { barista, customer } = await afterPurchase(world, 'en')
    clock.advance((world.config.program.purchases.undoWindowMinutes + 1) * 60_000)
    await barista.tap('↩️ Undo last')
    expect(barista.lastText()).toBe('Operations can be undone within 10 minutes only.')
    expect(await balanceOf(world, customer)).toBe(115)
    expect((await entriesOf(world, customer)).some((entry) => entry.kind === 'reversal')).toBe(false)
  })

  it('a confirmed redemption can be undone: the points come back', async () => {
    const world = await createWorld()
    const { barista } = await hireBarista(world, { id: 6101, first_name: 'Bob', language_code: 'en' })
    const kate = world.user({ id: 6102, first_name: 'Kate', language_code: 'en' })
    const customer = await joinedCustomer(world, kate)
    await barista.openLink(cardLink(world, customer))
    await barista.tap('💳 Redeem points')
    await barista.send('300')
    await barista.send('90')
    await kate.tap('Confirm')
    expect(await balanceOf(world, customer)).toBe(10)
    await barista.send('/undo')
    expect(barista.lastText()).toBe("↩️ Redemption undone, the points are back. Kate's balance: 100 points.")
    expect(await balanceOf(world, customer)).toBe(100)
  })

  it('stamps: a stamp and its undo, and a full card gives a reward', async () => {
    const world = await createWorld()
    const { barista } = await hireBarista(world, { id: 6201, first_name: 'Борис', language_code: 'ru' })
    const anna = world.user({ id: 6202, first_name: 'Анна', language_code: 'ru' })
    const customer = await joinedCustomer(world, anna)
    await barista.openLink(cardLink(world, customer))
    const stamp = barista.inlineButtons().find((label) => label.includes('Штамп'))!
    for (let index = 1; index <= 4; index += 1) {
      await barista.tap(stamp)
      expect(barista.lastText()).toBe(`☕ Штампы: ${index} из 5.`)
    }
    await barista.send('/undo')
    expect(barista.lastText()).toBe('↩️ Штамп отменён.')
    expect((await world.app.services.customers.get(customer.id))?.stampCard.stamps).toBe(3)
    await barista.openLink(cardLink(world, customer))
    await barista.tap(stamp)
    await barista.tap(stamp)
    expect(barista.lastText()).toBe('🎁 Карта со штампами заполнена — гостю положен подарок: Кофе в подарок.')
    await barista.openLink(cardLink(world, customer))
    expect(barista.lastText()).toContain('🎁 Подарков по штампам: 1')
    await barista.tap('🎁 Выдать подарок')
    expect(barista.lastText()).toBe('🎁 Подарок выдан: Кофе в подарок. Осталось подарков: 0.')
    expect((await world.app.services.customers.get(customer.id))?.stampCard).toEqual({
      stamps: 0,
      rewardsAvailable: 0,
    })
  })
})

describe('undo and the audit', () => {
  it('an undo is refused with the reason when the earned points were already spent elsewhere', async () => {
    const world = await createWorld()
    const { barista, guest, customer } = await afterPurchase(world, 'ru')
    const owner = world.user({ id: OWNER_ID, first_name: 'Ольга', language_code: 'ru' })
    await owner.openLink(cardLink(world, customer))
    await owner.tap('💳 Списать баллы')
    await owner.send('1000')
    await owner.send('110')
    await guest.tap('Подтвердить')
    expect(await balanceOf(world, customer)).toBe(5)

    await barista.send('/undo')
    expect(barista.lastText()).toBe('Не хватает баллов: на балансе 5, а нужно 15.')
    expect(await balanceOf(world, customer)).toBe(5)
    expect(await world.app.services.purchases.countOf(customer.id)).toBe(1)
  })

  it('the owner sees who did what, where and when; nobody else does', async () => {
    const world = await createWorld()
    const { barista, guest } = await afterPurchase(world, 'ru')
    await barista.send('/undo')
    const owner = world.user({ id: OWNER_ID, first_name: 'Ольга', language_code: 'ru' })
    await owner.send('/audit')
    expect(owner.lastText()).toContain('Последние операции')
    expect(owner.lastText()).toMatch(/• .+ · Кофейня · Борис → Анна: покупка \(отменено\)/)
    await owner.send('/audit main')
    expect(owner.lastText()).toContain('Борис → Анна')
    await barista.send('/audit')
    expect(barista.lastText()).toBe('Эта команда вам недоступна.')
    await guest.send('/audit')
    expect(guest.lastText()).toBe('Эта команда вам недоступна.')
  })
})
