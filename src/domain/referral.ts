import { DomainError } from './errors.ts'
import { referralKey } from './ledger/keys.ts'
import type { Money } from './money.ts'
import type { Points } from './points.ts'
import type { ReferralRules } from './program.ts'

/** What the referral rules need to know about the invited customer. */
export interface Invitee {
  readonly id: string
  /** The inviter already attached, null when none. */
  readonly invitedBy: string | null
  /** Purchases recorded so far. */
  readonly purchaseCount: number
}

/**
 * Checks that `inviterId` may become the inviter of `invitee` (opening someone's invite link):
 * REFERRAL.DISABLED, REFERRAL.SELF, REFERRAL.ALREADY_INVITED (one inviter per customer, the first
 * one stays), REFERRAL.NOT_NEW_CUSTOMER (only before the first purchase: an existing customer
 * cannot be "brought"), REFERRAL.UNKNOWN_INVITER (no such customer, or erased).
 */
export function assertCanAttachInviter(
  invitee: Invitee,
  inviter: { readonly id: string; readonly active: boolean } | null,
  rules: ReferralRules,
): void {
  if (!rules.enabled) throw new DomainError('REFERRAL.DISABLED')
  if (inviter === null || !inviter.active) throw new DomainError('REFERRAL.UNKNOWN_INVITER')
  if (inviter.id === invitee.id) throw new DomainError('REFERRAL.SELF')
  if (invitee.invitedBy !== null) throw new DomainError('REFERRAL.ALREADY_INVITED')
  if (invitee.purchaseCount > 0) throw new DomainError('REFERRAL.NOT_NEW_CUSTOMER')
}

/** One bonus to grant, with the key that makes granting it twice harmless. */
export interface ReferralBonus {
  readonly customerId: string
  readonly side: 'inviter' | 'invitee'
  readonly points: Points
  readonly idempotencyKey: string
}

/**
 * The bonuses a purchase of the invitee triggers: both sides, when the invitee has an inviter and
 * paid at least `minPurchase`. Returned for every qualifying purchase: the keys (one per
 * invitee and side) make sure only the first qualifying purchase pays. Zero bonuses are omitted.
 */
export function referralBonusesFor(
  invitee: Pick<Invitee, 'id' | 'invitedBy'>,
  paid: Money,
  rules: ReferralRules,
): ReferralBonus[] {
  if (!rules.enabled || invitee.invitedBy === null || paid < rules.minPurchase || paid === 0) return []
  const bonuses: ReferralBonus[] = [
    {
      customerId: invitee.invitedBy,
      side: 'inviter',
      points: rules.inviterBonus,
      idempotencyKey: referralKey(invitee.id, 'inviter'),
    },
    {
      customerId: invitee.id,
      side: 'invitee',
      points: rules.inviteeBonus,
      idempotencyKey: referralKey(invitee.id, 'invitee'),
    },
  ]
  return bonuses.filter((bonus) => bonus.points > 0)
}
