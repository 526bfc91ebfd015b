import { DAY_MS } from '../clock.ts'
import { points, pointsDelta, type Points } from '../points.ts'
import { SYSTEM_ACTOR, type LedgerEntry, type NewLedgerEntry } from './entry.ts'
import { expiryKey } from './keys.ts'

/** Points of one credit entry and how many of them are still unspent. */
export interface Lot {
  readonly entryId: string
  readonly customerId: string
  readonly outletId: string | null
  readonly createdAt: Date
  readonly expiresAt: Date | null
  readonly amount: Points
  readonly remaining: Points
}

interface MutableLot extends Omit<Lot, 'remaining'> {
  remaining: number
}

/** The balance: the sum of the deltas. Throws a RangeError if the ledger went negative (a bug). */
export function balanceOf(entries: Iterable<Pick<LedgerEntry, 'delta'>>): Points {
  let sum = 0
  for (const entry of entries) sum += entry.delta
  if (sum < 0) throw new RangeError(`A ledger must never go negative, got ${sum}`)
  return points(sum)
}

/**
 * Replays the ledger and allocates every debit to credit lots. An expiry consumes the lot it
 * names, a reversal first the entry it undoes; other debits take the lots that expire first
 * (never-expiring lots last, ties oldest first), skipping lots already expired at the debit's
 * time. With a uniform expiry period this is plain FIFO; it also spends a short-lived birthday
 * bonus before older points, so the customer does not lose it.
 */
export function allocateLots(entries: readonly LedgerEntry[]): Lot[] {
  const ordered = [...entries].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
  const lots: MutableLot[] = []
  let deficit = 0
  for (const entry of ordered) {
    if (entry.delta > 0) {
      const absorbed = Math.min(deficit, entry.delta)
      deficit -= absorbed
      lots.push({
        entryId: entry.id,
        customerId: entry.customerId,
        outletId: entry.outletId,
        createdAt: entry.createdAt,
        expiresAt: entry.expiresAt ?? null,
        amount: points(entry.delta),
        remaining: entry.delta - absorbed,
      })
      continue
    }
    let need = -entry.delta
    const target = entry.kind === 'expiry' ? entry.lotEntryId : entry.reversesEntryId
    for (const lot of spendOrder(lots, target, entry.createdAt)) {
      if (need === 0) break
      const used = Math.min(need, lot.remaining)
      lot.remaining -= used
      need -= used
    }
    deficit += need
  }
  return lots.map((lot) => ({ ...lot, remaining: points(lot.remaining) }))
}

function spendOrder(lots: MutableLot[], targetId: string | undefined, at: Date): MutableLot[] {
  const expiredAt = (lot: MutableLot) => lot.expiresAt !== null && lot.expiresAt.getTime() <= at.getTime()
  const rank = (lot: MutableLot) => (lot.entryId === targetId ? 0 : expiredAt(lot) ? 2 : 1)
  const expiry = (lot: MutableLot) => lot.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY
  return lots
    .filter((lot) => lot.remaining > 0)
    .sort(
      (a, b) => rank(a) - rank(b) || expiry(a) - expiry(b) || a.createdAt.getTime() - b.createdAt.getTime(),
    )
}

/** Lots with unspent points that can still be spent at `now` (not expired), in spending order. */
export function openLots(entries: readonly LedgerEntry[], now: Date): Lot[] {
  return allocateLots(entries)
    .filter((lot) => lot.remaining > 0 && (lot.expiresAt === null || lot.expiresAt.getTime() > now.getTime()))
    .sort(byExpiryThenAge)
}

/** Points that will expire within `warningDays` after `now`, with the first expiry date. */
export interface ExpiringPoints {
  readonly points: Points
  /** When the earliest of these points expire; null when nothing expires soon. */
  readonly firstExpiresAt: Date | null
  readonly lots: readonly Lot[]
}

/** What to warn the customer about: open lots expiring in (now, now + warningDays]. */
export function expiringSoon(
  entries: readonly LedgerEntry[],
  now: Date,
  warningDays: number,
): ExpiringPoints {
  const horizon = now.getTime() + warningDays * DAY_MS
  const lots = openLots(entries, now).filter(
    (lot) => lot.expiresAt !== null && lot.expiresAt.getTime() <= horizon,
  )
  return {
    points: points(lots.reduce((sum, lot) => sum + lot.remaining, 0)),
    firstExpiresAt: lots[0]?.expiresAt ?? null,
    lots,
  }
}

/**
 * The expiry entries to append at `now`: one per lot whose expiry has passed and that still has
 * unspent points, oldest expiry first, each keyed by its lot so it is never expired twice.
 */
export function computeExpiry(entries: readonly LedgerEntry[], now: Date): NewLedgerEntry[] {
  return allocateLots(entries)
    .filter((lot) => lot.remaining > 0 && lot.expiresAt !== null && lot.expiresAt.getTime() <= now.getTime())
    .sort(byExpiryThenAge)
    .map((lot) => ({
      customerId: lot.customerId,
      delta: pointsDelta(-lot.remaining),
      kind: 'expiry',
      reason: 'expired',
      actor: SYSTEM_ACTOR,
      outletId: lot.outletId,
      createdAt: now,
      idempotencyKey: expiryKey(lot.entryId),
      lotEntryId: lot.entryId,
    }))
}

function byExpiryThenAge(a: Lot, b: Lot): number {
  const expiry = (lot: Lot) => lot.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY
  return expiry(a) - expiry(b) || a.createdAt.getTime() - b.createdAt.getTime()
}
