import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { FakeUser } from '../../src/sandbox/fake-telegram/index.ts'
import { createWorld, useInfrastructure, type World } from '../support/world.ts'

useInfrastructure()

/** The ledger entries of a Telegram user's customer record. */
async function entriesOf(world: World, user: FakeUser) {
  const customer = await world.app.services.customers.findByTelegramId(user.id)
  if (!customer) throw new Error(`no customer for ${user.id}`)
  return world.app.services.ledgerEntries.allEntriesOf(customer.id)
}

describe('joining in Russian', () => {
  it('customer joins with every step, gets the welcome bonus and the main menu', async () => {
    const world = await createWorld()
    const anna = world.user({ id: 2001, first_name: 'Анна', language_code: 'ru' })
    await anna.send('/start')
    expect(anna.lastText()).toContain('Здравствуйте, Анна!')
    expect(anna.lastText()).toContain('100 баллов сразу после регистрации')
    expect(anna.lastText()).toContain('3\u00a0% от суммы')
    expect(anna.lastText()).toContain('подарок в день рождения')
    expect(anna.lastText()).toContain('баллы действуют 365 дней')
    expect(anna.buttons()).toEqual(['✅ Принимаю', '❓ Помощь', '🌐 Язык'])

    await anna.tap('✅ Принимаю')
    expect(anna.lastText()).toContain('Как к вам обращаться?')
    expect(anna.buttons()).toContain('Оставить «Анна»')
    await anna.send('Анна Петровна')

    expect(anna.lastText()).toContain('Поделитесь номером телефона')
    expect(anna.buttons()).toEqual(expect.arrayContaining(['📱 Отправить мой номер', 'Пропустить']))
    await anna.tap('📱 Отправить мой номер')

    expect(anna.lastText()).toContain('Когда у вас день рождения?')
    expect(anna.lastText()).toContain('В день рождения мы дарим 200 баллов.')
    await anna.send('14.03.1990')

    expect(anna.lastText()).toContain('Готово, Анна Петровна, вы в программе!')
    expect(anna.lastText()).toContain('На ваш счёт начислено 100 баллов.')
    expect(anna.buttons()).toEqual([
      '💰 Баланс',
      '💳 Моя карта',
      '📜 История',
      '🎁 Награды',
      '🤝 Пригласить друга',
      '⚙️ Настройки',
      '❓ Помощь',
    ])

    const customer = await world.app.services.customers.findByTelegramId(2001)
    expect(customer).toMatchObject({
      name: 'Анна Петровна',
      birthday: { day: 14, month: 3, year: 1990 },
      language: 'ru',
    })
    expect(customer?.phone).toMatch(/^\+\d+$/)
    expect(customer?.joinedAt).toBeInstanceOf(Date)
    expect(customer?.rulesAcceptedAt).toBeInstanceOf(Date)
    const entries = await entriesOf(world, anna)
    expect(entries.map((entry) => [entry.kind, entry.delta])).toEqual([['welcome', 100]])
  })

  it('customer skips the optional steps and keeps the Telegram name', async () => {
    const world = await createWorld()
    const boris = world.user({ id: 2002, first_name: 'Борис', language_code: 'ru' })
    await boris.send('/start')
    await boris.tap('✅ Принимаю')
    await boris.tap('Оставить «Борис»')
    await boris.tap('Пропустить')
    await boris.tap('Пропустить')
    expect(boris.lastText()).toContain('Готово, Борис, вы в программе!')
    const customer = await world.app.services.customers.findByTelegramId(2002)
    expect(customer).toMatchObject({ name: 'Борис', phone: null, birthday: null })
  })

  it('refuses someone else’s contact, 31.02 and text instead of buttons, asking the same question again', async () => {
    const world = await createWorld()
    const anna = world.user({ id: 2003, first_name: 'Анна', language_code: 'ru' })
    await anna.send('/start')
    await anna.send('да')
    expect(anna.lastText()).toBe('Чтобы вступить, нажмите «✅ Принимаю» внизу.')
    await anna.tap('✅ Принимаю')
    await anna.tap('Оставить «Анна»')

    await anna.shareContact({ user_id: 999_999, phone_number: '+79991234567', first_name: 'Пётр' })
    expect(anna.lastText()).toContain('Это чужой контакт')
    await anna.send('+7 999 123-45-67')
    expect(anna.lastText()).toContain('Вводить номер вручную не нужно')
    expect(anna.buttons()).toContain('📱 Отправить мой номер')
    await anna.tap('Пропустить')

    await anna.send('31.02')
    expect(anna.lastText()).toBe(
      'Такой даты не бывает. Напишите день и месяц, например 14.03 или 14.03.1990.',
    )
    await anna.send('завтра')
    expect(anna.lastText()).toContain('Такой даты не бывает')
    await anna.send('29.02')
    expect(anna.lastText()).toContain('вы в программе')
    const customer = await world.app.services.customers.findByTelegramId(2003)
    expect(customer?.phone).toBeNull()
    expect(customer?.birthday).toEqual({ day: 29, month: 2, year: null })
  })

  it('refuses a too long name and a second tap on the consent button as a name', async () => {
    const world = await createWorld()
    const anna = world.user({ id: 2004, first_name: 'Анна', language_code: 'ru' })
    await anna.send('/start')
    await anna.tap('✅ Принимаю')
    await anna.send('✅ Принимаю')
    expect(anna.lastText()).toBe('Напишите имя текстом или нажмите кнопку внизу.')
    await anna.send('А'.repeat(41))
    expect(anna.lastText()).toBe('Имя должно быть от 1 до 40 символов. Напишите ещё раз.')
    await anna.send('<b>Аня</b>')
    expect(anna.lastText()).toContain('Поделитесь номером')
    expect((await world.app.services.customers.findByTelegramId(2004))?.name).toBe('<b>Аня</b>')
  })

  it('resumes a half-finished join after /help and after a restart of the bot', async () => {
    const world = await createWorld()
    const anna = world.user({ id: 2005, first_name: 'Анна', language_code: 'ru' })
    await anna.send('/start')
    await anna.tap('✅ Принимаю')
    await anna.send('Аня')
    expect(anna.lastText()).toContain('Поделитесь номером')

    await anna.send('/help')
    expect(anna.lastText()).toContain('Что умеет бот')
    // A menu button from an old keyboard is not taken for an answer.
    await anna.send('💰 Баланс')
    expect(anna.lastText()).toContain('Вы ещё не в программе')
    await world.restart()
    await anna.send('/start')
    expect(anna.lastText()).toContain('Поделитесь номером')
    await anna.tap('Пропустить')
    await anna.send('1.9')
    expect(anna.lastText()).toContain('Готово, Аня, вы в программе!')
    expect((await entriesOf(world, anna)).map((entry) => entry.kind)).toEqual(['welcome'])
  })

  it('gives the welcome bonus once: a member sending /start again gets the menu', async () => {
    const world = await createWorld()
    const anna = world.user({ id: 2006, first_name: 'Анна', language_code: 'ru' })
    await anna.send('/start')
    await anna.tap('✅ Принимаю')
    await anna.tap('Оставить «Анна»')
    await anna.tap('Пропустить')
    await anna.tap('Пропустить')
    await anna.send('/start')
    expect(anna.lastText()).toBe('С возвращением, Анна! Выберите действие в меню внизу.')
    expect(anna.buttons()).toContain('💰 Баланс')
    await world.restart()
    await anna.send('/start')
    expect(anna.lastText()).toContain('С возвращением')
    const customer = await world.app.services.customers.findByTelegramId(2006)
    await world.app.services.membership.finishJoin(customer!.id)
    const entries = await entriesOf(world, anna)
    expect(entries.map((entry) => [entry.kind, entry.delta])).toEqual([['welcome', 100]])
  })

  it('a customer opening a card link just joins or sees their menu; garbage payloads are harmless', async () => {
    const world = await createWorld()
    const anna = world.user({ id: 2007, first_name: 'Анна', language_code: 'ru' })
    await anna.start('c-notarealtoken')
    expect(anna.lastText()).toBeDefined()
    await anna.start('r-')
    expect(anna.lastText()).toContain('Здравствуйте, Анна!')
    await anna.tap('✅ Принимаю')
    await anna.tap('Оставить «Анна»')
    await anna.tap('Пропустить')
    await anna.tap('Пропустить')
    await anna.start('%%%garbage%%%')
    expect(anna.lastText()).toContain('С возвращением')
  })

  it('asks members-only questions of someone who has not joined to join first', async () => {
    const world = await createWorld()
    const anna = world.user({ id: 2008, first_name: 'Анна', language_code: 'ru' })
    await anna.send('/balance')
    expect(anna.lastText()).toBe(
      'Вы ещё не в программе. Отправьте /start, чтобы вступить — это займёт минуту.',
    )
  })
})

describe('joining under other program rules', () => {
  it('links the configured rules and says nothing about a welcome bonus when there is none', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'program-')), 'program.yaml')
    writeFileSync(file, 'rulesUrl: https://example.com/rules\npoints:\n  welcomeBonus: 0\n')
    const world = await createWorld({ env: { PROGRAM_FILE: file } })
    const anna = world.user({ id: 2201, first_name: 'Анна', language_code: 'ru' })
    await anna.send('/start')
    expect(anna.lastText()).toContain('Правила программы: прочитать.')
    expect(anna.lastText()).not.toContain('сразу после регистрации')
    expect(JSON.stringify(anna.lastMessage())).toContain('https://example.com/rules')
    await anna.tap('✅ Принимаю')
    await anna.tap('Оставить «Анна»')
    await anna.tap('Пропустить')
    await anna.tap('Пропустить')
    expect(anna.lastText()).toContain('Готово, Анна, вы в программе!')
    expect(anna.lastText()).not.toContain('начислено')
    expect(await entriesOf(world, anna)).toEqual([])
  })
})

describe('joining in English', () => {
  it('customer joins in English with every step and sees the English menu', async () => {
    const world = await createWorld()
    const john = world.user({ id: 2101, first_name: 'John', language_code: 'en' })
    await john.send('/start')
    expect(john.lastText()).toContain('Hello, John!')
    expect(john.lastText()).toContain('100 points right after you join')
    expect(john.buttons()).toEqual(['✅ I agree', '❓ Help', '🌐 Language'])
    await john.tap('✅ I agree')
    expect(john.lastText()).toContain('What should we call you?')
    await john.tap('Keep “John”')
    await john.shareContact({ user_id: 1, phone_number: '+441234567890' })
    expect(john.lastText()).toContain("That is someone else's contact")
    await john.tap('📱 Share my number')
    await john.send('30.02.1990')
    expect(john.lastText()).toBe('There is no such date. Write the day and month, e.g. 14.03 or 14.03.1990.')
    await john.send('14/03')
    expect(john.lastText()).toContain('Done, John, you are in!')
    expect(john.lastText()).toContain('100 points have been added')
    expect(john.buttons()).toEqual(expect.arrayContaining(['💰 Balance', '💳 My card', '🤝 Invite a friend']))
    const entries = await entriesOf(world, john)
    expect(entries.map((entry) => entry.kind)).toEqual(['welcome'])
  })
})
