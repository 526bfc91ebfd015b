import type { Customer } from '../../src/db/customers.ts'
import { money } from '../../src/domain/money.ts'
import type { FakeUser, UserProfile } from '../../src/sandbox/fake-telegram/index.ts'
import type { World } from '../support/world.ts'

/** Joins through the bot, skipping the optional steps; returns the user and their customer record. */
export async function joinedCustomer(
  world: World,
  profile: UserProfile,
  payload?: string,
): Promise<{ user: FakeUser; customer: Customer }> {
  const user = world.user(profile)
  await user.start(payload)
  const ru = (profile.language_code ?? 'ru') === 'ru'
  await user.tap(ru ? '✅ Принимаю' : '✅ I agree')
  await user.tap(ru ? `Оставить «${profile.first_name}»` : `Keep “${profile.first_name}”`)
  await user.tap(ru ? 'Пропустить' : 'Skip')
  await user.tap(ru ? 'Пропустить' : 'Skip')
  const customer = await world.app.services.customers.findByTelegramId(profile.id)
  if (!customer?.joinedAt) throw new Error(`join did not finish: ${user.lastText()}`)
  return { user, customer }
}

/** Records a purchase at the till through the ledger service, as the staff desk would. */
export function recordPurchase(world: World, customerId: string, purchaseId: string, roubles: number) {
  return world.app.services.ledger.earnForPurchase({
    customerId,
    purchaseId,
    amount: money(roubles * 100),
    outletId: 'main',
    actor: { role: 'staff', id: '4242' },
  })
}
