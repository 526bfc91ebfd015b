import { DomainError } from '../domain/errors.ts'
import { money, type Money } from '../domain/money.ts'
import { points, type Points } from '../domain/points.ts'
import { maxRedeemable } from '../domain/purchase.ts'
import { assertAffordable, rewardById } from '../domain/reward-catalogue.ts'
import type { Customer } from '../db/customers.ts'
import type { PendingRedemption } from '../db/pending-redemptions.ts'
import {
  ledgerActor,
  type DeskActor,
  type DeskParts,
  type DeskPurchase,
  type StaffDeskDeps,
} from './staff-desk-parts.ts'

/** What a customer's tap on Confirm led to. */
export type ConfirmationResult =
  | {
      readonly kind: 'spent'
      readonly request: PendingRedemption
      readonly balance: Points
      readonly purchase: DeskPurchase | null
    }
  /** A second tap: the points were spent by the first one, nothing more happened. */
  | { readonly kind: 'already'; readonly request: PendingRedemption }
  /** Too late; `alreadyReported` when the timeout job closed it first (and told the staff). */
  | { readonly kind: 'expired'; readonly request: PendingRedemption; readonly alreadyReported?: boolean }
  /** Declined, timed out or failed before: the buttons no longer do anything. */
  | { readonly kind: 'closed'; readonly request: PendingRedemption }
  /** The spend was refused after the confirmation (e.g. a concurrent spend took the points). */
  | { readonly kind: 'failed'; readonly request: PendingRedemption; readonly error: DomainError }

/**
 * Redemptions with the customer's confirmation: a request is stored pending (cap and balance checked
 * at once), and only the customer's Confirm within the program's timeout spends the points.
 */
export function createDeskRedemptions(deps: StaffDeskDeps, parts: DeskParts) {
  const { customers, ledger, pendingRedemptions, staffOperations, clock, program } = deps
  const { activeCustomer, recordPurchaseWith } = parts

  /** Stores a checked request pending until the program's confirmation timeout. */
  async function storeRequest(
    actor: DeskActor,
    customer: Customer,
    request: { points: Points; purchaseAmount: Money; staffChatId: number; staffLang: string },
    what: Pick<PendingRedemption, 'purchase' | 'rewardId'>,
  ): Promise<{ request: PendingRedemption; customer: Customer }> {
    if (customer.chatId === null) throw new DomainError('CUSTOMER.NOT_FOUND', { customerId: customer.id })
    const now = clock.now()
    const pending = await pendingRedemptions.create({
      customerId: customer.id,
      customerChatId: customer.chatId,
      customerLang: customer.language,
      staffId: actor.telegramId,
      staffRole: actor.role,
      staffChatId: request.staffChatId,
      staffLang: request.staffLang,
      outletId: actor.outletId,
      points: request.points,
      purchaseAmount: request.purchaseAmount,
      ...what,
      createdAt: now,
      expiresAt: new Date(now.getTime() + program.purchases.redemptionTimeoutSeconds * 1000),
    })
    return { request: pending, customer }
  }

  return {
    /**
     * Asks the customer to confirm spending points: checks the cap and the balance now (refused with
     * REDEEM.* errors), stores the request pending for the program's confirmation timeout.
     */
    async requestRedemption(
      actor: DeskActor,
      request: {
        customerId: string
        points: Points
        purchaseAmount: Money
        purchaseId: string | null
        receiptId: string | null
        staffChatId: number
        staffLang: string
      },
    ): Promise<{ request: PendingRedemption; customer: Customer }> {
      const customer = await activeCustomer(request.customerId)
      if (program.mode === 'discount') throw new DomainError('REDEEM.NOT_AVAILABLE')
      if (request.points === 0) throw new DomainError('REDEEM.NOT_POSITIVE')
      const { balance } = await ledger.balanceSummary(request.customerId)
      const max = maxRedeemable(program, request.purchaseAmount, balance)
      if (request.points > max) {
        if (request.points > balance)
          throw new DomainError('REDEEM.OVER_BALANCE', { balance, max, count: balance })
        throw new DomainError('REDEEM.OVER_CAP', { max, balance, count: max })
      }
      const purchase = request.purchaseId
        ? { purchaseId: request.purchaseId, receiptId: request.receiptId }
        : null
      return storeRequest(actor, customer, request, { purchase, rewardId: null })
    },

    /**
     * Asks the customer to confirm buying a catalogue reward with its price in points: refused with
     * REWARD.UNKNOWN (a stale button), REDEEM.NOT_AVAILABLE (discount mode) or
     * REWARD.NOT_ENOUGH_POINTS; no purchase cap applies (the reward is not a share of a purchase).
     */
    async requestRewardRedemption(
      actor: DeskActor,
      request: { customerId: string; rewardId: string; staffChatId: number; staffLang: string },
    ): Promise<{ request: PendingRedemption; customer: Customer }> {
      const customer = await activeCustomer(request.customerId)
      if (program.mode === 'discount') throw new DomainError('REDEEM.NOT_AVAILABLE')
      const reward = rewardById(program.rewards, request.rewardId)
      assertAffordable(reward, (await ledger.balanceSummary(request.customerId)).balance)
      return storeRequest(
        actor,
        customer,
        { ...request, points: reward.points, purchaseAmount: money(0) },
        { purchase: null, rewardId: reward.id },
      )
    },

    setCustomerMessage: (id: string, messageId: number) =>
      pendingRedemptions.setCustomerMessage(id, messageId),

    /**
     * The customer confirms: the request turns confirmed only while pending and unexpired, then the
     * points are spent (with the purchase when it pays for one). A second tap repeats the idempotent
     * spend and reports `already`; a tap after the timeout spends nothing.
     */
    async confirmRedemption(id: string, customerTelegramId: number): Promise<ConfirmationResult | null> {
      const found = await pendingRedemptions.findById(id)
      if (found === null) return null
      const owner = await customers.get(found.customerId)
      if (owner?.telegramId !== customerTelegramId) return null
      const now = clock.now()
      const settled = await pendingRedemptions.settle(id, 'confirmed', now)
      const request = settled ?? (await pendingRedemptions.findById(id)) ?? found
      if (settled === null && request.status !== 'confirmed') {
        if (request.status === 'expired') return { kind: 'expired', request, alreadyReported: true }
        if (request.status === 'pending' && request.expiresAt <= now) {
          const expired = await pendingRedemptions.settle(id, 'expired', now)
          return expired ? { kind: 'expired', request: expired } : { kind: 'closed', request }
        }
        return { kind: 'closed', request }
      }
      const actor: DeskActor = {
        telegramId: request.staffId,
        role: request.staffRole,
        outletId: request.outletId,
      }
      try {
        if (request.purchase) {
          const purchase = await recordPurchaseWith(actor, {
            customerId: request.customerId,
            purchaseId: request.purchase.purchaseId,
            amount: request.purchaseAmount as Money,
            redeem: points(request.points),
          })
          if (settled === null) return { kind: 'already', request }
          return { kind: 'spent', request, balance: purchase.outcome.balance, purchase }
        }
        const result = await ledger.redeem({
          customerId: request.customerId,
          points: points(request.points),
          purchaseAmount: request.purchaseAmount as Money,
          ...(request.rewardId === null ? {} : { rewardId: request.rewardId }),
          operationId: request.id,
          outletId: request.outletId,
          actor: ledgerActor(actor),
        })
        await staffOperations.record({
          staffId: actor.telegramId,
          staffRole: actor.role,
          outletId: actor.outletId,
          customerId: request.customerId,
          kind: 'redeem',
          ref: result.entry.id,
          stamps: 0,
          at: result.entry.createdAt,
        })
        if (settled === null || !result.created) return { kind: 'already', request }
        return { kind: 'spent', request, balance: result.balance, purchase: null }
      } catch (error) {
        if (!(error instanceof DomainError)) throw error
        await pendingRedemptions.markFailed(id, clock.now())
        return { kind: 'failed', request: { ...request, status: 'failed' }, error }
      }
    },

    /** The customer declines; null when the request is not theirs, `closed` when already settled. */
    async declineRedemption(
      id: string,
      customerTelegramId: number,
    ): Promise<{ kind: 'declined' | 'closed'; request: PendingRedemption } | null> {
      const found = await pendingRedemptions.findById(id)
      if (found === null) return null
      const owner = await customers.get(found.customerId)
      if (owner?.telegramId !== customerTelegramId) return null
      const declined = await pendingRedemptions.settle(id, 'declined', clock.now())
      return declined ? { kind: 'declined', request: declined } : { kind: 'closed', request: found }
    },

    /** Settles every request whose time ran out; returns those this call expired (to tell staff). */
    async expireDueRedemptions(): Promise<PendingRedemption[]> {
      const now = clock.now()
      const expired: PendingRedemption[] = []
      for (const request of await pendingRedemptions.dueForExpiry(now, 100)) {
        const settled = await pendingRedemptions.settle(request.id, 'expired', now)
        if (settled) expired.push(settled)
      }
      return expired
    },
  }
}
