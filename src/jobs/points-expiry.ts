import type { Agenda } from 'agenda'
import type { LedgerService } from '../domain/ledger/ledger-service.ts'

/** The job's name in Agenda's `jobs` collection. */
export const POINTS_EXPIRY_JOB = 'points-expiry'

/** How often expired points are written off; expiry entries are keyed per lot, so reruns are harmless. */
export const POINTS_EXPIRY_EVERY = '1 day'

/**
 * Writes the expiry entries of lots past their date (bonuses with a window, earned points after
 * `expiryDays`), catching up a week back after downtime. Balances leave expired points out even
 * before this runs; the entries make history and the owners' figures right.
 */
export function definePointsExpiryJob(agenda: Agenda, deps: { ledger: LedgerService }): void {
  agenda.define(POINTS_EXPIRY_JOB, async () => {
    await deps.ledger.expireDue()
  })
}

/** Schedules the write-off every {@link POINTS_EXPIRY_EVERY} and once now (on start). */
export async function schedulePointsExpiry(agenda: Agenda): Promise<void> {
  await agenda.every(POINTS_EXPIRY_EVERY, POINTS_EXPIRY_JOB)
  await agenda.now(POINTS_EXPIRY_JOB)
}
