import { describe, expect, it } from 'vitest'
import { createWorld, useInfrastructure } from '../support/world.ts'
import { joinedCustomer, recordPurchase } from './customer-support.ts'

useInfrastructure()

describe('settings', () => {
  it('turns notification categories and single holidays off and on', async () => {
    const world = await createWorld()
    const { user: anna, customer } = await joinedCustomer(world, {
      id: 6001,
      first_name: 'Анна',
      language_code: 'ru',
    })
    await anna.tap('⚙️ Настройки')
    expect(anna.lastText()).toContain('Настройки')
    expect(anna.lastText()).toContain('День рождения: не указан')
    expect(anna.lastText()).toContain('✅ Акции и новости')
    await anna.tap('🔔 Уведомления')
    expect(anna.inlineButtons()).toContain('✅ 🎉 Международный женский день')
    await anna.tap('✅ Акции и новости')
    expect(anna.inlineButtons()).toContain('❌ Акции и новости')
    await anna.tap('✅ 🎉 Международный женский день')
    expect(anna.inlineButtons()).toContain('❌ 🎉 Международный женский день')
    let stored = await world.app.services.customers.get(customer.id)
    expect(stored?.consents.promotions).toBe(false)
    expect(stored?.holidayOptOuts).toEqual(['womens-day'])
    await anna.tap('❌ 🎉 Международный женский день')
    stored = await world.app.services.customers.get(customer.id)
    expect(stored?.holidayOptOuts).toEqual([])
    await anna.tap('‹ Назад')
    expect(anna.lastText()).toContain('❌ Акции и новости')

    await anna.tapData('set.1:h:no-such-holiday')
    await anna.tapData('set.1:c:spam')
    expect(
      anna
        .callbackAnswers()
        .slice(-2)
        .map((answer) => answer.text),
    ).toEqual(['Эта кнопка уже не действует.', 'Эта кнопка уже не действует.'])
  })

  it('sets the birthday, refuses 31.02, and refuses a second change within a year', async () => {
    const world = await createWorld()
    const { user: anna, customer } = await joinedCustomer(world, {
      id: 6002,
      first_name: 'Анна',
      language_code: 'ru',
    })
    await anna.send('/settings')
    await anna.tap('🎂 День рождения')
    expect(anna.lastText()).toContain('Напишите дату рождения')
    await anna.send('31.02')
    expect(anna.lastText()).toContain('Такой даты не бывает')
    await anna.send('14.03')
    expect(anna.lastText()).toBe('Сохранено: день рождения — 14 марта.')
    expect(anna.buttons()).toContain('💰 Баланс')

    // A first change is allowed (a typo fix), the next one only after a year.
    await anna.send('/settings')
    await anna.tap('🎂 День рождения')
    await anna.send('15.03.1991')
    expect(anna.lastText()).toBe('Сохранено: день рождения — 15 марта 1991 г.')
    await anna.send('/settings')
    await anna.tap('🎂 День рождения')
    expect(anna.lastText()).toMatch(/^День рождения можно будет изменить после \d+ \S+ \d{4} г\.$/)
    expect((await world.app.services.customers.get(customer.id))?.birthday).toEqual({
      day: 15,
      month: 3,
      year: 1991,
    })
  })

  it('offers the language from settings and re-issues the card from settings', async () => {
    const world = await createWorld()
    const { user: anna, customer } = await joinedCustomer(world, {
      id: 6003,
      first_name: 'Анна',
      language_code: 'ru',
    })
    await anna.send('/settings')
    await anna.tap('🌐 Язык')
    await anna.tap('English')
    expect(anna.lastText()).toBe('Done, I speak English now.')
    expect((await world.app.services.customers.get(customer.id))?.language).toBe('en')
    expect(anna.buttons()).toContain('⚙️ Settings')
    await anna.tap('⚙️ Settings')
    await anna.tap('🔁 Re-issue my card')
    await anna.tap('Yes, issue a new one')
    expect(await world.app.services.customers.findByCardToken(customer.cardToken)).toBeNull()
  })
})

describe('privacy', () => {
  it('lists what is stored, and /forget erases it after confirmation, keeping the anonymous ledger', async () => {
    const world = await createWorld()
    const { user: anna, customer } = await joinedCustomer(world, {
      id: 6101,
      first_name: 'Анна',
      language_code: 'ru',
    })
    await recordPurchase(world, customer.id, 'p1', 500)
    await anna.send('/privacy')
    expect(anna.lastText()).toContain('Что мы о вас храним')
    expect(anna.lastText()).toContain('Telegram ID: 6101')
    expect(anna.lastText()).toContain('Имя: Анна')
    expect(anna.lastText()).toContain('Телефон: —')
    expect(anna.lastText()).toContain('Операции с баллами: 2, покупки: 1')

    await anna.send('/forget')
    await anna.tap('Отмена')
    expect(anna.lastText()).toBe('Хорошо, ничего не удалено.')
    await anna.send('/forget')
    await anna.tap('Да, удалить')
    expect(anna.lastText()).toBe('Готово: ваши данные удалены. Если захотите вернуться — отправьте /start.')

    const erased = await world.app.services.customers.get(customer.id)
    expect(erased).toMatchObject({ telegramId: null, name: '', phone: null, birthday: null, chatId: null })
    expect(await world.app.services.ledgerEntries.balanceOf(customer.id)).toBe(115)
    expect(await world.app.services.customers.findByCardToken(customer.cardToken)).toBeNull()

    await anna.send('/balance')
    expect(anna.lastText()).toContain('Вы ещё не в программе')
    await anna.send('/start')
    expect(anna.lastText()).toContain('Здравствуйте, Анна!')
    const fresh = await world.app.services.customers.findByTelegramId(6101)
    expect(fresh?.id).not.toBe(customer.id)
  })

  it('speaks English on /privacy and refuses a forged forget button', async () => {
    const world = await createWorld()
    const { user: john, customer } = await joinedCustomer(world, {
      id: 6102,
      first_name: 'John',
      language_code: 'en',
    })
    await john.send('/privacy')
    expect(john.lastText()).toContain('What we store about you')
    await john.tapData('forget.1:confirm:0123456789abcdef01234567')
    expect(john.callbackAnswers().map((answer) => answer.text)).toEqual(['This button no longer works.'])
    expect((await world.app.services.customers.get(customer.id))?.erasedAt).toBeNull()
  })
})
