import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { Birthday } from '../../src/domain/birthday.ts'
import { createTestClock, DAY_MS, type TestClock } from '../../src/domain/clock.ts'
import { money } from '../../src/domain/money.ts'
import type { FakeUser, UserProfile } from '../../src/sandbox/fake-telegram/index.ts'
import { createWorld, type World } from '../support/world.ts'

export { DAY_MS }

/** A café in Moscow with the default rules (quiet hours 21:00-10:00, 3 promotional messages in 30 days). */
const PROGRAM_YAML = `
shopName: Кофейня Зерно
timeZone: Europe/Moscow
`

/** A world on the café's program (plus `extraYaml`) whose clock starts at `start`. */
export async function createGreetingsWorld(
  start: string,
  extraYaml = '',
): Promise<{ world: World; clock: TestClock }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'greetings-'))
  const file = path.join(dir, 'program.yaml')
  writeFileSync(file, PROGRAM_YAML + extraYaml)
  const clock = createTestClock(start)
  const world = await createWorld({ env: { PROGRAM_FILE: file }, clock })
  return { world, clock }
}

/** A member who has written to the bot, optionally with a birthday. */
export async function member(
  world: World,
  profile: UserProfile,
  birthday?: Birthday,
): Promise<{ user: FakeUser; id: string }> {
  const user = world.user(profile)
  await user.send('/help')
  const { membership, customers } = world.app.services
  const opened = await membership.open({
    telegramId: profile.id,
    chatId: profile.id,
    firstName: profile.first_name,
    language: profile.language_code === 'en' ? 'en' : 'ru',
  })
  await membership.acceptRules(opened.id)
  await membership.finishJoin(opened.id)
  if (birthday) await customers.setBirthday(opened.id, birthday, null)
  return { user, id: opened.id }
}

let purchaseCounter = 0

/** A purchase at the till now (on the world's clock), as the staff desk records it. */
export async function buy(world: World, customerId: string, roubles = 500): Promise<void> {
  purchaseCounter += 1
  await world.app.services.ledger.earnForPurchase({
    customerId,
    purchaseId: `op:greetings-${purchaseCounter}-${Date.now()}`,
    amount: money(roubles * 100),
    outletId: 'main',
    actor: { role: 'staff', id: '4242' },
  })
}

/** Runs the birthday sweep and the outbox, as the jobs do. */
export async function runBirthdays(world: World) {
  const queued = await world.app.services.greetings.runBirthdays()
  const sent = await world.app.services.outbox.dispatchDue()
  return { ...queued, ...sent }
}

/** Runs the holiday sweep and the outbox, as the jobs do. */
export async function runHolidays(world: World) {
  const queued = await world.app.services.greetings.runHolidays()
  const sent = await world.app.services.outbox.dispatchDue()
  return { ...queued, ...sent }
}

/** Runs the reminders sweep and the outbox, as the jobs do. */
export async function runReminders(world: World) {
  const queued = await world.app.services.reminders.runReminders()
  const sent = await world.app.services.outbox.dispatchDue()
  return { ...queued, ...sent }
}

/** The bot's messages to `user` that contain `fragment`. */
export function textsWith(user: FakeUser, fragment: string): string[] {
  return user.texts().filter((text) => text.includes(fragment))
}
