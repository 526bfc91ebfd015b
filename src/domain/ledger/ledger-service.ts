import { DAY_MS } from '../clock.ts'
import { DomainError } from '../errors.ts'
import { points, pointsDelta, type Points } from '../points.ts'
import type { AppendResult } from '../ports/ledger-repository.ts'
import { assertRedeemable } from '../purchase.ts'
import { assertAffordable } from '../reward-catalogue.ts'
import type { Money } from '../money.ts'
import type { Actor, LedgerCursor, LedgerPage, NewLedgerEntry } from './entry.ts'
import { redeemKey } from './keys.ts'
import { computeExpiry, expiringSoon, type ExpiringPoints } from './lots.ts'
import { createPurchaseFlow } from './purchase-flow.ts'
import { createBonusGrants } from './bonus-grants.ts'
import { createReversals } from './reversals.ts'
import { activeAccount, assertSameOperation, type LedgerServiceDeps } from './service-parts.ts'

export type { LedgerServiceDeps } from './service-parts.ts'
export type { PurchaseOutcome, PurchaseRequest } from './purchase-flow.ts'
export type { BonusRequest } from './bonus-grants.ts'
export type { ReversalAuthority } from './reversals.ts'

/** Entries per history page unless asked otherwise. */
export const DEFAULT_HISTORY_PAGE = 10

/** A standalone redemption (points spent without recording a purchase in the same step). */
export interface RedeemRequest {
  readonly customerId: string
  readonly points: Points
  /** The purchase the points pay for: the cap applies to it (unused for a catalogue reward). */
  readonly purchaseAmount: Money
  /**
   * A catalogue reward bought with these points: only the balance is checked (it is not a share
   * of a purchase, so no cap), and the entry's reason names it (`reward coffee`).
   */
  readonly rewardId?: string
  /** Made once per redemption dialog; retries with it are harmless. */
  readonly operationId: string
  readonly outletId: string
  readonly actor: Actor
}

/**
 * The points ledger as a service: every change of a balance goes through here, as an append-only
 * entry with an idempotency key. Other rules (quote, tiers, referral) are pure functions it uses.
 */
export function createLedgerService(deps: LedgerServiceDeps) {
  const { ledger, clock, program } = deps
  const shared = { ...deps, activeAccount: (id: string) => activeAccount(deps.customers, id), expireFor }

  /** Appends the expiry entries due for one customer; returns those created now. */
  async function expireFor(customerId: string): Promise<AppendResult[]> {
    const due = computeExpiry(await ledger.allEntriesOf(customerId), clock.now())
    const results: AppendResult[] = []
    for (const entry of due) {
      try {
        results.push(await ledger.appendDebitIfCovered(entry))
      } catch (error) {
        // A concurrent spend took these points first; the next run recomputes from the ledger.
        if (!(error instanceof DomainError && error.code === 'LEDGER.INSUFFICIENT_POINTS')) throw error
      }
    }
    return results.filter((result) => result.created)
  }

  return {
    ...createPurchaseFlow(shared),
    ...createBonusGrants(shared),
    ...createReversals(shared),
    expireFor,

    /**
     * Spends points against a purchase amount (cap and balance checked, then an atomic debit), or
     * on a catalogue reward (balance checked). Refuses with REDEEM.NOT_POSITIVE, REDEEM.OVER_CAP,
     * REDEEM.OVER_BALANCE, REDEEM.NOT_AVAILABLE, REWARD.NOT_ENOUGH_POINTS or
     * LEDGER.INSUFFICIENT_POINTS (a concurrent spend won).
     */
    async redeem(request: RedeemRequest): Promise<AppendResult & { readonly balance: Points }> {
      await activeAccount(deps.customers, request.customerId)
      if (request.points === 0) throw new DomainError('REDEEM.NOT_POSITIVE')
      if (program.mode === 'discount') throw new DomainError('REDEEM.NOT_AVAILABLE')
      const key = redeemKey(request.operationId)
      const done = await ledger.findByKey(key)
      if (done === null) {
        await expireFor(request.customerId)
        const balance = await ledger.balanceOf(request.customerId)
        if (request.rewardId === undefined)
          assertRedeemable(program, request.purchaseAmount, balance, request.points)
        else assertAffordable({ id: request.rewardId, points: request.points }, balance)
      }
      const entry: NewLedgerEntry = {
        customerId: request.customerId,
        delta: pointsDelta(-request.points),
        kind: 'redeem',
        reason: request.rewardId === undefined ? 'redeem' : `reward ${request.rewardId}`,
        actor: request.actor,
        outletId: request.outletId,
        createdAt: clock.now(),
        idempotencyKey: key,
      }
      const result = await ledger.appendDebitIfCovered(entry)
      assertSameOperation(result, entry)
      return { ...result, balance: await ledger.balanceOf(request.customerId) }
    },

    /**
     * Runs expiry for every customer with credits expiring in [since, now]; `since` defaults to
     * 7 days back so a job that was down for a few days catches up. Returns the entries created.
     */
    async expireDue(since?: Date): Promise<number> {
      const now = clock.now()
      const from = since ?? new Date(now.getTime() - 7 * DAY_MS)
      let created = 0
      for (const customerId of await ledger.customersWithCreditsExpiringBetween(from, now)) {
        created += (await expireFor(customerId)).length
      }
      return created
    },

    /** One page of history, newest first (default 10 entries). */
    async history(
      customerId: string,
      page: { limit?: number; before?: LedgerCursor } = {},
    ): Promise<LedgerPage> {
      const limit = page.limit ?? DEFAULT_HISTORY_PAGE
      const entries = await ledger.entriesOf(customerId, { limit: limit + 1, before: page.before })
      const shown = entries.slice(0, limit)
      const last = shown[shown.length - 1]
      return {
        entries: shown,
        next: entries.length > limit && last ? { createdAt: last.createdAt, id: last.id } : null,
      }
    },

    /**
     * The spendable balance (points past their expiry are left out even before the expiry job
     * wrote them) and the points expiring within `warningDays`, for the Balance screen.
     */
    async balanceSummary(
      customerId: string,
    ): Promise<{ readonly balance: Points; readonly expiring: ExpiringPoints }> {
      const entries = await ledger.allEntriesOf(customerId)
      const now = clock.now()
      const expiring = expiringSoon(entries, now, program.points.warningDays)
      const expired = computeExpiry(entries, now).reduce((sum, entry) => sum - entry.delta, 0)
      const total = entries.reduce((sum, entry) => sum + entry.delta, 0)
      return { balance: points(Math.max(0, total - expired)), expiring }
    },
  }
}

/** The service made by {@link createLedgerService}. */
export type LedgerService = ReturnType<typeof createLedgerService>
