import { isBirthdayToday } from '../domain/birthday.ts'
import type { Points } from '../domain/points.ts'
import type { Customer } from '../db/customers.ts'
import { createDeskCounter } from './staff-desk-counter.ts'
import { createDeskParts, type DeskActor, type StaffDeskDeps } from './staff-desk-parts.ts'
import { createDeskRedemptions } from './staff-desk-redemptions.ts'

export { ledgerActor, type DeskActor, type DeskPurchase, type StaffDeskDeps } from './staff-desk-parts.ts'
export type { ConfirmationResult } from './staff-desk-redemptions.ts'

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

/** The result of a manual-code lookup. */
export type ManualCodeLookup =
  | { readonly kind: 'found'; readonly customer: Customer }
  | { readonly kind: 'not_found' }
  | { readonly kind: 'rate_limited' }

/**
 * The staff desk: roles and invites, identifying a customer, purchases, redemptions with the
 * customer's confirmation, stamps and undo. Every operation names the staff member, the outlet and
 * the time (ledger entries and the desk's audit trail); every change of points goes through the
 * ledger service, so the rules (caps, tiers, idempotency) live in the domain.
 */
export function createStaffDesk(deps: StaffDeskDeps) {
  const { customers, ledger, purchases, staff, staffInvites, clock, program } = deps
  const outletIds = new Set(program.outlets.map((outlet) => outlet.id))
  const firstOutlet = program.outlets[0]?.id ?? 'main'
  const parts = createDeskParts(deps)

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

    /**
     * Name, tier, balance, stamps, birthday and last visit of a customer. `known` is the active
     * customer as the caller just found it (by card or code), used instead of reading it again.
     */
    async summary(customerId: string, known?: Customer): Promise<CustomerSummary> {
      const customer = known ?? (await parts.activeCustomer(customerId))
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

    ...createDeskRedemptions(deps, parts),
    ...createDeskCounter(deps, parts),
    activeCustomer: parts.activeCustomer,
  }
}

/** The service made by {@link createStaffDesk}. */
export type StaffDesk = ReturnType<typeof createStaffDesk>
