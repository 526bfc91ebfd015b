import { describe, expect, it } from 'vitest'
import { createWorld, useInfrastructure } from '../support/world.ts'
import { balanceOf, cardLink, entriesOf, hireBarista, joinedCustomer } from './staff-fixtures.ts'

useInfrastructure()

describe('gift certificates at the desk', () => {
  it('a certificate issued to one guest is accepted once for another, and refused the second time', async () => {
    const world = await createWorld()
    const { barista } = await hireBarista(world, { id: 7001, first_name: 'Bob', language_code: 'en' })
    const kate = world.user({ id: 7002, first_name: 'Kate', language_code: 'en' })
    const anna = world.user({ id: 7003, first_name: 'Анна', language_code: 'ru' })
    const buyer = await joinedCustomer(world, kate)
    const friend = await joinedCustomer(world, anna)

    await barista.openLink(cardLink(world, buyer))
    await barista.tap('🎟 Certificate')
    await barista.tap('Issue')
    await barista.send('1000')
    const issued = barista.lastText() ?? ''
    expect(issued).toMatch(/^🎟 Certificate for ₽1,000 issued to Kate\. Code: [2-9A-Z]{5}-[2-9A-Z]{5}$/)
    const code = /Code: (\S+)/.exec(issued)![1]!
    expect(kate.lastText()).toContain(`You have a gift certificate for ₽1,000! Code: ${code}`)

    await barista.openLink(cardLink(world, friend))
    await barista.tap('🎟 Certificate')
    await barista.tap('Accept a code')
    await barista.send(code.toLowerCase())
    expect(barista.lastText()).toBe(
      '🎟 Certificate for ₽1,000 accepted: Анна gets +1,000 points. Balance: 1,100 points.',
    )
    expect(anna.lastText()).toBe('🎟 Сертификат принят: +1\u00a0000 баллов. Баланс: 1\u00a0100 баллов.')
    expect(await balanceOf(world, friend)).toBe(1100)

    await barista.openLink(cardLink(world, buyer))
    await barista.tap('🎟 Certificate')
    await barista.tap('Accept a code')
    await barista.send(code)
    expect(barista.lastText()).toBe('This gift certificate has already been used.')
    expect(await balanceOf(world, buyer)).toBe(100)
    expect((await entriesOf(world, friend)).filter((entry) => entry.kind === 'gift')).toHaveLength(1)
  })

  it('a mistyped code is refused before anything is looked up', async () => {
    const world = await createWorld()
    const { barista } = await hireBarista(world, { id: 7101, first_name: 'Борис', language_code: 'ru' })
    const anna = world.user({ id: 7102, first_name: 'Анна', language_code: 'ru' })
    const customer = await joinedCustomer(world, anna)
    await barista.openLink(cardLink(world, customer))
    await barista.tap('🎟 Сертификат')
    await barista.tap('Принять по коду')
    await barista.send('ABCDE-FGHIJ')
    expect(barista.lastText()).toBe('«ABCDE-FGHIJ» не похоже на код сертификата.')
    expect(await balanceOf(world, customer)).toBe(100)
  })
})
