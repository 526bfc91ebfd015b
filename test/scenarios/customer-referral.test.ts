import { describe, expect, it } from 'vitest'
import { formatMoney } from '../../src/bot/i18n/format.ts'
import { createWorld, useInfrastructure, type World } from '../support/world.ts'
import { joinedCustomer, recordPurchase } from './customer-support.ts'

useInfrastructure()

/** The invite link shown on the Invite screen. */
function linkIn(text: string | undefined): string {
  const link = /https:\/\/t\.me\/\S+\?start=r-[a-z0-9]+/.exec(text ?? '')?.[0]
  if (!link) throw new Error(`no invite link in: ${text}`)
  return link
}

async function referralEntries(world: World, customerId: string) {
  const entries = await world.app.services.ledgerEntries.allEntriesOf(customerId)
  return entries.filter((entry) => entry.kind === 'referral').map((entry) => [entry.reason, entry.delta])
}

describe('invite a friend', () => {
  it('friend joins through the link; both get the bonus once, after the first qualifying purchase', async () => {
    const world = await createWorld()
    const { user: anna, customer: annaRecord } = await joinedCustomer(world, {
      id: 5001,
      first_name: 'Анна',
      language_code: 'ru',
    })
    await anna.tap('🤝 Пригласить друга')
    const min = formatMoney(30_000, 'RUB', 2, 'ru')
    expect(anna.lastText()).toContain(`первую покупку от ${min}, вы получите 100 баллов, а друг — 100 баллов`)
    expect(anna.inlineButtons()).toEqual(['📨 Отправить другу'])
    const link = linkIn(anna.lastText())
    expect(link).toBe(`https://t.me/${world.app.bot.botInfo.username}?start=r-${annaRecord.referralCode}`)

    const boris = world.user({ id: 5002, first_name: 'Борис', language_code: 'ru' })
    await boris.openLink(link)
    expect(boris.texts()).toContain('Вас пригласил друг 🤝 После первой покупки вы оба получите бонус.')
    const { customer: borisRecord } = await joinedCustomer(world, {
      id: 5002,
      first_name: 'Борис',
      language_code: 'ru',
    })
    expect(borisRecord.invitedBy).toBe(annaRecord.id)

    await recordPurchase(world, borisRecord.id, 'small', 299)
    expect(await referralEntries(world, annaRecord.id)).toEqual([])
    const outcome = await recordPurchase(world, borisRecord.id, 'first', 500)
    expect(outcome.referralEntries).toHaveLength(2)
    await recordPurchase(world, borisRecord.id, 'second', 800)
    expect(await referralEntries(world, annaRecord.id)).toEqual([['referral inviter', 100]])
    expect(await referralEntries(world, borisRecord.id)).toEqual([['referral invitee', 100]])
    await anna.send('/balance')
    expect(anna.lastText()).toContain('Ваш баланс: 200 баллов')
  })

  it('refuses self-referral, a second inviter and an unknown link', async () => {
    const world = await createWorld()
    const { user: anna, customer: annaRecord } = await joinedCustomer(world, {
      id: 5101,
      first_name: 'Анна',
      language_code: 'ru',
    })
    const { customer: carolRecord } = await joinedCustomer(world, {
      id: 5102,
      first_name: 'Карина',
      language_code: 'ru',
    })
    const annaLink = `r-${annaRecord.referralCode}`
    const carolLink = `r-${carolRecord.referralCode}`

    await anna.start(annaLink)
    expect(anna.texts().slice(-2)).toEqual([
      'Пригласить самого себя не получится 🙂',
      'С возвращением, Анна! Выберите действие в меню внизу.',
    ])

    const dina = world.user({ id: 5103, first_name: 'Дина', language_code: 'ru' })
    await dina.start(annaLink)
    await dina.start(carolLink)
    expect(dina.texts()).toContain('Вас уже пригласил другой участник.')
    expect(dina.lastText()).toContain('Здравствуйте, Дина!')
    const { customer: dinaRecord, user: dinaUser } = await joinedCustomer(world, {
      id: 5103,
      first_name: 'Дина',
      language_code: 'ru',
    })
    await dinaUser.start(carolLink)
    expect(dinaUser.texts().at(-2)).toBe('Вас уже пригласил другой участник.')
    expect((await world.app.services.customers.get(dinaRecord.id))?.invitedBy).toBe(annaRecord.id)

    await anna.start(carolLink)
    expect(anna.texts().at(-2)).toBe('Приглашение действует только для новых участников.')

    const egor = world.user({ id: 5104, first_name: 'Егор', language_code: 'ru' })
    await egor.start('r-zzzzzzzzzz')
    expect(egor.texts()).toContain('Ссылка-приглашение недействительна.')
    expect(egor.lastText()).toContain('Здравствуйте, Егор!')
  })

  it('shows the invite link in English', async () => {
    const world = await createWorld()
    const { user: john, customer } = await joinedCustomer(world, {
      id: 5201,
      first_name: 'John',
      language_code: 'en',
    })
    await john.tap('🤝 Invite a friend')
    expect(john.lastText()).toContain('you get 100 points and your friend gets 100 points')
    expect(linkIn(john.lastText())).toContain(`start=r-${customer.referralCode}`)
    await john.start(`r-${customer.referralCode}`)
    expect(john.texts().at(-2)).toBe("You can't invite yourself 🙂")
  })
})
