import { randomBytes } from 'node:crypto'
import { DomainError } from '../domain/errors.ts'
import { receiptPurchaseId } from '../domain/ledger/keys.ts'
import { createGiftCertificateService } from '../domain/gift-service.ts'
import type { Money } from '../domain/money.ts'
import { points, type Points } from '../domain/points.ts'
import { maxRedeemable } from '../domain/purchase.ts'
import { addStamps, claimStampReward } from '../domain/stamps.ts'
import type { StaffOperation } from '../db/staff-operations.ts'
import { removeStamps } from './staff-stamp-undo.ts'
import { ledgerActor, type DeskActor, type DeskParts, type StaffDeskDeps } from './staff-desk-parts.ts'

/**
 * Operations at the counter: purchases, stamps and the stamp reward, gift certificates, undo of the
 * staff member's own last operation, and the owners' audit of them all.
 */
export function createDeskCounter(deps: StaffDeskDeps, parts: DeskParts) {
  const { customers, ledger, staff, staffOperations, clock, program } = deps
  const { activeCustomer, changeStampCard, recordPurchaseWith } = parts
  const gifts = createGiftCertificateService({
    gifts: deps.giftCertificates,
    grantBonus: ledger.grantBonus,
    clock,
    random: (count) => randomBytes(count),
    program,
  })
  return {
    /**
     * The customer's spendable balance and the most points a purchase of `amount` may take from it
     * now (cap and balance), from one read of the ledger.
     */
    async redeemLimits(customerId: string, amount: Money): Promise<{ balance: Points; max: Points }> {
      const { balance } = await ledger.balanceSummary(customerId)
      return { balance, max: maxRedeemable(program, amount, balance) }
    },

    /** The purchase id of a receipt number at the actor's outlet, or of a purchase dialog. */
    purchaseIdFor(actor: DeskActor, receiptId: string | null, operationId: string): string {
      return receiptId ? receiptPurchaseId(actor.outletId, receiptId) : `op:${operationId}`
    },

    /**
     * Records a purchase without points: points at the tier rate (rounded down), stamps where the
     * stamp card is on, tier upgrade. The same purchase id twice records one purchase.
     */
    recordPurchase: (actor: DeskActor, request: { customerId: string; purchaseId: string; amount: Money }) =>
      recordPurchaseWith(actor, request),

    /** Adds one stamp (refused with STAMPS.DISABLED); returns the card and rewards unlocked. */
    async addStamp(actor: DeskActor, customerId: string, operationId: string) {
      let unlocked = 0
      const { after } = await changeStampCard(customerId, (card) => {
        const result = addStamps(card, 1, program.stampCard)
        unlocked = result.rewardsUnlocked
        return result.card
      })
      await staffOperations.record({
        staffId: actor.telegramId,
        staffRole: actor.role,
        outletId: actor.outletId,
        customerId,
        kind: 'stamp',
        ref: operationId,
        stamps: 1,
        at: clock.now(),
      })
      return { card: after, rewardsUnlocked: unlocked }
    },

    /** Gives one free item from the stamp card (refused with STAMPS.NO_REWARD when none is earned). */
    async giveStampReward(actor: DeskActor, customerId: string, operationId: string) {
      const { after } = await changeStampCard(customerId, (card) => claimStampReward(card, program.stampCard))
      await staffOperations.record({
        staffId: actor.telegramId,
        staffRole: actor.role,
        outletId: actor.outletId,
        customerId,
        kind: 'stamp_reward',
        ref: operationId,
        stamps: 0,
        at: clock.now(),
      })
      return { card: after }
    },

    /**
     * Undoes the actor's own last operation within the program's undo window, with reversing ledger
     * entries (never a delete). Points earned and already spent make the undo refused
     * (LEDGER.INSUFFICIENT_POINTS): nothing changes, an owner corrects it. Null when there is nothing to undo.
     */
    async undoLast(actor: DeskActor): Promise<{ operation: StaffOperation; balance: Points } | null> {
      const operation = await staffOperations.lastOf(actor.telegramId)
      if (operation === null) return null
      const who = ledgerActor(actor)
      const authority = { withinWindow: true }
      const windowMs = program.purchases.undoWindowMinutes * 60_000
      const tooLate = () => {
        if (clock.now().getTime() - operation.at.getTime() > windowMs) {
          throw new DomainError('LEDGER.UNDO_WINDOW_PASSED', { minutes: program.purchases.undoWindowMinutes })
        }
      }
      switch (operation.kind) {
        case 'purchase':
          await ledger.reversePurchase(operation.ref, who, authority)
          if (operation.stamps > 0) {
            await changeStampCard(operation.customerId, (card) =>
              removeStamps(card, operation.stamps, program.stampCard),
            )
          }
          break
        case 'redeem':
          await ledger.reverse(operation.ref, who, authority)
          break
        case 'stamp':
          tooLate()
          await changeStampCard(operation.customerId, (card) =>
            removeStamps(card, operation.stamps, program.stampCard),
          )
          break
        case 'stamp_reward':
          tooLate()
          await changeStampCard(operation.customerId, (card) => ({
            ...card,
            rewardsAvailable: card.rewardsAvailable + 1,
          }))
          break
        default:
          throw new DomainError('LEDGER.NOT_REVERSIBLE', { kind: operation.kind })
      }
      await staffOperations.markUndone(operation.id, clock.now())
      const { balance } = await ledger.balanceSummary(operation.customerId)
      return { operation, balance }
    },

    /**
     * Issues a gift certificate worth `value` to the customer (a fresh code; GIFT.DISABLED,
     * MONEY.ZERO). The code is the bearer's: whoever presents it may have it accepted, once.
     */
    async issueGift(actor: DeskActor, customerId: string, value: Money) {
      await activeCustomer(customerId)
      const certificate = await gifts.issue({ value, issuedTo: customerId, issuedBy: ledgerActor(actor) })
      await staffOperations.record({
        staffId: actor.telegramId,
        staffRole: actor.role,
        outletId: actor.outletId,
        customerId,
        kind: 'gift_issue',
        ref: certificate.code,
        stamps: 0,
        at: certificate.issuedAt,
      })
      return certificate
    },

    /**
     * Accepts a certificate code for the customer: its value becomes points, once (GIFT.INVALID_CODE,
     * GIFT.NOT_FOUND, GIFT.EXPIRED, GIFT.ALREADY_REDEEMED — also when two cashiers race).
     */
    async acceptGift(actor: DeskActor, customerId: string, code: string) {
      await activeCustomer(customerId)
      const accepted = await gifts.accept({
        code,
        customerId,
        actor: ledgerActor(actor),
        outletId: actor.outletId,
      })
      await staffOperations.record({
        staffId: actor.telegramId,
        staffRole: actor.role,
        outletId: actor.outletId,
        customerId,
        kind: 'gift_accept',
        ref: accepted.certificate.code,
        stamps: 0,
        at: clock.now(),
      })
      const { balance } = await ledger.balanceSummary(customerId)
      return { certificate: accepted.certificate, points: points(accepted.credit?.entry.delta ?? 0), balance }
    },

    /**
     * Recent desk operations for the owners' audit, newest first, with the names of the staff member
     * and the customer (an erased customer has an empty name).
     */
    async recentOperations(limit: number, outletId?: string) {
      const operations = await staffOperations.recent(limit, outletId)
      const staffNames = await staff.namesOf([...new Set(operations.map((operation) => operation.staffId))])
      const customerNames = new Map<string, string>()
      for (const id of new Set(operations.map((operation) => operation.customerId))) {
        customerNames.set(id, (await customers.get(id))?.name ?? '')
      }
      return operations.map((operation) => ({
        ...operation,
        staffName: staffNames.get(operation.staffId) ?? null,
        customerName: customerNames.get(operation.customerId) ?? '',
      }))
    },
  }
}
