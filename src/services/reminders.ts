import type { Customer, CustomerRepository } from '../db/customers.ts'
import type { GreetingsRepository } from '../db/greetings.ts'
import type { OutboxPart } from '../db/outbox.ts'
import { DAY_MS, type Clock } from '../domain/clock.ts'
import type { LedgerService } from '../domain/ledger/ledger-service.ts'
import type { LedgerRepository } from '../domain/ports/ledger-repository.ts'
import type { Program } from '../domain/program.ts'
import { isReactivationDue } from '../domain/reactivation.ts'
import { mergeReminders, type DueReminder } from '../domain/reminders.ts'
import { nearestReward, nearRewardCrossing } from '../domain/reward-catalogue.ts'
import { stampsToReward } from '../domain/stamps.ts'
import { languageOf } from '../bot/i18n/index.ts'
import type { OutboxService } from './outbox.ts'

export interface RemindersDeps {
  greetings: GreetingsRepository
  customers: CustomerRepository
  ledger: LedgerService
  /** The raw entries, to find when the balance came close to a reward. */
  ledgerEntries: Pick<LedgerRepository, 'allEntriesOf'>
  outbox: OutboxService
  clock: Clock
  program: Program
}

/** What a reminders run queued, for logs and tests. */
export interface RemindersReport {
  /** Messages queued (each may hold several reminders). */
  queued: number
}

/** The outbox key of a customer's reminders of one local day: one message a day at most. */
export const remindersKey = (customerId: string, day: string) => `reminders:${customerId}:${day}`

/** Tags that remember what a reminder was about, so it is not repeated (see each kind). */
const tags = {
  reactivation: 'reactivation',
  unfinishedJoin: 'unfinished_join',
  /** Per expiring lot date: a new lot expiring later is warned about again. */
  pointsExpiring: (firstExpiresAt: Date) => `points_expiring:${firstExpiresAt.toISOString()}`,
  /** Per number of purchases: a new purchase that again leaves one stamp to go is worth a nudge. */
  nearReward: (purchases: number) => `near_reward:${purchases}`,
  /** Per reward and per entry that brought the balance close to it: once per crossing. */
  nearPointsReward: (rewardId: string, crossing: string) => `near_points_reward:${rewardId}:${crossing}`,
}

/** A reminder with the tag it leaves in the outbox. */
type TaggedReminder = DueReminder & { readonly tag: string }

/**
 * "We miss you", unfinished join, points about to expire, "one stamp to a reward" and "50 points
 * from a free coffee" (the cheapest catalogue reward not yet affordable). All due
 * reminders of a customer on one local day go out as one message (category `reminder`, one unit of
 * the promotional cap), keyed per customer and day so a rerun queues nothing new.
 */
export function createRemindersService(deps: RemindersDeps) {
  const { greetings, customers, ledger, outbox, clock, program } = deps

  const tagged = async (customerId: string, tag: string) => (await outbox.withTag(customerId, tag)).length > 0

  async function reactivation(customer: Customer, now: Date): Promise<TaggedReminder | null> {
    if (!customer.consents.reminders) return null
    const purchases = await greetings.purchaseDates(customer.id)
    const sent = (await outbox.withTag(customer.id, tags.reactivation)).map((message) => message.createdAt)
    if (!isReactivationDue({ purchases, reminders: sent }, now, program.reactivation)) return null
    const last = purchases[purchases.length - 1] as Date
    const days = Math.floor((now.getTime() - last.getTime()) / DAY_MS)
    return {
      customerId: customer.id,
      kind: 'reactivation',
      dueAt: now,
      params: { count: days },
      tag: tags.reactivation,
    }
  }

  async function pointsExpiring(customer: Customer, now: Date): Promise<TaggedReminder | null> {
    if (program.points.expiryDays === 0) return null
    const { expiring } = await ledger.balanceSummary(customer.id)
    if (expiring.points === 0 || expiring.firstExpiresAt === null) return null
    const tag = tags.pointsExpiring(expiring.firstExpiresAt)
    if (await tagged(customer.id, tag)) return null
    const params = { count: expiring.points, untilDate: expiring.firstExpiresAt.toISOString() }
    return { customerId: customer.id, kind: 'points_expiring', dueAt: now, params, tag }
  }

  async function nearReward(customer: Customer, now: Date): Promise<TaggedReminder | null> {
    const rules = program.stampCard
    if (!rules.enabled || customer.stampCard.stamps === 0) return null
    if (stampsToReward(customer.stampCard, rules) !== 1) return null
    const tag = tags.nearReward((await greetings.purchaseDates(customer.id)).length)
    if (await tagged(customer.id, tag)) return null
    const reward = rules.rewardNames[languageOf(customer.language)]
    return { customerId: customer.id, kind: 'near_reward', dueAt: now, params: { count: 1, reward }, tag }
  }

  async function nearPointsReward(customer: Customer, now: Date): Promise<TaggedReminder | null> {
    if (program.mode !== 'points' || !customer.consents.reminders) return null
    const near = nearestReward(program.rewards, (await ledger.balanceSummary(customer.id)).balance)
    if (near === null) return null
    const entries = await deps.ledgerEntries.allEntriesOf(customer.id)
    // Expiry not yet written by its job can put the balance in the window with no entry doing so.
    const crossing =
      nearRewardCrossing(entries, near.reward.points, program.rewards.nearPoints) ??
      entries.at(-1)?.id ??
      'start'
    const tag = tags.nearPointsReward(near.reward.id, crossing)
    if (await tagged(customer.id, tag)) return null
    const reward = near.reward.names[languageOf(customer.language)]
    const params = { count: near.missing, reward }
    return { customerId: customer.id, kind: 'near_points_reward', dueAt: now, params, tag }
  }

  async function unfinishedJoin(customer: Customer, now: Date): Promise<TaggedReminder | null> {
    if (customer.joinedAt !== null || (await tagged(customer.id, tags.unfinishedJoin))) return null
    return {
      customerId: customer.id,
      kind: 'unfinished_join',
      dueAt: now,
      params: {},
      tag: tags.unfinishedJoin,
    }
  }

  async function dueFor(customer: Customer, now: Date): Promise<TaggedReminder[]> {
    const found = await Promise.all([
      pointsExpiring(customer, now),
      nearReward(customer, now),
      nearPointsReward(customer, now),
      reactivation(customer, now),
    ])
    return found.filter((reminder): reminder is TaggedReminder => reminder !== null)
  }

  return {
    /**
     * Finds every reminder due now and queues one message per customer: members (points
     * expiring within the warning window, one stamp or a few points to a reward, no visit for
     * longer than usual)
     * and people who left the join unfinished for a day (reminded once).
     */
    async runReminders(): Promise<RemindersReport> {
      const now = clock.now()
      const due: TaggedReminder[] = []
      for (const id of await greetings.memberIds()) {
        const customer = await customers.get(id)
        if (customer && customer.erasedAt === null) due.push(...(await dueFor(customer, now)))
      }
      for (const id of await greetings.unfinishedJoinIds(new Date(now.getTime() - DAY_MS))) {
        const customer = await customers.get(id)
        const reminder = customer && customer.erasedAt === null ? await unfinishedJoin(customer, now) : null
        if (reminder) due.push(reminder)
      }
      const tagOf = new Map(due.map((reminder) => [`${reminder.customerId}:${reminder.kind}`, reminder.tag]))
      let queued = 0
      for (const merged of mergeReminders(due, program.timeZone)) {
        const parts: OutboxPart[] = [
          { key: merged.reminders.length > 1 ? 'reminders.header_several' : 'reminders.header_single' },
          ...merged.reminders.map((reminder) => ({
            key: `reminders.${reminder.kind}`,
            vars: reminder.params,
          })),
          { key: 'reminders.how_to_opt_out' },
        ]
        const added = await outbox.enqueue({
          customerId: merged.customerId,
          category: 'reminder',
          key: remindersKey(merged.customerId, merged.day),
          tags: merged.reminders.map(
            (reminder) => tagOf.get(`${reminder.customerId}:${reminder.kind}`) ?? reminder.kind,
          ),
          payload: { parts },
        })
        if (added) queued += 1
      }
      return { queued }
    },
  }
}

/** The service made by {@link createRemindersService}. */
export type RemindersService = ReturnType<typeof createRemindersService>
