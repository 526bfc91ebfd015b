import { DomainError } from '../errors.ts'
import { giftPoints } from '../gift-certificates.ts'
import type { Money } from '../money.ts'
import { pointsDelta } from '../points.ts'
import type { AppendResult } from '../ports/ledger-repository.ts'
import { SYSTEM_ACTOR, type Actor, type NewLedgerEntry } from './entry.ts'
import { adjustmentKey, birthdayKey, giftKey, holidayKey, referralKey, welcomeKey } from './keys.ts'
import { assertSameOperation, creditExpiry, type LedgerServiceParts } from './service-parts.ts'

/**
 * A bonus to grant. Amounts and validity come from the program, except an owner's adjustment
 * (signed, with a note) and a gift certificate (its value).
 */
export type BonusRequest =
  | { readonly kind: 'welcome'; readonly customerId: string }
  | { readonly kind: 'birthday'; readonly customerId: string; readonly year: number }
  | {
      readonly kind: 'holiday'
      readonly customerId: string
      readonly holidayId: string
      readonly year: number
    }
  | {
      readonly kind: 'referral'
      readonly customerId: string
      readonly inviteeId: string
      readonly side: 'inviter' | 'invitee'
    }
  | {
      readonly kind: 'gift'
      readonly customerId: string
      readonly code: string
      readonly value: Money
      readonly outletId: string | null
      readonly actor: Actor
    }
  | {
      readonly kind: 'adjustment'
      readonly customerId: string
      /** Signed, non-zero: a correction up or down. */
      readonly points: number
      /** The owner's note, shown in history and exports. */
      readonly note: string
      readonly operationId: string
      readonly actor: Actor
    }

/** The bonus part of the ledger service. */
export function createBonusGrants(parts: LedgerServiceParts) {
  const { ledger, clock, program } = parts

  function entryFor(request: BonusRequest, now: Date): NewLedgerEntry | null {
    const base = { customerId: request.customerId, actor: SYSTEM_ACTOR, outletId: null, createdAt: now }
    const credit = (amount: number, validDays?: number) =>
      amount === 0 ? null : { delta: pointsDelta(amount), expiresAt: creditExpiry(program, now, validDays) }
    switch (request.kind) {
      case 'welcome': {
        const points = credit(program.points.welcomeBonus)
        return (
          points && {
            ...base,
            ...points,
            kind: 'welcome',
            reason: 'welcome',
            idempotencyKey: welcomeKey(request.customerId),
          }
        )
      }
      case 'birthday': {
        const rules = program.birthday
        const points = rules.enabled ? credit(rules.bonusPoints, rules.validDays) : null
        const key = birthdayKey(request.customerId, request.year)
        return (
          points && {
            ...base,
            ...points,
            kind: 'birthday',
            reason: `birthday ${request.year}`,
            idempotencyKey: key,
          }
        )
      }
      case 'holiday': {
        const holiday = program.holidays.find((item) => item.id === request.holidayId && item.enabled)
        const points = holiday ? credit(holiday.bonusPoints, holiday.bonusValidDays) : null
        const key = holidayKey(request.customerId, request.holidayId, request.year)
        const reason = `holiday ${request.holidayId} ${request.year}`
        return points && { ...base, ...points, kind: 'holiday', reason, idempotencyKey: key }
      }
      case 'referral': {
        const rules = program.referral
        const amount = request.side === 'inviter' ? rules.inviterBonus : rules.inviteeBonus
        const points = rules.enabled ? credit(amount) : null
        const key = referralKey(request.inviteeId, request.side)
        return (
          points && {
            ...base,
            ...points,
            kind: 'referral',
            reason: `referral ${request.side}`,
            idempotencyKey: key,
          }
        )
      }
      case 'gift': {
        const points = credit(giftPoints(request.value, program.currency))
        const gift = { actor: request.actor, outletId: request.outletId, kind: 'gift' as const }
        return (
          points && {
            ...base,
            ...points,
            ...gift,
            reason: `gift ${request.code}`,
            idempotencyKey: giftKey(request.code),
          }
        )
      }
      case 'adjustment': {
        if (request.actor.role !== 'owner') throw new DomainError('LEDGER.OWNER_ONLY')
        if (!Number.isSafeInteger(request.points) || request.points === 0)
          throw new DomainError('POINTS.NOT_POSITIVE')
        const expiresAt = request.points > 0 ? creditExpiry(program, now) : undefined
        return {
          ...base,
          actor: request.actor,
          delta: pointsDelta(request.points),
          expiresAt,
          kind: 'adjustment',
          reason: request.note.trim() || 'adjustment',
          idempotencyKey: adjustmentKey(request.operationId),
        }
      }
    }
  }

  return {
    /**
     * Grants a bonus once: the key derives from what it is for (the customer's welcome, the
     * birthday of a year, a holiday of a year, one side of an invitation, a certificate code, an
     * operation), so a job run twice or by two workers grants nothing new (`created: false`).
     * Returns null when the program gives 0 points for it, or the feature or holiday is off. A
     * negative adjustment is an atomic debit (LEDGER.INSUFFICIENT_POINTS when not covered).
     */
    async grantBonus(request: BonusRequest): Promise<AppendResult | null> {
      await parts.activeAccount(request.customerId)
      const entry = entryFor(request, clock.now())
      if (entry === null) return null
      if (entry.delta < 0) await parts.expireFor(entry.customerId)
      const result = entry.delta > 0 ? await ledger.append(entry) : await ledger.appendDebitIfCovered(entry)
      assertSameOperation(result, entry)
      return result
    },
  }
}
