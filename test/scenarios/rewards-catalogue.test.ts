import { describe, expect, it } from 'vitest'
import type { Customer } from '../../src/db/customers.ts'
import { createWorld, OWNER_ID, useInfrastructure, type World } from '../support/world.ts'
import { balanceOf, cardLink, entriesOf, hireBarista, joinedCustomer } from './staff-fixtures.ts'

useInfrastructure()

/** Points added by the owner, as a correction would. */
async function topUp(world: World, customer: Customer, points: number, note: string): Promise<void> {
  await world.app.services.ledger.grantBonus({
    kind: 'adjustment',
    customerId: customer.id,
    points,
    note,
    operationId: `${note}-${customer.id}`,
    actor: { role: 'owner', id: String(OWNER_ID) },
  })
}

/** A barista with the summary of a customer holding `points` (welcome bonus included) open. */
async function counter(lang: 'ru' | 'en', points: number) {
  const world = await createWorld()
  const { barista } = await hireBarista(world, {
    id: 9501,
    first_name: lang === 'ru' ? 'Борис' : 'Bob',
    language_code: lang,
  })
  const guest = world.user({ id: 9502, first_name: lang === 'ru' ? 'Анна' : 'Kate', language_code: lang })
  const customer = await joinedCustomer(world, guest, { extraPoints: points - 100 })
  await barista.openLink(cardLink(world, customer))
  return { world, barista, guest, customer }
}

describe('the points reward catalogue on the Rewards screen', () => {
  it('lists each reward with the points still missing, with Russian plurals', async () => {
    const world = await createWorld()
    const anna = world.user({ id: 9401, first_name: 'Анна', language_code: 'ru' })
    const customer = await joinedCustomer(world, anna)
    await anna.send('/rewards')
    expect(anna.lastText()).toContain('🎁 Награды за баллы:')
    expect(anna.lastText()).toContain('• Кофе в подарок — 200 баллов: не хватает 100 баллов.')
    expect(anna.lastText()).toContain('• Десерт в подарок — 300 баллов: не хватает 200 баллов.')

    await topUp(world, customer, 199, 'gift-a')
    await anna.send('/rewards')
    expect(anna.lastText()).toContain('✅ Кофе в подарок — 200 баллов: хватает, скажите кассиру.')
    expect(anna.lastText()).toContain('• Десерт в подарок — 300 баллов: не хватает 1 балла.')
  })

  it('speaks English to an English-speaking customer', async () => {
    const world = await createWorld()
    const kate = world.user({ id: 9402, first_name: 'Kate', language_code: 'en' })
    const customer = await joinedCustomer(world, kate)
    await topUp(world, customer, 99, 'gift-b')
    await kate.send('/rewards')
    expect(kate.lastText()).toContain('🎁 Rewards for points:')
    expect(kate.lastText()).toContain('• A free coffee — 200 points: 1 more point needed.')
    expect(kate.lastText()).toContain('• A free dessert — 300 points: 101 more points needed.')
  })
})

describe('staff give a catalogue reward for points', () => {
  it('the customer confirms: the price is debited with the reward named in the ledger', async () => {
    const { world, barista, guest, customer } = await counter('ru', 500)
    await barista.tap('🍰 Награда за баллы')
    expect(barista.lastText()).toBe('Какую награду выдать Анна? На счёте 500 баллов.')
    expect(barista.inlineButtons()).toEqual(['Кофе в подарок · 200 баллов', 'Десерт в подарок · 300 баллов'])
    await barista.tap('Кофе в подарок · 200 баллов')
    expect(barista.lastText()).toBe(
      'Попросили Анна подтвердить: «Кофе в подарок» за 200 баллов. Ждём ответа…',
    )
    expect(guest.lastText()).toBe('Списать 200 баллов в Кофейня за «Кофе в подарок»?')
    expect(guest.inlineButtons()).toEqual(['Подтвердить', 'Отклонить'])
    expect(await balanceOf(world, customer)).toBe(500)

    // No purchase and no 30 % cap: the reward's whole price is spent.
    await guest.tap('Подтвердить')
    expect(guest.lastText()).toBe(
      '✅ Списано 200 баллов за «Кофе в подарок» — приятного аппетита! Баланс: 300 баллов.',
    )
    expect(barista.lastText()).toBe(
      '✅ Анна подтвердил(а): «Кофе в подарок» за 200 баллов. Можно выдавать. Баланс: 300 баллов.',
    )
    expect(await balanceOf(world, customer)).toBe(300)
    const redeemed = (await entriesOf(world, customer)).filter((entry) => entry.kind === 'redeem')
    expect(redeemed).toEqual([
      expect.objectContaining({
        delta: -200,
        reason: 'reward coffee',
        outletId: 'main',
        actor: { role: 'staff', id: '9501' },
      }),
    ])
    await guest.send('/history')
    expect(guest.lastText()).toMatch(/Награда: Кофе в подарок · (<b>)?−200/)
  })

  it('the customer declines: nothing is spent and the barista is told', async () => {
    const { world, barista, guest, customer } = await counter('en', 350)
    await barista.tap('🍰 Reward for points')
    await barista.tap('A free dessert · 300 points')
    expect(guest.lastText()).toBe('Spend 300 points at Кофейня for “A free dessert”?')
    await guest.tap('Decline')
    expect(barista.lastText()).toBe('❌ Kate declined redeeming 300 points. No points were spent.')
    // The prompt keeps its question, names the reward and loses its buttons.
    expect(guest.texts().at(-1)).toBe(
      'Spend 300 points at Кофейня for “A free dessert”?\n\nOK, no points were spent.',
    )
    expect(await balanceOf(world, customer)).toBe(350)
    expect((await entriesOf(world, customer)).filter((entry) => entry.kind === 'redeem')).toHaveLength(0)
  })

  it('refuses a reward the balance does not cover, saying how many points are missing', async () => {
    const { world, barista, guest, customer } = await counter('ru', 150)
    const before = guest.texts().length
    await barista.tap('🍰 Награда за баллы')
    await barista.tap('Десерт в подарок · 300 баллов')
    expect(barista.lastText()).toBe(
      'На «Десерт в подарок» не хватает 150 баллов: на счёте 150 баллов, нужно 300 баллов.',
    )
    expect(guest.texts()).toHaveLength(before)
    expect(await balanceOf(world, customer)).toBe(150)
  })

  it('a button for a reward no longer in the catalogue is refused politely', async () => {
    const { barista, customer } = await counter('en', 500)
    await barista.tapData(`dskr.1:tea:${customer.id}`)
    expect(barista.lastText()).toBe('This reward is no longer in the catalogue.')
  })
})
