import { describe, expect, it } from 'vitest'
import { createWorld, useInfrastructure } from '../support/world.ts'
import { balanceOf, cardLink, entriesOf, hireBarista, joinedCustomer } from './staff-fixtures.ts'

useInfrastructure()

describe('recording a purchase', () => {
  it('barista records 350 ₽: the customer earns 3 % rounded down and gets a receipt, a stamp is added', async () => {
    const world = await createWorld()
    const { barista } = await hireBarista(world, { id: 4001, first_name: 'Борис', language_code: 'ru' })
    const anna = world.user({ id: 4002, first_name: 'Анна', language_code: 'ru' })
    const customer = await joinedCustomer(world, anna)

    await barista.openLink(cardLink(world, customer))
    await barista.tap('🧾 Покупка')
    expect(barista.lastText()).toBe('Сумма покупки для Анна? Например: 350 или 350,50.')
    await barista.send('350,50')
    expect(barista.lastText()).toBe('Номер чека? Если его нет — нажмите «Пропустить».')
    await barista.tap('Пропустить')
    expect(barista.lastText()).toContain(
      'На балансе 100 баллов. Списать баллы с этой покупки? Можно до 100 баллов',
    )
    await barista.tap('Без списания')
    expect(barista.lastText()).toContain(
      '✅ Покупка 350,50\u00a0₽ записана. Анна: +10 баллов, баланс 110 баллов.',
    )
    expect(barista.lastText()).toContain('☕ Штампы: 1 из 5.')

    expect(anna.lastText()).toBe(
      '🧾 Покупка в «Кофейня» на 350,50\u00a0₽: +10 баллов, баланс 110.\n☕ Штампы: 1 из 5.',
    )
    expect(await balanceOf(world, customer)).toBe(110)
    const earn = (await entriesOf(world, customer)).find((entry) => entry.kind === 'earn')
    expect(earn).toMatchObject({ delta: 10, outletId: 'main', actor: { role: 'staff', id: '4001' } })
    expect((await world.app.services.customers.get(customer.id))?.stampCard.stamps).toBe(1)
  })

  it('a question answered by typing keeps no buttons: only the open question has them', async () => {
    const world = await createWorld()
    const { barista } = await hireBarista(world, { id: 4005, first_name: 'Борис', language_code: 'ru' })
    const customer = await joinedCustomer(
      world,
      world.user({ id: 4006, first_name: 'Анна', language_code: 'ru' }),
    )
    const withButtons = () =>
      barista
        .messages()
        .filter((message) => message.from_bot && (message.reply_markup?.inline_keyboard.length ?? 0) > 0)
        .map((message) => message.text)

    await barista.openLink(cardLink(world, customer))
    await barista.tap('🧾 Покупка')
    await barista.send('сто') // refused: the question and its Cancel button stay
    expect(withButtons().at(-1)).toBe('Сумма покупки для Анна? Например: 350 или 350,50.')
    await barista.send('350')
    await barista.send('A-5')
    await barista.send('10') // points typed instead of tapped: the customer is asked to confirm
    expect(barista.lastText()).toContain('Попросили Анна подтвердить списание')
    // The summary card's actions stay; every question of the dialog lost its buttons when answered.
    expect(withButtons().filter((text) => /Сумма покупки|Номер чека|Списать баллы/.test(text ?? ''))).toEqual(
      [],
    )
  })

  it('the same receipt number twice records one purchase and one earn entry', async () => {
    const world = await createWorld()
    const { barista } = await hireBarista(world, { id: 4011, first_name: 'Bob', language_code: 'en' })
    const kate = world.user({ id: 4012, first_name: 'Kate', language_code: 'en' })
    const customer = await joinedCustomer(world, kate)

    for (let round = 0; round < 2; round += 1) {
      await barista.openLink(cardLink(world, customer))
      await barista.tap('🧾 Purchase')
      await barista.send('1 250')
      await barista.send('A-1077')
      await barista.tap('No points')
    }
    expect(barista.lastText()).toBe(
      "This receipt is already recorded — nothing was added again. Kate's balance: 137 points.",
    )
    const earns = (await entriesOf(world, customer)).filter((entry) => entry.kind === 'earn')
    expect(earns).toHaveLength(1)
    expect(earns[0]).toMatchObject({ delta: 37, purchaseId: 'receipt:main:A-1077' })
    expect(await world.app.services.purchases.countOf(customer.id)).toBe(1)
    expect(await balanceOf(world, customer)).toBe(137)
    expect(kate.texts().filter((text) => text.startsWith('🧾'))).toHaveLength(1)
    expect((await world.app.services.customers.get(customer.id))?.stampCard.stamps).toBe(1)
  })

  it('two baristas sending the same receipt at once record it once: one earn entry, one stamp', async () => {
    const world = await createWorld()
    const { barista: boris } = await hireBarista(world, {
      id: 4031,
      first_name: 'Борис',
      language_code: 'ru',
    })
    const { barista: vera } = await hireBarista(world, { id: 4032, first_name: 'Вера', language_code: 'ru' })
    const anna = world.user({ id: 4033, first_name: 'Анна', language_code: 'ru' })
    const customer = await joinedCustomer(world, anna)

    for (const barista of [boris, vera]) {
      await barista.openLink(cardLink(world, customer))
      await barista.tap('🧾 Покупка')
      await barista.send('350')
      await barista.send('B-2001')
    }
    await Promise.all([boris.tap('Без списания'), vera.tap('Без списания')])

    const answers = [boris.lastText(), vera.lastText()]
    expect(answers.filter((text) => text?.startsWith('✅ Покупка 350\u00a0₽ записана.'))).toHaveLength(1)
    expect(answers.filter((text) => text?.startsWith('Этот чек уже записан'))).toHaveLength(1)
    const earns = (await entriesOf(world, customer)).filter((entry) => entry.kind === 'earn')
    expect(earns).toHaveLength(1)
    expect(await world.app.services.purchases.countOf(customer.id)).toBe(1)
    expect(await balanceOf(world, customer)).toBe(110)
    expect((await world.app.services.customers.get(customer.id))?.stampCard.stamps).toBe(1)
    expect(anna.texts().filter((text) => text.startsWith('🧾'))).toHaveLength(1)
  })

  it('refuses amounts that are not money, negative, zero or absurdly large, and asks again', async () => {
    const world = await createWorld()
    const { barista } = await hireBarista(world, { id: 4021, first_name: 'Борис', language_code: 'ru' })
    const anna = world.user({ id: 4022, first_name: 'Анна', language_code: 'ru' })
    const customer = await joinedCustomer(world, anna)
    await barista.openLink(cardLink(world, customer))
    await barista.tap('🧾 Покупка')

    await barista.send('триста')
    expect(barista.lastText()).toBe('Не понял сумму «триста». Напишите число, например 350 или 350,50.')
    await barista.send('-350')
    expect(barista.lastText()).toBe('Сумма не может быть отрицательной.')
    await barista.send('0')
    expect(barista.lastText()).toBe('Сумма должна быть больше нуля.')
    await barista.send('50000000')
    expect(barista.lastText()).toBe('Слишком большая сумма. Проверьте, нет ли лишних нулей.')
    await barista.send('350.555')
    expect(barista.lastText()).toBe('После запятой — не больше 2 цифр.')
    expect(await world.app.services.purchases.countOf(customer.id)).toBe(0)

    await barista.send('350.5')
    expect(barista.lastText()).toBe('Номер чека? Если его нет — нажмите «Пропустить».')
    await barista.tap('Отмена')
    expect(barista.lastText()).toBe('Отменено, ничего не записано.')
    expect(await world.app.services.purchases.countOf(customer.id)).toBe(0)
    expect(await balanceOf(world, customer)).toBe(100)
  })

  it('a purchase that reaches the next status congratulates the customer', async () => {
    const world = await createWorld()
    const { barista } = await hireBarista(world, { id: 4031, first_name: 'Bob', language_code: 'en' })
    const kate = world.user({ id: 4032, first_name: 'Kate', language_code: 'en' })
    const customer = await joinedCustomer(world, kate)
    await barista.openLink(cardLink(world, customer))
    await barista.tap('🧾 Purchase')
    await barista.send('15000')
    await barista.tap('Skip')
    await barista.tap('No points')
    expect(kate.lastText()).toContain('+450 points, balance 550.')
    expect(kate.lastText()).toContain('🎉 Congratulations! Your new status is Silver.')
    expect((await world.app.services.customers.get(customer.id))?.tierId).toBe('silver')
  })
})

describe('moving on to the next guest', () => {
  it('scanning another guest in the middle of a purchase leaves the dialog without recording anything', async () => {
    const world = await createWorld()
    const { barista } = await hireBarista(world, { id: 4101, first_name: 'Борис', language_code: 'ru' })
    const anna = world.user({ id: 4102, first_name: 'Анна', language_code: 'ru' })
    const vera = world.user({ id: 4103, first_name: 'Вера', language_code: 'ru' })
    const first = await joinedCustomer(world, anna)
    const second = await joinedCustomer(world, vera)
    await barista.openLink(cardLink(world, first))
    await barista.tap('🧾 Покупка')
    await barista.send(`/scan ${second.manualCode}`)
    expect(barista.lastText()).toContain('👤 Вера')
    await barista.send('350')
    expect(barista.lastText()).toContain('Я не понял сообщение')
    expect(await world.app.services.purchases.countOf(first.id)).toBe(0)
  })
})
