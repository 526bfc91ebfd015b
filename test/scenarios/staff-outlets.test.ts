import { describe, expect, it } from 'vitest'
import { createWorld, OWNER_ID, useInfrastructure } from '../support/world.ts'
import { cardLink, entriesOf, inviteLink, joinedCustomer, twoOutletProgram } from './staff-fixtures.ts'

useInfrastructure()

describe('outlets', () => {
  it('a barista invited to the park kiosk records operations there, and the audit says where', async () => {
    const world = await createWorld({ env: { PROGRAM_FILE: twoOutletProgram() } })
    const owner = world.user({ id: OWNER_ID, first_name: 'Ольга', language_code: 'ru' })
    await owner.send('/staff')
    expect(owner.inlineButtons()).toEqual([
      '➕ Пригласить в «Кофейня в центре»',
      '➕ Пригласить в «Киоск в парке»',
      '📋 Список сотрудников',
    ])
    const link = await inviteLink(owner, /Киоск в парке/)
    const boris = world.user({ id: 8001, first_name: 'Борис', language_code: 'ru' })
    await boris.openLink(link)
    expect(boris.lastText()).toContain('Теперь вы сотрудник точки «Киоск в парке»')

    const anna = world.user({ id: 8002, first_name: 'Анна', language_code: 'ru' })
    const customer = await joinedCustomer(world, anna, { extraPoints: 200 })
    await boris.openLink(cardLink(world, customer))
    await boris.tap('💳 Списать баллы')
    await boris.send('500')
    await boris.send('150')
    expect(anna.lastText()).toBe('Списать 150 баллов в Киоск в парке?')
    await anna.tap('Подтвердить')
    const redeem = (await entriesOf(world, customer)).find((entry) => entry.kind === 'redeem')
    expect(redeem).toMatchObject({ outletId: 'park', actor: { role: 'staff', id: '8001' } })

    await owner.send('/audit park')
    expect(owner.lastText()).toMatch(/Киоск в парке · Борис → Анна: списание баллов/)
    await owner.send('/audit center')
    expect(owner.lastText()).toBe('Операций на кассе пока не было.')
  })
})
