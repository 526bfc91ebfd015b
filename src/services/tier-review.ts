import type { Customer, CustomerRepository } from '../db/customers.ts'
import type { PurchaseRepository } from '../domain/ports/purchase-repository.ts'
import { startOfPeriod } from '../domain/calendar.ts'
import type { Clock } from '../domain/clock.ts'
import { quietHoursEnd } from '../domain/messaging-policy.ts'
import { shortfall, type Money } from '../domain/money.ts'
import type { Program } from '../domain/program.ts'
import { tierById, tierForSpend, tierRank, tierToKeep, tierWindowStart } from '../domain/tiers.ts'
import { formatMoney } from '../bot/i18n/format.ts'
import { languageOf } from '../bot/i18n/index.ts'
import type { OutboxService } from './outbox.ts'

export interface TierReviewDeps {
  customers: CustomerRepository
  purchases: PurchaseRepository
  outbox: OutboxService
  clock: Clock
  program: Program
}

/** What a review run did, for logs and tests. */
export interface TierReviewReport {
  /** Customers moved to a lower tier by this run. */
  downgraded: number
}

/** The outbox key of the notice about a downgrade at one review boundary. */
export const tierDowngradeKey = (customerId: string, boundary: Date) =>
  `tier-down:${customerId}:${boundary.toISOString()}`

/**
 * The tier review: "a downgrade only at period end". Upgrades happen at the till; here, once a
 * review period (month, quarter or year in the program time zone) has ended, every customer above
 * the first tier whose tier was set before that boundary keeps exactly the tier their spend in the
 * window ending at the boundary earns. The move is a compare-and-set on the held tier, so a rerun,
 * a second worker or a late run after downtime changes nothing twice; the customer is told once
 * (keyed per boundary), not at night. A lifetime window never reviews: tiers never go down.
 */
export function createTierReviewService(deps: TierReviewDeps) {
  const { customers, purchases, outbox, clock, program } = deps

  /** Tells the customer, moved from `fromId`, their new tier and what brings the old one back. */
  async function notify(customer: Customer, fromId: string, spendNow: Money, boundary: Date, now: Date) {
    const lang = languageOf(customer.language)
    const from = tierById(program.tiers, fromId)
    const to = tierById(program.tiers, customer.tierId)
    const { currency } = program
    const missing = formatMoney(shortfall(from.threshold, spendNow), currency.code, currency.minorUnits, lang)
    await outbox.enqueue({
      customerId: customer.id,
      // About the customer's own account, like a receipt: no consent switch, no promotional cap.
      category: 'transactional',
      key: tierDowngradeKey(customer.id, boundary),
      tags: ['tier_down'],
      payload: {
        parts: [
          { key: 'balance.tier_down', vars: { from: from.names[lang], to: to.names[lang] } },
          { key: 'balance.tier_down_back', vars: { tier: from.names[lang], missing } },
        ],
      },
      dueAt: quietHoursEnd(now, program.messaging.quietHours, program.timeZone) ?? now,
    })
  }

  return {
    /** Applies the downgrades of the last review boundary that has passed; see {@link createTierReviewService}. */
    async runReview(): Promise<TierReviewReport> {
      const report: TierReviewReport = { downgraded: 0 }
      const window = program.tierWindow
      const base = program.tiers[0]
      if (window.kind === 'lifetime' || !base) return report
      const now = clock.now()
      const boundary = startOfPeriod(now, window.reviewEvery, program.timeZone)
      const above = program.tiers.slice(1).map((tier) => tier.id)
      for (const held of await customers.tierHoldersSetBefore(above, boundary)) {
        const spend = await purchases.spendBetween(held.id, tierWindowStart(window, boundary), boundary)
        const atBoundary = tierToKeep(program.tiers, {
          heldTierId: held.tierId,
          spendInWindow: spend,
          now: boundary,
          periodEnd: boundary,
        })
        // Spend since the boundary still counts: what would upgrade at the till is not taken away.
        const spendNow = await purchases.spendBetween(held.id, tierWindowStart(window, now), now)
        const earnedNow = tierForSpend(program.tiers, spendNow)
        const kept =
          tierRank(program.tiers, earnedNow.id) > tierRank(program.tiers, atBoundary.id)
            ? earnedNow
            : atBoundary
        if (tierRank(program.tiers, kept.id) >= tierRank(program.tiers, held.tierId)) continue
        const moved = await customers.moveTier(held.id, held.tierId, kept.id, now)
        if (!moved) continue
        report.downgraded += 1
        await notify(moved, held.tierId, spendNow, boundary, now)
      }
      return report
    },
  }
}

/** The service made by {@link createTierReviewService}. */
export type TierReviewService = ReturnType<typeof createTierReviewService>
