import { describe, expect, it } from 'vitest'
import { createWorld, OWNER_ID, useInfrastructure } from '../support/world.ts'

useInfrastructure()

describe('first contact', () => {
  it('greets a Russian-speaking user by name, says what the program gives and shows the menu', async () => {
    const world = await createWorld()
    const anna = world.user({ id: 1001, first_name: 'Анна', language_code: 'ru' })
    await anna.send('/start')
    expect(anna.lastText()).toContain('Здравствуйте, Анна!')
    expect(anna.lastText()).toContain(world.config.program.shopName)
    expect(anna.lastText()).toContain('баллы')
    expect(anna.buttons()).toEqual(expect.arrayContaining(['❓ Помощь', '🌐 Язык']))
  })

  it('speaks English to a user whose Telegram is in English', async () => {
    const world = await createWorld()
    const john = world.user({ id: 1002, first_name: 'John', language_code: 'en' })
    await john.send('/start')
    expect(john.lastText()).toContain('Hello, John!')
    expect(john.buttons()).toEqual(expect.arrayContaining(['❓ Help', '🌐 Language']))
  })

  it('escapes a name that looks like HTML instead of failing to send', async () => {
    const world = await createWorld()
    const mallory = world.user({ id: 1003, first_name: '<b>Mal</b>', language_code: 'ru' })
    await mallory.send('/start')
    expect(mallory.lastText()).toContain('Здравствуйте, <b>Mal</b>!')
  })

  it('answers /help and the Help button with what the bot can do', async () => {
    const world = await createWorld()
    const anna = world.user({ id: 1004, first_name: 'Анна', language_code: 'ru' })
    await anna.send('/help')
    expect(anna.lastText()).toContain('Что умеет бот')
    await anna.send('/start')
    await anna.tap('❓ Помощь')
    expect(anna.lastText()).toContain('/language')
  })

  it('answers unknown text with a hint and the menu instead of silence', async () => {
    const world = await createWorld()
    const anna = world.user({ id: 1005, first_name: 'Анна', language_code: 'ru' })
    await anna.send('абракадабра')
    expect(anna.lastText()).toContain('Я не понял сообщение')
    expect(anna.buttons()).toContain('❓ Помощь')
    await anna.send('🎉🎉🎉')
    expect(anna.lastText()).toContain('Я не понял сообщение')
  })
})

describe('language', () => {
  it('switches to English on request and keeps it after a restart', async () => {
    const world = await createWorld()
    const anna = world.user({ id: 1101, first_name: 'Анна', language_code: 'ru' })
    await anna.send('/language')
    expect(anna.lastText()).toBe('Выберите язык:')
    expect(anna.buttons()).toEqual(expect.arrayContaining(['Русский', 'English']))
    await anna.tap('English')
    expect(anna.lastText()).toBe('Done, I speak English now.')
    await world.restart()
    await anna.send('/help')
    expect(anna.lastText()).toContain('What the bot can do')
  })

  it('refuses a forged or outdated language button politely and changes nothing', async () => {
    const world = await createWorld()
    const anna = world.user({ id: 1102, first_name: 'Анна', language_code: 'ru' })
    await anna.send('/language')
    await anna.tapData('lang.1:de')
    await anna.tapData('lang.0:en')
    await anna.tapData('totally-forged')
    expect(anna.callbackAnswers().map((answer) => answer.text)).toEqual([
      'Эта кнопка уже не действует.',
      'Эта кнопка уже не действует.',
      'Эта кнопка уже не действует.',
    ])
    await anna.send('/help')
    expect(anna.lastText()).toContain('Что умеет бот')
  })
})

describe('commands menu', () => {
  it('shows an owner the owner tools from their first message, without trying before their chat exists', async () => {
    const world = await createWorld()
    const owner = world.user({ id: OWNER_ID, first_name: 'Игорь', language_code: 'ru' })
    await owner.send('/help')
    expect(owner.commands().map((command) => command.command)).toEqual(
      expect.arrayContaining([
        'stats',
        'segments',
        'broadcast',
        'export',
        'program',
        'staff',
        'audit',
        'nps',
        'scan',
        'help',
      ]),
    )
    const customer = world.user({ id: 1701, first_name: 'Анна', language_code: 'ru' })
    await customer.send('/help')
    expect(customer.commands().map((command) => command.command)).not.toContain('nps')
    const menus = world.tg.apiCalls().filter((call) => call.method === 'setMyCommands')
    expect(menus.filter((call) => call.status !== 200)).toEqual([])
    // Set once: later messages and a restart do not set the owner's menu again.
    await owner.send('/help')
    await world.restart()
    await owner.send('/help')
    const ownerMenus = world.tg
      .apiCalls()
      .filter((call) => call.method === 'setMyCommands' && call.params.scope !== undefined)
    expect(ownerMenus).toHaveLength(1)
  })

  it('shows the owner tools in the language the owner picked', async () => {
    const world = await createWorld()
    const owner = world.user({ id: OWNER_ID, first_name: 'Игорь', language_code: 'ru' })
    await owner.send('/help')
    expect(owner.commands().find((command) => command.command === 'help')?.description).toBe('Справка')
    await owner.send('/language')
    await owner.tap('English')
    await owner.send('/help')
    expect(owner.commands().find((command) => command.command === 'help')?.description).toBe('Help')
  })

  it('registers the command menu in English and in Russian', async () => {
    const world = await createWorld()
    const calls = world.tg.apiCalls().filter((call) => call.method === 'setMyCommands')
    const russian = calls.find((call) => call.params.language_code === 'ru')
    const fallback = calls.find((call) => call.params.language_code === undefined)
    expect(russian?.params.commands).toEqual(
      expect.arrayContaining([{ command: 'help', description: 'Справка' }]),
    )
    expect(fallback?.params.commands).toEqual(
      expect.arrayContaining([{ command: 'help', description: 'Help' }]),
    )
  })
})
