import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { expect } from 'vitest'
import type { Customer } from '../../src/db/customers.ts'
import type { FakeUser } from '../../src/sandbox/fake-telegram/index.ts'
import { OWNER_ID, type World } from '../support/world.ts'

/**
 * Story helpers of the staff-desk scenarios: a joined customer, an owner who invites a barista, the
 * card link of a customer. Customers are created through the customer repository and the ledger
 * service (the join dialog is the customer side's own scenario).
 */

/** A customer who has joined: a record with a card, the welcome bonus (100 points by default) and more. */
export async function joinedCustomer(
  world: World,
  user: FakeUser,
  options: { name?: string; language?: string; extraPoints?: number } = {},
): Promise<Customer> {
  const { customers, ledger, clock } = world.app.services
  // The customer has a chat with the bot (Telegram delivers nothing to someone who never wrote).
  await user.send('/help')
  const record = await customers.ensure({
    telegramId: user.id,
    chatId: user.id,
    name: options.name ?? user.profile.first_name,
    language: options.language ?? user.profile.language_code ?? 'ru',
    tierId: world.config.program.tiers[0]!.id,
  })
  await customers.markJoined(record.id, clock.now())
  await ledger.grantBonus({ kind: 'welcome', customerId: record.id })
  if (options.extraPoints) {
    await ledger.grantBonus({
      kind: 'adjustment',
      customerId: record.id,
      points: options.extraPoints,
      note: 'test top-up',
      operationId: `topup-${record.id}`,
      actor: { role: 'owner', id: String(OWNER_ID) },
    })
  }
  return (await customers.get(record.id))!
}

/** The card deep link a phone camera opens when scanning the customer's QR. */
export function cardLink(world: World, customer: Customer): string {
  return `https://t.me/${world.app.bot.botInfo.username}?start=c-${customer.cardToken}`
}

/** The owner opens /staff and taps the invite button of the (first) outlet; returns the link they got. */
export async function inviteLink(
  owner: FakeUser,
  buttonLabel: RegExp = /Пригласить|Invite/,
): Promise<string> {
  await owner.send('/staff')
  const label = owner.inlineButtons().find((text) => buttonLabel.test(text))
  expect(label, `invite button among ${JSON.stringify(owner.inlineButtons())}`).toBeDefined()
  await owner.tap(label!)
  const link = /https:\/\/t\.me\/\S+\?start=s-[\w-]+/.exec(owner.lastText() ?? '')?.[0]
  expect(link, owner.lastText()).toBeDefined()
  return link!
}

/** A barista who became staff through the owner's invite. */
export async function hireBarista(
  world: World,
  profile: { id: number; first_name: string; language_code: string },
) {
  const owner = world.user({ id: OWNER_ID, first_name: 'Ольга', language_code: profile.language_code })
  const barista = world.user(profile)
  await barista.openLink(await inviteLink(owner))
  return { owner, barista }
}

/** Points on the customer's ledger (sum of entries), read from the database. */
export async function balanceOf(world: World, customer: Customer): Promise<number> {
  return world.app.services.ledgerEntries.balanceOf(customer.id)
}

/** The customer's ledger entries, oldest first. */
export async function entriesOf(world: World, customer: Customer) {
  return world.app.services.ledgerEntries.allEntriesOf(customer.id)
}

/** A program file with two partner outlets sharing one program (`center` and `park`). */
export function twoOutletProgram(): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'outlets-')), 'program.yaml')
  writeFileSync(
    file,
    [
      'shopName: Кофейня',
      'outlets:',
      '  - { id: center, name: Кофейня в центре }',
      '  - { id: park, name: Киоск в парке }',
      '',
    ].join('\n'),
  )
  return file
}
