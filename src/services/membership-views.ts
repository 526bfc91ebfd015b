import { catalogueOffers, type CatalogueOffer } from '../domain/reward-catalogue.ts'
import type { Customer } from '../db/customer-record.ts'
import type { LedgerCursor, LedgerPage } from '../domain/ledger/entry.ts'
import type { ExpiringPoints } from '../domain/ledger/lots.ts'
import type { Money } from '../domain/money.ts'
import { points, type Points } from '../domain/points.ts'
import type { Program, Tier } from '../domain/program.ts'
import { stampsPerCard } from '../domain/stamps.ts'
import { progressToNext, tierById, tierWindowStart, type TierProgress } from '../domain/tiers.ts'
import type { MembershipDeps } from './membership.ts'

/** What the Balance screen shows. */
export interface BalanceView {
  readonly mode: Program['mode']
  readonly balance: Points
  readonly expiring: ExpiringPoints
  readonly tier: Tier
  /** Null at the top tier. */
  readonly progress: (TierProgress & { readonly nextTier: Tier }) | null
  /** Null when the stamp card is off. */
  readonly stamps: {
    readonly stamps: number
    readonly perCard: number
    readonly rewardsAvailable: number
  } | null
}

/** What the Rewards screen shows: what points and stamps buy, and what is close. */
export interface RewardsView {
  readonly balance: Points
  /** Share of a purchase points may pay, basis points. */
  readonly redeemCapBp: number
  /** Smallest purchase (whole currency units, in minor units) whose cap lets the whole balance be spent. */
  readonly purchaseToSpendAll: Money
  readonly stamps: BalanceView['stamps']
  readonly progress: BalanceView['progress']
  readonly birthdayBonus: Points
  /** The points catalogue, cheapest first, with the points still missing; empty in discount mode. */
  readonly catalogue: readonly CatalogueOffer[]
}

/**
 * The read-only screens of the membership service: balance, rewards, history. Balance and rewards take
 * the member the caller has just read (`memberOf`), so a screen costs no second read of the record.
 */
export function createMembershipViews(deps: MembershipDeps) {
  const { purchases, ledger, clock, program } = deps

  async function spendInWindow(customerId: string): Promise<Money> {
    const now = clock.now()
    return purchases.spendBetween(customerId, tierWindowStart(program.tierWindow, now), now)
  }

  async function tierProgress(customer: Customer): Promise<BalanceView['progress']> {
    const progress = progressToNext(program.tiers, customer.tierId, await spendInWindow(customer.id))
    return progress ? { ...progress, nextTier: tierById(program.tiers, progress.next) } : null
  }

  function stampsOf(customer: Customer): BalanceView['stamps'] {
    if (!program.stampCard.enabled) return null
    return {
      stamps: customer.stampCard.stamps,
      perCard: stampsPerCard(program.stampCard),
      rewardsAvailable: customer.stampCard.rewardsAvailable,
    }
  }

  return {
    /** Balance, tier and progress, stamps and points expiring within the warning window. */
    async balance(customer: Customer): Promise<BalanceView> {
      const [{ balance, expiring }, progress] = await Promise.all([
        ledger.balanceSummary(customer.id),
        tierProgress(customer),
      ])
      return {
        mode: program.mode,
        balance,
        expiring,
        tier: tierById(program.tiers, customer.tierId),
        progress,
        stamps: stampsOf(customer),
      }
    },

    /** What points and stamps buy now and what is close. */
    async rewards(customer: Customer): Promise<RewardsView> {
      const [{ balance }, progress] = await Promise.all([
        ledger.balanceSummary(customer.id),
        tierProgress(customer),
      ])
      const capBp = program.points.redeemCapBp
      const unit = 10 ** program.currency.minorUnits
      // Points are worth one currency unit each; the cap allows `capBp / 10 000` of a purchase.
      // Rounded up to whole currency units: "from 334 ₽" reads better than "from 333,34 ₽".
      const purchaseToSpendAll = capBp === 0 ? 0 : Math.ceil((balance * 10_000) / capBp) * unit
      return {
        balance,
        redeemCapBp: capBp,
        purchaseToSpendAll: purchaseToSpendAll as Money,
        stamps: stampsOf(customer),
        progress,
        birthdayBonus: program.birthday.enabled ? program.birthday.bonusPoints : points(0),
        catalogue: program.mode === 'points' ? catalogueOffers(program.rewards, balance) : [],
      }
    },

    /** One page of the customer's operations, newest first. */
    history(customerId: string, before?: LedgerCursor): Promise<LedgerPage> {
      return ledger.history(customerId, before ? { before } : {})
    },
  }
}
