import type { Clock } from '../domain/clock.ts'
import { DomainError } from '../domain/errors.ts'
import type { Actor } from '../domain/ledger/entry.ts'
import type { LedgerService } from '../domain/ledger/ledger-service.ts'
import type { PurchaseOutcome } from '../domain/ledger/purchase-flow.ts'
import type { Money } from '../domain/money.ts'
import type { GiftCertificateRepository } from '../domain/ports/gift-certificate-repository.ts'
import { type Points } from '../domain/points.ts'
import type { Program } from '../domain/program.ts'
import { addStamps, type StampCard } from '../domain/stamps.ts'
import { loyaltyAccountOf, type Customer, type CustomerRepository } from '../db/customers.ts'
import type { PendingRedemptionRepository } from '../db/pending-redemptions.ts'
import type { MongoPurchaseRepository } from '../db/purchases.ts'
import type { StaffInviteRepository } from '../db/staff-invites.ts'
import type { StaffOperationRepository } from '../db/staff-operations.ts'
import type { ScanAttemptRepository } from '../db/staff-scan-attempts.ts'
import type { StaffRepository } from '../db/staff.ts'

/** Who is serving: a staff member or an owner, at one outlet. Decided on every update. */
export interface DeskActor {
  readonly telegramId: number
  readonly role: 'staff' | 'owner'
  readonly outletId: string
}

/** Ports and settings of {@link createStaffDesk}. */
export interface StaffDeskDeps {
  readonly customers: CustomerRepository
  readonly ledger: LedgerService
  readonly purchases: MongoPurchaseRepository
  readonly staff: StaffRepository
  readonly staffInvites: StaffInviteRepository
  readonly pendingRedemptions: PendingRedemptionRepository
  readonly staffOperations: StaffOperationRepository
  readonly scanAttempts: ScanAttemptRepository
  readonly giftCertificates: GiftCertificateRepository
  readonly clock: Clock
  readonly program: Program
  /** Schedules the NPS survey of a newly recorded purchase (src/services/nps.ts); never throws. */
  readonly nps?: {
    scheduleAfterPurchase(purchase: PurchaseOutcome['purchase'], customer: Customer): Promise<unknown>
  }
}

/** A recorded purchase with its stamps. */
export interface DeskPurchase {
  readonly outcome: PurchaseOutcome
  /** The customer as read when the purchase began (for the receipt's chat and language). */
  readonly customer: Customer
  readonly stampCard: StampCard | null
  readonly rewardsUnlocked: number
}

/** The actor of ledger entries for a desk operation. */
export function ledgerActor(actor: DeskActor): Actor {
  return { role: actor.role, id: String(actor.telegramId) }
}

/**
 * What the parts of the desk (counter operations, redemptions) share: the customer check, stamp
 * card changes with compare-and-set, and recording a purchase with its stamps and audit line.
 */
export function createDeskParts(deps: StaffDeskDeps) {
  const { customers, ledger, staffOperations, program } = deps

  async function activeCustomer(customerId: string): Promise<Customer> {
    const customer = await customers.get(customerId)
    if (customer === null) throw new DomainError('CUSTOMER.NOT_FOUND', { customerId })
    if (customer.erasedAt !== null) throw new DomainError('CUSTOMER.ERASED', { customerId })
    return customer
  }

  /**
   * Applies a stamp change with compare-and-set retries, so two cashiers stamping at once lose
   * nothing. `known` is the customer as just read, tried first instead of reading again.
   */
  async function changeStampCard(
    customerId: string,
    change: (card: StampCard) => StampCard,
    known?: Customer,
  ): Promise<{ before: StampCard; after: StampCard }> {
    let customer = known
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const before = (customer ?? (await activeCustomer(customerId))).stampCard
      customer = undefined
      const after = change(before)
      if (await customers.replaceStampCard(customerId, before, after)) return { before, after }
    }
    throw new Error('the stamp card kept changing; giving up after 5 attempts')
  }

  /**
   * Records a purchase with its survey, audit line and stamps, reading the customer once and
   * handing that record to every step.
   */
  async function recordPurchaseWith(
    actor: DeskActor,
    request: { customerId: string; purchaseId: string; amount: Money; redeem?: Points },
  ): Promise<DeskPurchase> {
    const customer = await activeCustomer(request.customerId)
    const outcome = await ledger.earnForPurchase({
      customerId: request.customerId,
      purchaseId: request.purchaseId,
      amount: request.amount,
      ...(request.redeem ? { redeem: request.redeem } : {}),
      outletId: actor.outletId,
      actor: ledgerActor(actor),
      account: loyaltyAccountOf(customer),
    })
    // Idempotent per purchase, so a retried receipt completes a survey a crash left unscheduled.
    if (outcome.purchase.voidedAt === null) await deps.nps?.scheduleAfterPurchase(outcome.purchase, customer)
    const logged = await staffOperations.record({
      staffId: actor.telegramId,
      staffRole: actor.role,
      outletId: actor.outletId,
      customerId: request.customerId,
      kind: 'purchase',
      ref: outcome.purchase.id,
      stamps: outcome.purchase.stamps,
      at: outcome.purchase.createdAt,
    })
    // Stamps are added once per purchase: a replayed receipt finds its operation already logged.
    const firstTime = !outcome.replayed && logged.created
    if (!firstTime || outcome.purchase.stamps === 0)
      return { outcome, customer, stampCard: null, rewardsUnlocked: 0 }
    let unlocked = 0
    const { after } = await changeStampCard(
      request.customerId,
      (card) => {
        const result = addStamps(card, outcome.purchase.stamps, program.stampCard)
        unlocked = result.rewardsUnlocked
        return result.card
      },
      customer,
    )
    return { outcome, customer, stampCard: after, rewardsUnlocked: unlocked }
  }

  return { activeCustomer, changeStampCard, recordPurchaseWith }
}

/** The shared helpers made by {@link createDeskParts}. */
export type DeskParts = ReturnType<typeof createDeskParts>
