import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { formatDate, formatMoney } from '../../src/bot/i18n/format.ts'
import { createWorld, useInfrastructure } from '../support/world.ts'
import { joinedCustomer, recordPurchase } from './customer-support.ts'

useInfrastructure()

const rub = (roubles: number, lang: 'ru' | 'en' = 'ru') => formatMoney(roubles * 100, 'RUB', 2, lang)

describe('balance', () => {
  it('shows points with Russian plurals, the tier, progress to the next one and stamps', async () => {
    const world = await createWorld()
    const { user: anna, customer } = await joinedCustomer(world, {
      id: 4001,
      first_name: 'Анна',
      language_code: 'ru',
    })
    await anna.tap('💰 Баланс')
    expect(anna.lastText()).toContain('Ваш баланс: 100 баллов')
    expect(anna.lastText()).toContain('Статус: Бронза — 3\u00a0% баллами с каждой покупки.')
    expect(anna.lastText()).toContain(`📈 ${rub(15_000)} до статуса «Серебро».`)
    expect(anna.lastText()).toContain('Штампы: 0 из 5.')

    await recordPurchase(world, customer.id, 'p1', 100)
    await anna.send('/balance')
    expect(anna.lastText()).toContain('Ваш баланс: 103 балла')
    await recordPurchase(world, customer.id, 'p2', 600)
    await world.app.services.customers.replaceStampCard(
      customer.id,
      { stamps: 0, rewardsAvailable: 0 },
      { stamps: 4, rewardsAvailable: 1 },
    )
    await anna.send('/balance')
    expect(anna.lastText()).toContain('Ваш баланс: 121 балл')
    expect(anna.lastText()).toContain(`📈 ${rub(14_300)} до статуса «Серебро».`)
    expect(anna.lastText()).toContain('Штампы: 4 из 5.')
    expect(anna.lastText()).toContain('Доступно подарков по штампам: 1')
    expect(anna.lastText()).not.toContain('сгорят')
  })

  it('warns about points expiring within the warning window', async () => {
    const world = await createWorld()
    const { user: anna, customer } = await joinedCustomer(world, {
      id: 4002,
      first_name: 'Анна',
      language_code: 'ru',
    })
    const granted = await world.app.services.ledger.grantBonus({
      kind: 'birthday',
      customerId: customer.id,
      year: 2026,
    })
    await anna.send('/balance')
    expect(anna.lastText()).toContain('Ваш баланс: 300 баллов')
    const date = formatDate(granted!.entry.expiresAt!, 'ru', world.config.program.timeZone)
    expect(anna.lastText()).toContain(`⏳ 200 баллов сгорят ${date}`)
  })

  it('shows the balance in English', async () => {
    const world = await createWorld()
    const { user: john, customer } = await joinedCustomer(world, {
      id: 4003,
      first_name: 'John',
      language_code: 'en',
    })
    await recordPurchase(world, customer.id, 'p1', 34)
    await john.tap('💰 Balance')
    expect(john.lastText()).toContain('Your balance: 101 points')
    expect(john.lastText()).toContain('Status: Bronze — 3% back in points on every purchase.')
    expect(john.lastText()).toContain(`📈 ${rub(14_966, 'en')} to Silver.`)
  })

  it('shows the discount instead of points in discount-card mode', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'program-'))
    const file = path.join(dir, 'program.yaml')
    writeFileSync(file, 'mode: discount\n')
    const world = await createWorld({ env: { PROGRAM_FILE: file } })
    const { user: anna } = await joinedCustomer(world, { id: 4004, first_name: 'Анна', language_code: 'ru' })
    await anna.send('/balance')
    expect(anna.lastText()).toContain('Ваша скидка: 3\u00a0%')
    expect(anna.lastText()).toContain(`📈 ${rub(15_000)} до статуса «Серебро» со скидкой 5\u00a0%.`)
    expect(anna.lastText()).not.toContain('Ваш баланс')
  })
})

describe('history', () => {
  it('pages operations newest first, ten a page, with ‹ › buttons, and refuses forged pages', async () => {
    const world = await createWorld()
    const { user: anna, customer } = await joinedCustomer(world, {
      id: 4101,
      first_name: 'Анна',
      language_code: 'ru',
    })
    for (let index = 1; index <= 12; index += 1)
      await recordPurchase(world, customer.id, `h${index}`, 100 * index)
    await world.app.services.ledger.redeem({
      customerId: customer.id,
      points: 20 as never,
      purchaseAmount: 100_00 as never,
      operationId: 'r1',
      outletId: 'main',
      actor: { role: 'staff', id: '4242' },
    })
    await anna.tap('📜 История')
    const lines = (text: string | undefined) =>
      (text ?? '').split('\n').filter((line) => line.split(' · ').length === 3)
    const first = lines(anna.lastText())
    expect(anna.lastText()).toContain('История операций · Страница 1')
    expect(first).toHaveLength(10)
    expect(first[0]).toContain('Оплата баллами · −20')
    expect(first[1]).toContain('Покупка · +36')
    expect(anna.inlineButtons()).toEqual(['Раньше ›'])

    await anna.tap('Раньше ›')
    const second = lines(anna.lastText())
    expect(anna.lastText()).toContain('Страница 2')
    expect(second).toHaveLength(4)
    expect(second.at(-1)).toContain('Приветственный бонус · +100')
    expect(anna.inlineButtons()).toEqual(['‹ Позже'])

    await anna.tap('‹ Позже')
    expect(lines(anna.lastText())).toEqual(first)

    await anna.tapData('hist.1:7')
    await anna.tapData('hist.1:-1')
    await anna.tapData('hist.0:1')
    expect(
      anna
        .callbackAnswers()
        .slice(-3)
        .map((answer) => answer.text),
    ).toEqual([
      'Эта кнопка уже не действует.',
      'Эта кнопка уже не действует.',
      'Эта кнопка уже не действует.',
    ])
  })

  it('shows an English history with localized dates', async () => {
    const world = await createWorld()
    const { user: john, customer } = await joinedCustomer(world, {
      id: 4102,
      first_name: 'John',
      language_code: 'en',
    })
    await recordPurchase(world, customer.id, 'p1', 1000)
    await john.send('/history')
    const entries = await world.app.services.ledgerEntries.allEntriesOf(customer.id)
    const date = formatDate(entries[1]!.createdAt, 'en', world.config.program.timeZone, true)
    expect(john.lastText()).toContain(`${date} · Purchase · +30`)
    expect(john.lastText()).toContain('Welcome bonus · +100')
    expect(john.inlineButtons()).toEqual([])
  })
})

describe('rewards', () => {
  it('says what points and stamps buy and what is close', async () => {
    const world = await createWorld()
    const { user: anna, customer } = await joinedCustomer(world, {
      id: 4201,
      first_name: 'Анна',
      language_code: 'ru',
    })
    await world.app.services.customers.replaceStampCard(
      customer.id,
      { stamps: 0, rewardsAvailable: 0 },
      { stamps: 3, rewardsAvailable: 0 },
    )
    await anna.tap('🎁 Награды')
    const text = anna.lastText()
    expect(text).toContain('Ими можно оплатить до 30\u00a0% покупки.')
    expect(text).toContain(
      `Сейчас у вас 100 баллов — их хватит, чтобы оплатить ${rub(100)} из покупки от ${rub(334)}.`,
    )
    expect(text).toContain('Кофе в подарок: каждая 6-я покупка бесплатно. У вас 3 из 5.')
    expect(text).toContain('Осталось 2 покупки до подарка «Кофе в подарок».')
    expect(text).toContain(`${rub(15_000)} до статуса «Серебро»: 5\u00a0% баллами с покупки.`)
    expect(text).toContain('В день рождения — 200 баллов в подарок.')
  })

  it('says so in English when a stamp reward is waiting', async () => {
    const world = await createWorld()
    const { user: john, customer } = await joinedCustomer(world, {
      id: 4202,
      first_name: 'John',
      language_code: 'en',
    })
    await world.app.services.customers.replaceStampCard(
      customer.id,
      { stamps: 0, rewardsAvailable: 0 },
      { stamps: 4, rewardsAvailable: 1 },
    )
    await john.send('/rewards')
    expect(john.lastText()).toContain('“A free coffee” is waiting for you')
    expect(john.lastText()).toContain('You have 100 points now')
  })
})
