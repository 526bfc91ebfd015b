import { DomainError } from '../errors.ts'
import type { Money } from '../money.ts'
import { points, pointsDelta, type Points } from '../points.ts'
import type { LoyaltyAccount } from '../ports/customer-accounts.ts'
import type { AppendResult } from '../ports/ledger-repository.ts'
import type { Purchase } from '../ports/purchase-repository.ts'
import type { Tier } from '../program.ts'
import { quotePurchase } from '../purchase.ts'
import { referralBonusesFor } from '../referral.ts'
import { detectUpgrade, tierById, tierWindowStart } from '../tiers.ts'
import { SYSTEM_ACTOR, type Actor, type LedgerEntry, type NewLedgerEntry } from './entry.ts'
import { earnKey, purchaseRedeemKey } from './keys.ts'
import { assertSameOperation, creditExpiry, type LedgerServiceParts } from './service-parts.ts'

/** A purchase as staff records it, optionally paying part of it with points. */
export interface PurchaseRequest {
  readonly customerId: string
  /** See `receiptPurchaseId`; the same id twice records the purchase once. */
  readonly purchaseId: string
  /** Receipt total before card benefits, minor units. */
  readonly amount: Money
  /** Points to spend, already confirmed by the customer; absent or 0: none. */
  readonly redeem?: Points
  /** Stamp-card items; default 1 when the stamp card is on. */
  readonly stampItems?: number
  readonly outletId: string
  readonly actor: Actor
  /**
   * The customer as the caller has just read it (already checked active), so the purchase does
   * not read it again; read here when absent.
   */
  readonly account?: LoyaltyAccount
}

/** Everything that happened, for the staff's and the customer's messages. */
export interface PurchaseOutcome {
  /** Amount, discount, points redeemed and earned, amount paid, stamps. */
  readonly purchase: Purchase
  readonly redeemEntry: LedgerEntry | null
  readonly earnEntry: LedgerEntry | null
  /** Referral bonuses paid by this purchase (to the inviter and to this customer). */
  readonly referralEntries: readonly LedgerEntry[]
  /** The new tier when this purchase lifted the customer; null otherwise. */
  readonly upgradedTo: Tier | null
  readonly balance: Points
  /** True when the purchase id was recorded before: nothing new was charged or earned. */
  readonly replayed: boolean
}

/** The purchase part of the ledger service. */
export function createPurchaseFlow(parts: LedgerServiceParts) {
  const { ledger, customers, purchases, clock, program } = parts

  /**
   * Stores the purchase (after spending its points, when it spends any); `created` is false when
   * the id was recorded before, and `purchase` is then the stored one.
   */
  async function recordOnce(
    request: PurchaseRequest,
    account: LoyaltyAccount,
    now: Date,
  ): Promise<{ readonly purchase: Purchase; readonly created: boolean }> {
    const requested = request.redeem ?? points(0)
    const quote = quotePurchase(program, {
      amount: request.amount,
      tier: tierById(program.tiers, account.tierId),
      balance: requested > 0 ? await balanceForRedeem(request) : points(0),
      requestedRedeem: requested,
      stampItems: request.stampItems,
    })
    const draft: Purchase = {
      id: request.purchaseId,
      customerId: request.customerId,
      amount: quote.amount,
      discountBp: quote.discountBp,
      discount: quote.discount,
      redeemed: quote.redeem,
      paid: quote.paid,
      earned: quote.earn,
      stamps: quote.stamps,
      outletId: request.outletId,
      actor: request.actor,
      createdAt: now,
      voidedAt: null,
    }
    if (draft.redeemed > 0) {
      const entry = purchaseEntry(draft, 'redeem')
      assertSameOperation(await ledger.appendDebitIfCovered(entry), entry)
    }
    return purchases.record(draft)
  }

  /**
   * The balance a redemption of this purchase may spend: after due expiries, and counting back
   * the purchase's own redeem entry when a crash left it written without the purchase. Only a
   * redemption needs it; the quote of a purchase without points does not look at the balance.
   */
  async function balanceForRedeem(request: PurchaseRequest): Promise<Points> {
    const priorRedeem = await ledger.findByKey(purchaseRedeemKey(request.purchaseId))
    if (priorRedeem === null) await parts.expireFor(request.customerId)
    return points((await ledger.balanceOf(request.customerId)) - (priorRedeem?.delta ?? 0))
  }

  /** A purchase id reused for another customer, amount or redemption: LEDGER.IDEMPOTENCY_CONFLICT. */
  function assertSamePurchase(stored: Purchase, request: PurchaseRequest): void {
    if (
      stored.customerId !== request.customerId ||
      stored.amount !== request.amount ||
      stored.redeemed !== (request.redeem ?? 0)
    ) {
      throw new DomainError('LEDGER.IDEMPOTENCY_CONFLICT', { key: request.purchaseId })
    }
  }

  /** The customer of a purchase: as the caller read it, else read now; refused when erased or unknown. */
  async function accountOf(request: PurchaseRequest): Promise<LoyaltyAccount> {
    const given = request.account
    if (given === undefined) return parts.activeAccount(request.customerId)
    if (given.id !== request.customerId) throw new RangeError("the account is not the purchase's customer")
    if (given.erased) throw new DomainError('CUSTOMER.ERASED', { customerId: given.id })
    return given
  }

  /** The redeem or earn entry of a purchase; both carry the purchase's time, actor and outlet. */
  function purchaseEntry(purchase: Purchase, kind: 'earn' | 'redeem'): NewLedgerEntry {
    const earn = kind === 'earn'
    return {
      customerId: purchase.customerId,
      delta: pointsDelta(earn ? purchase.earned : -purchase.redeemed),
      kind,
      reason: 'purchase',
      actor: purchase.actor,
      outletId: purchase.outletId,
      createdAt: purchase.createdAt,
      idempotencyKey: earn ? earnKey(purchase.id) : purchaseRedeemKey(purchase.id),
      purchaseId: purchase.id,
      expiresAt: earn ? creditExpiry(program, purchase.createdAt) : undefined,
    }
  }

  async function payReferral(account: LoyaltyAccount, paid: Money, now: Date): Promise<AppendResult[]> {
    const paidOut: AppendResult[] = []
    for (const bonus of referralBonusesFor(account, paid, program.referral)) {
      const receiver = await customers.findById(bonus.customerId)
      if (receiver === null || receiver.erased) continue
      const result: AppendResult = await ledger.append({
        customerId: bonus.customerId,
        delta: pointsDelta(bonus.points),
        kind: 'referral',
        reason: `referral ${bonus.side}`,
        actor: SYSTEM_ACTOR,
        outletId: null,
        createdAt: now,
        idempotencyKey: bonus.idempotencyKey,
        expiresAt: creditExpiry(program, now),
      })
      if (result.created) paidOut.push(result)
    }
    return paidOut
  }

  return {
    /**
     * Records a purchase: spends the confirmed points (atomic debit, refused with the quote's
     * errors or LEDGER.INSUFFICIENT_POINTS), earns points at the tier held before the purchase on
     * the amount paid, lifts the tier at once when the spend reaches the next one, and pays the
     * referral bonuses on the first qualifying purchase. Every step is idempotent by the purchase
     * id, so a retry completes a half-done purchase; reusing the id for a different customer or
     * amount is refused with LEDGER.IDEMPOTENCY_CONFLICT.
     */
    async earnForPurchase(request: PurchaseRequest): Promise<PurchaseOutcome> {
      const now = clock.now()
      const account = await accountOf(request)
      // Points are spent before the purchase is stored, so a redemption looks for an earlier record
      // first; a purchase without points learns it from the insert, which stores nothing then.
      const earlier = (request.redeem ?? 0) > 0 ? await purchases.findById(request.purchaseId) : null
      const { purchase, created } = earlier
        ? { purchase: earlier, created: false }
        : await recordOnce(request, account, now)
      if (!created) assertSamePurchase(purchase, request)
      const earned = purchase.earned > 0 ? await ledger.append(purchaseEntry(purchase, 'earn')) : null
      const redeemEntry =
        purchase.redeemed > 0 ? await ledger.findByKey(purchaseRedeemKey(purchase.id)) : null

      // The tier held before this purchase, as read once above; an upgrade only ever moves it up.
      const spend = await purchases.spendBetween(account.id, tierWindowStart(program.tierWindow, now), now)
      const upgradedTo = detectUpgrade(program.tiers, account.tierId, spend)
      if (upgradedTo) await customers.setTier(account.id, upgradedTo.id, now)

      const referrals = await payReferral(account, purchase.paid, now)
      // The balance the last entry appended now left, else (a replay, a repository that does not
      // tell) read from the ledger.
      const own = [earned, ...referrals].filter((result) => result?.entry.customerId === account.id)
      const known = own.length > 0 ? own[own.length - 1]?.balance : undefined
      return {
        purchase,
        redeemEntry,
        earnEntry: earned?.entry ?? null,
        referralEntries: referrals.map((result) => result.entry),
        upgradedTo,
        balance: known ?? (await ledger.balanceOf(account.id)),
        replayed: !created,
      }
    },
  }
}
