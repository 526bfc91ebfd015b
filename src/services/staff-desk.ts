import { randomBytes } from 'node:crypto'
import { isBirthdayToday } from '../domain/birthday.ts'
import type { Clock } from '../domain/clock.ts'
import { DomainError } from '../domain/errors.ts'
import type { Actor } from '../domain/ledger/entry.ts'
import { receiptPurchaseId } from '../domain/ledger/keys.ts'
import type { LedgerService } from '../domain/ledger/ledger-service.ts'
import type { PurchaseOutcome } from '../domain/ledger/purchase-flow.ts'
import { createGiftCertificateService } from '../domain/gift-service.ts'
import type { Money } from '../domain/money.ts'
import type { GiftCertificateRepository } from '../domain/ports/gift-certificate-repository.ts'
import { points, type Points } from '../domain/points.ts'
import type { Program } from '../domain/program.ts'
import { maxRedeemable } from '../domain/purchase.ts'
import { addStamps, claimStampReward, type StampCard } from '../domain/stamps.ts'
import type { Customer, CustomerRepository } from '../db/customers.ts'
import type { PendingRedemption, PendingRedemptionRepository } from '../db/pending-redemptions.ts'
import type { MongoPurchaseRepository } from '../db/purchases.ts'
import type { StaffInviteRepository } from '../db/staff-invites.ts'
import type { StaffOperation, StaffOperationRepository } from '../db/staff-operations.ts'
import type { ScanAttemptRepository } from '../db/staff-scan-attempts.ts'
import type { StaffRepository } from '../db/staff.ts'
import { removeStamps } from './staff-stamp-undo.ts'

/** Who is serving: a staff member or an owner, at one outlet. Decided on every update. */
export interface DeskActor {
  readonly telegramId: number
  readonly role: 'staff' | 'owner'
  readonly outletId: string
}

/** What staff see about a customer before serving them, so they can greet by name. */
export interface CustomerSummary {
  readonly customerId: string
  readonly name: string
  readonly tierId: string
  readonly balance: Points
  readonly stamps: number
  readonly rewardsAvailable: number
  readonly birthdayToday: boolean
  readonly lastVisit: Date | null
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
  readonly nps?: { scheduleAfterPurchase(purchase: PurchaseOutcome['purchase']): Promise<unknown> }
}

/** The result of a manual-code lookup. */
export type ManualCodeLookup =
  | { readonly kind: 'found'; readonly customer: Customer }
  | { readonly kind: 'not_found' }
  | { readonly kind: 'rate_limited' }

/** A recorded purchase with its stamps. */
export interface DeskPurchase {
  readonly outcome: PurchaseOutcome
  readonly stampCard: StampCard | null
  readonly rewardsUnlocked: number
}

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
  | { readonly kind: 'expired'; readonly request: PendingRedemption }
  /** Declined, timed out or failed before: the buttons no longer do anything. */
  | { readonly kind: 'closed'; readonly request: PendingRedemption }
  /** The spend was refused after the confirmation (e.g. a concurrent spend took the points). */
  | { readonly kind: 'failed'; readonly request: PendingRedemption; readonly error: DomainError }

/** The actor of ledger entries for a desk operation. */
export function ledgerActor(actor: DeskActor): Actor {
  return { role: actor.role, id: String(actor.telegramId) }
}

/**
 * The staff desk: roles and invites, identifying a customer, purchases, redemptions with the
 * customer's confirmation, stamps and undo. Every operation names the staff member, the outlet and
 * the time (ledger entries and the desk's audit trail); every change of points goes through the
 * ledger service, so the rules (caps, tiers, idempotency) live in the domain.
 */
export function createStaffDesk(deps: StaffDeskDeps) {
  const {
    customers,
    ledger,
    purchases,
    staff,
    staffInvites,
    pendingRedemptions,
    staffOperations,
    clock,
    program,
  } = deps
  const gifts = createGiftCertificateService({
    gifts: deps.giftCertificates,
    grantBonus: ledger.grantBonus,
    clock,
    random: (count) => randomBytes(count),
    program,
  })
  const outletIds = new Set(program.outlets.map((outlet) => outlet.id))
  const firstOutlet = program.outlets[0]?.id ?? 'main'

  async function activeCustomer(customerId: string): Promise<Customer> {
    const customer = await customers.get(customerId)
    if (customer === null) throw new DomainError('CUSTOMER.NOT_FOUND', { customerId })
    if (customer.erasedAt !== null) throw new DomainError('CUSTOMER.ERASED', { customerId })
    return customer
  }

  /** Applies a stamp change with compare-and-set retries, so two cashiers stamping at once lose nothing. */
  async function changeStampCard(
    customerId: string,
    change: (card: StampCard) => StampCard,
  ): Promise<{ before: StampCard; after: StampCard }> {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const before = (await activeCustomer(customerId)).stampCard
      const after = change(before)
      if (await customers.replaceStampCard(customerId, before, after)) return { before, after }
    }
    throw new Error('the stamp card kept changing; giving up after 5 attempts')
  }

  async function recordPurchaseWith(
    actor: DeskActor,
    request: { customerId: string; purchaseId: string; amount: Money; redeem?: Points },
  ): Promise<DeskPurchase> {
    const outcome = await ledger.earnForPurchase({
      customerId: request.customerId,
      purchaseId: request.purchaseId,
      amount: request.amount,
      ...(request.redeem ? { redeem: request.redeem } : {}),
      outletId: actor.outletId,
      actor: ledgerActor(actor),
    })
    // Idempotent per purchase, so a retried receipt completes a survey a crash left unscheduled.
    if (outcome.purchase.voidedAt === null) await deps.nps?.scheduleAfterPurchase(outcome.purchase)
    const before = await staffOperations.lastOf(actor.telegramId)
    const operation = await staffOperations.record({
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
    const firstTime = !outcome.replayed && before?.id !== operation.id
    if (!firstTime || outcome.purchase.stamps === 0) return { outcome, stampCard: null, rewardsUnlocked: 0 }
    let unlocked = 0
    const { after } = await changeStampCard(request.customerId, (card) => {
      const result = addStamps(card, outcome.purchase.stamps, program.stampCard)
      unlocked = result.rewardsUnlocked
      return result.card
    })
    return { outcome, stampCard: after, rewardsUnlocked: unlocked }
  }

  return {
    /**
     * The desk identity of a Telegram user: an owner (at their staff outlet, else the first outlet),
     * a current staff member, or null for a customer. Read on every update, never cached.
     */
    async actorOf(telegramId: number, isOwner: boolean): Promise<DeskActor | null> {
      const member = await staff.findActive(telegramId)
      if (isOwner) return { telegramId, role: 'owner', outletId: member?.outletId ?? firstOutlet }
      return member ? { telegramId, role: 'staff', outletId: member.outletId } : null
    },

    /** A one-time invite link token for an outlet of the program. */
    async createInvite(ownerId: number, outletId: string) {
      if (!outletIds.has(outletId)) throw new RangeError(`unknown outlet ${outletId}`)
      return staffInvites.create({ outletId, createdBy: ownerId, now: clock.now() })
    },

    /** Uses an invite: the user becomes staff of its outlet, or learns why the link does not work. */
    async joinByInvite(token: string, user: { id: number; name: string }) {
      const now = clock.now()
      const claim = await staffInvites.claim(token, user.id, now)
      if (!claim.ok) return claim
      const member = await staff.add({
        telegramId: user.id,
        name: user.name,
        outletId: claim.invite.outletId,
        addedBy: claim.invite.createdBy,
        addedAt: now,
      })
      return { ok: true as const, member }
    },

    listStaff: () => staff.listActive(),

    /** Removes a staff member at once: their next update is answered as a customer's. */
    removeStaff: (telegramId: number) => staff.remove(telegramId, clock.now()),

    /** The customer of a card token (QR or deep link); null for an unknown or re-issued token. */
    findByCardToken: (token: string) => customers.findByCardToken(token),

    /**
     * The customer of a manual code typed by staff. At most 10 wrong codes per staff member in
     * 10 minutes; after that every lookup is refused until older attempts leave the window.
     */
    async findByManualCode(actor: DeskActor, input: string): Promise<ManualCodeLookup> {
      const now = clock.now()
      if (!(await deps.scanAttempts.isAllowed(actor.telegramId, now))) return { kind: 'rate_limited' }
      const customer = await customers.findByManualCode(input)
      if (customer) return { kind: 'found', customer }
      await deps.scanAttempts.recordWrong(actor.telegramId, now)
      return { kind: 'not_found' }
    },

    /** Name, tier, balance, stamps, birthday and last visit of a customer. */
    async summary(customerId: string): Promise<CustomerSummary> {
      const customer = await activeCustomer(customerId)
      const [{ balance }, last] = await Promise.all([
        ledger.balanceSummary(customerId),
        purchases.lastOf(customerId),
      ])
      return {
        customerId,
        name: customer.name,
        tierId: customer.tierId,
        balance,
        stamps: customer.stampCard.stamps,
        rewardsAvailable: customer.stampCard.rewardsAvailable,
        birthdayToday: customer.birthday
          ? isBirthdayToday(customer.birthday, clock.now(), program.timeZone)
          : false,
        lastVisit: last?.createdAt ?? null,
      }
    },

    /** The most points a purchase of `amount` may take from this customer now (cap and balance). */
    async maxRedeemableFor(customerId: string, amount: Money): Promise<Points> {
      const { balance } = await ledger.balanceSummary(customerId)
      return maxRedeemable(program, amount, balance)
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
        if (request.points > balance) throw new DomainError('REDEEM.OVER_BALANCE', { balance, max })
        throw new DomainError('REDEEM.OVER_CAP', { max, balance })
      }
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
        purchase: request.purchaseId
          ? { purchaseId: request.purchaseId, receiptId: request.receiptId }
          : null,
        createdAt: now,
        expiresAt: new Date(now.getTime() + program.purchases.redemptionTimeoutSeconds * 1000),
      })
      return { request: pending, customer }
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

    activeCustomer,
  }
}

/** The service made by {@link createStaffDesk}. */
export type StaffDesk = ReturnType<typeof createStaffDesk>
