import type { Points, PointsDelta } from '../points.ts'

/**
 * What moved points. Credits: earn (a purchase), welcome, referral, birthday, holiday, gift (a
 * certificate accepted). Debits: redeem, expiry. Either sign: adjustment (owner's correction) and
 * reversal (undo of another entry, which is never deleted).
 */
export type LedgerEntryKind =
  | 'earn'
  | 'redeem'
  | 'welcome'
  | 'referral'
  | 'birthday'
  | 'holiday'
  | 'adjustment'
  | 'expiry'
  | 'reversal'
  | 'gift'

/** Kinds granted as a bonus through `grantBonus`. */
export type BonusKind = 'welcome' | 'referral' | 'birthday' | 'holiday' | 'gift' | 'adjustment'

/** Who did it: a staff member or owner (Telegram user id as a string) or the system (jobs). */
export interface Actor {
  readonly role: 'staff' | 'owner' | 'system'
  readonly id: string
}

/** The actor of scheduled jobs (expiry, birthday, holiday bonuses). */
export const SYSTEM_ACTOR: Actor = Object.freeze({ role: 'system', id: 'system' })

/** True when both name the same person (or both are the system). */
export function isSameActor(a: Actor, b: Actor): boolean {
  return a.role === b.role && a.id === b.id
}

/**
 * One line of the append-only ledger; a balance is the sum of a customer's deltas. The
 * idempotency key is unique: appending a key twice returns the first entry, so retries, double
 * taps and a second worker are harmless.
 */
export interface LedgerEntry {
  /** Assigned by the repository. */
  readonly id: string
  readonly customerId: string
  /** Signed, never 0: credits > 0, debits < 0. */
  readonly delta: PointsDelta
  readonly kind: LedgerEntryKind
  /** Short machine-readable reason (`purchase`, `birthday 2026`) or the owner's note. */
  readonly reason: string
  readonly actor: Actor
  /** Where it happened; null for system entries without an outlet. */
  readonly outletId: string | null
  readonly createdAt: Date
  readonly idempotencyKey: string
  /** The purchase an earn or redeem belongs to. */
  readonly purchaseId?: string
  /** For a reversal: the entry it undoes. */
  readonly reversesEntryId?: string
  /** For an expiry: the credit entry (lot) it expires. */
  readonly lotEntryId?: string
  /** For credits: when the points expire (absent: never). */
  readonly expiresAt?: Date
}

/** An entry before the repository gives it an id. */
export type NewLedgerEntry = Omit<LedgerEntry, 'id'>

/** Position in a customer's history, newest first: entries strictly older than this one. */
export interface LedgerCursor {
  readonly createdAt: Date
  readonly id: string
}

/** A page of history, newest first; `next` fetches the following page, null at the end. */
export interface LedgerPage {
  readonly entries: readonly LedgerEntry[]
  readonly next: LedgerCursor | null
}

/** True when the entry adds points. */
export function isCredit(entry: Pick<LedgerEntry, 'delta'>): boolean {
  return entry.delta > 0
}

/** Points moved by an entry, without the sign. */
export function magnitude(entry: Pick<LedgerEntry, 'delta'>): Points {
  return Math.abs(entry.delta) as Points
}
