import { MINUTE_MS } from '../clock.ts'
import { DomainError } from '../errors.ts'
import { pointsDelta } from '../points.ts'
import type { AppendResult } from '../ports/ledger-repository.ts'
import type { Purchase } from '../ports/purchase-repository.ts'
import { isSameActor, type Actor, type LedgerEntry, type NewLedgerEntry } from './entry.ts'
import { reversalKey } from './keys.ts'
import { creditExpiry, type LedgerServiceParts } from './service-parts.ts'

/**
 * How a reversal is authorised. `withinWindow: true` is staff undoing their own operation within
 * `undoWindowMinutes` (default 10); `false` is an owner's correction at any time.
 */
export interface ReversalAuthority {
  readonly withinWindow: boolean
}

/** The reversal part of the ledger service: undo never deletes, it appends the opposite entry. */
export function createReversals(parts: LedgerServiceParts) {
  const { ledger, purchases, clock, program } = parts

  function authorise(
    done: { actor: Actor; createdAt: Date },
    actor: Actor,
    authority: ReversalAuthority,
  ): void {
    if (!authority.withinWindow) {
      if (actor.role !== 'owner') throw new DomainError('LEDGER.OWNER_ONLY')
      return
    }
    if (!isSameActor(done.actor, actor)) throw new DomainError('LEDGER.NOT_OWN_ENTRY')
    const minutes = program.purchases.undoWindowMinutes
    if (clock.now().getTime() - done.createdAt.getTime() > minutes * MINUTE_MS) {
      throw new DomainError('LEDGER.UNDO_WINDOW_PASSED', { minutes })
    }
  }

  async function appendReversal(original: LedgerEntry, actor: Actor): Promise<AppendResult> {
    if (original.kind === 'reversal' || original.kind === 'expiry') {
      throw new DomainError('LEDGER.NOT_REVERSIBLE', { kind: original.kind })
    }
    const now = clock.now()
    const entry: NewLedgerEntry = {
      customerId: original.customerId,
      delta: pointsDelta(-original.delta),
      kind: 'reversal',
      reason: `reversal of ${original.kind}`,
      actor,
      outletId: original.outletId,
      createdAt: now,
      idempotencyKey: reversalKey(original.id),
      reversesEntryId: original.id,
      purchaseId: original.purchaseId,
      // Restored points get a fresh validity: the undo window is minutes, the difference is nil.
      expiresAt: original.delta < 0 ? creditExpiry(program, now) : undefined,
    }
    return entry.delta > 0 ? ledger.append(entry) : ledger.appendDebitIfCovered(entry)
  }

  return {
    /**
     * Reverses one entry with an opposite one (at most once: a second call returns the first
     * reversal with `created: false`). Refused with LEDGER.ENTRY_NOT_FOUND, LEDGER.NOT_REVERSIBLE
     * (expiries and reversals), LEDGER.NOT_OWN_ENTRY, LEDGER.UNDO_WINDOW_PASSED, LEDGER.OWNER_ONLY,
     * or LEDGER.INSUFFICIENT_POINTS when the credited points were already spent.
     */
    async reverse(entryId: string, actor: Actor, authority: ReversalAuthority): Promise<AppendResult> {
      const original = await ledger.findById(entryId)
      if (original === null) throw new DomainError('LEDGER.ENTRY_NOT_FOUND', { entryId })
      authorise(original, actor, authority)
      return appendReversal(original, actor)
    },

    /**
     * Undoes a purchase: reverses its earn (first, so nothing changes when those points were
     * already spent) and its redemption, then voids it so it counts toward no tier or report.
     * The tier is not lowered at once (downgrades wait for the period end) and referral bonuses
     * already paid stay. Refused with PURCHASE.NOT_FOUND and the errors of `reverse`.
     */
    async reversePurchase(
      purchaseId: string,
      actor: Actor,
      authority: ReversalAuthority,
    ): Promise<{ readonly purchase: Purchase; readonly reversals: readonly AppendResult[] }> {
      const purchase = await purchases.findById(purchaseId)
      if (purchase === null) throw new DomainError('PURCHASE.NOT_FOUND', { purchaseId })
      authorise(purchase, actor, authority)
      const entries = await ledger.entriesOfPurchase(purchaseId)
      const reversible = entries
        .filter((entry) => entry.kind === 'earn' || entry.kind === 'redeem')
        .sort((a, b) => (a.kind === 'earn' ? 0 : 1) - (b.kind === 'earn' ? 0 : 1))
      const reversals: AppendResult[] = []
      for (const entry of reversible) reversals.push(await appendReversal(entry, actor))
      await purchases.markVoided(purchaseId, clock.now())
      return { purchase: { ...purchase, voidedAt: purchase.voidedAt ?? clock.now() }, reversals }
    },
  }
}
