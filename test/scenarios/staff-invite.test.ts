import { describe, expect, it } from 'vitest'
import { createTestClock } from '../../src/domain/clock.ts'
import { createWorld, OWNER_ID, useInfrastructure } from '../support/world.ts'
import QRCode from 'qrcode'
import { balanceOf, cardLink, hireBarista, inviteLink, joinedCustomer } from './staff-fixtures.ts'

useInfrastructure()

describe('staff invites', () => {
  it('owner invites a barista: the link makes them staff of the outlet, and works only once', async () => {
    const world = await createWorld()
    const owner = world.user({ id: OWNER_ID, first_name: 'Ольга', language_code: 'ru' })
    const link = await inviteLink(owner)
    expect(owner.lastText()).toContain('одноразовая, действует 24 часа')

    const boris = world.user({ id: 2001, first_name: 'Борис', language_code: 'ru' })
    await boris.openLink(link)
    expect(boris.lastText()).toContain('Готово, Борис! Теперь вы сотрудник точки')
    expect(boris.commands().slice(0, 2)).toEqual([
      { command: 'scan', description: 'Найти гостя по коду карты' },
      { command: 'undo', description: 'Отменить мою последнюю операцию' },
    ])
    expect(await world.app.services.staffDesk.actorOf(2001, false)).toEqual({
      telegramId: 2001,
      role: 'staff',
      outletId: 'main',
    })

    const eve = world.user({ id: 2002, first_name: 'Ева', language_code: 'ru' })
    await eve.openLink(link)
    expect(eve.lastText()).toBe(
      'Эта ссылка-приглашение уже использована. Попросите владельца прислать новую.',
    )
    expect(await world.app.services.staffDesk.actorOf(2002, false)).toBeNull()
    await eve.send('/scan ABCD-EFGH')
    expect(eve.lastText()).toBe('Эта команда вам недоступна.')
  })

  it('an invite opened after 24 hours has expired and makes nobody staff', async () => {
    const clock = createTestClock(new Date())
    const world = await createWorld({ clock })
    const owner = world.user({ id: OWNER_ID, first_name: 'Olga', language_code: 'en' })
    const link = await inviteLink(owner)
    clock.advance(24 * 60 * 60 * 1000 + 1000)
    const john = world.user({ id: 2003, first_name: 'John', language_code: 'en' })
    await john.openLink(link)
    expect(john.lastText()).toBe('This invite has expired. Ask the owner for a new link.')
    expect(await world.app.services.staffDesk.actorOf(2003, false)).toBeNull()
  })

  it('a made-up invite token is refused', async () => {
    const world = await createWorld()
    const mallory = world.user({ id: 2004, first_name: 'Mallory', language_code: 'en' })
    await mallory.send('/start s-notARealInviteToken123')
    expect(mallory.lastText()).toBe('This invite link is not valid.')
  })

  it('only owners see the staff menu', async () => {
    const world = await createWorld()
    const { barista } = await hireBarista(world, { id: 2005, first_name: 'Борис', language_code: 'ru' })
    await barista.send('/staff')
    expect(barista.lastText()).toBe('Эта команда вам недоступна.')
    const anna = world.user({ id: 2006, first_name: 'Анна', language_code: 'ru' })
    await anna.send('/staff')
    expect(anna.lastText()).toBe('Эта команда вам недоступна.')
    await anna.tapData('ownst.1:list')
    expect(anna.callbackAnswers().at(-1)?.text).toBe('Эта команда вам недоступна.')
  })
})

describe('removing staff', () => {
  it('a removed barista loses access at once, even mid-way', async () => {
    const world = await createWorld()
    const { owner, barista } = await hireBarista(world, {
      id: 2101,
      first_name: 'Борис',
      language_code: 'ru',
    })
    const anna = world.user({ id: 2102, first_name: 'Анна', language_code: 'ru' })
    const customer = await joinedCustomer(world, anna)

    await barista.openLink(cardLink(world, customer))
    expect(barista.lastText()).toContain('Анна')
    const summaryButtons = barista.inlineButtons()

    await owner.send('/staff')
    await owner.tap('📋 Список сотрудников')
    expect(owner.lastText()).toContain('• Борис — ')
    await owner.tap('❌ Борис')
    expect(owner.lastText()).toBe('Борис больше не сотрудник — доступ закрыт сразу.')
    expect(await world.app.services.staffDesk.actorOf(2101, false)).toBeNull()
    expect(barista.commands().map((item) => item.command)).not.toContain('scan')

    await barista.tap(summaryButtons.find((label) => label.includes('Штамп'))!)
    expect(barista.callbackAnswers().at(-1)?.text).toBe('Эта команда вам недоступна.')
    await barista.send(`/scan ${customer.manualCode}`)
    expect(barista.lastText()).toBe('Эта команда вам недоступна.')
    await barista.openLink(cardLink(world, customer))
    expect(barista.lastText()).not.toContain('Баланс')
    expect((await world.app.services.customers.get(customer.id))?.stampCard.stamps).toBe(0)
    expect(await balanceOf(world, customer)).toBe(100)
  })
})

describe('customers at the desk', () => {
  it('a customer trying every staff command and button is refused politely, and nothing changes', async () => {
    const world = await createWorld()
    const anna = world.user({ id: 2201, first_name: 'Анна', language_code: 'ru' })
    const kate = world.user({ id: 2202, first_name: 'Kate', language_code: 'en' })
    const customer = await joinedCustomer(world, anna)
    await joinedCustomer(world, kate)
    for (const command of [`/scan ${customer.manualCode}`, '/undo', '/staff', '/audit']) {
      await kate.send(command)
      expect(kate.lastText(), command).toBe('This command is not available to you.')
    }
    for (const action of ['buy', 'redeem', 'stamp', 'reward', 'gift', 'undo']) {
      await kate.tapData(`desk.1:${action}:${customer.id}`)
      expect(kate.callbackAnswers().at(-1)?.text, action).toBe('This command is not available to you.')
    }
    await kate.tapData('ownst.1:invite:main')
    expect(kate.callbackAnswers().at(-1)?.text).toBe('This command is not available to you.')
    await kate.sendPhoto(await QRCode.toBuffer(cardLink(world, customer), { type: 'png', width: 300 }))
    expect(kate.lastText()).not.toContain('Анна')
    expect(await balanceOf(world, customer)).toBe(100)
    expect((await world.app.services.customers.get(customer.id))?.stampCard.stamps).toBe(0)
    expect(await world.app.services.staffDesk.recentOperations(10)).toEqual([])
  })

  it('a barista removed in the middle of a purchase cannot finish it', async () => {
    const world = await createWorld()
    const { owner, barista } = await hireBarista(world, { id: 2301, first_name: 'Bob', language_code: 'en' })
    const kate = world.user({ id: 2302, first_name: 'Kate', language_code: 'en' })
    const customer = await joinedCustomer(world, kate)
    await barista.openLink(cardLink(world, customer))
    await barista.tap('🧾 Purchase')
    await owner.send('/staff')
    await owner.tap('📋 Staff list')
    await owner.tap('❌ Bob')
    await barista.send('350')
    expect(barista.lastText()).not.toContain('Receipt number')
    expect(await world.app.services.purchases.countOf(customer.id)).toBe(0)
    expect(await balanceOf(world, customer)).toBe(100)
  })
})
