import type { Agenda } from 'agenda'
import type { NoticeDeps } from '../bot/features/staff-notices.ts'
import { reportExpired } from '../bot/features/staff-notices.ts'

/** The job's name in Agenda's `jobs` collection. */
export const EXPIRE_REDEMPTIONS_JOB = 'expire-pending-redemptions'

/** How often unanswered redemption requests are looked for; the timeout itself is a program setting. */
export const EXPIRE_REDEMPTIONS_EVERY = '5 seconds'

/**
 * Closes redemption requests the customer did not answer in time: the staff member is told and the
 * customer's Confirm / Decline buttons are taken away. Settling is a compare-and-set, so a run racing
 * a customer's tap, or a second worker, reports each request once. A tap after the timeout spends
 * nothing even before this job runs (the desk checks the time on the tap).
 */
export function defineExpireRedemptionsJob(agenda: Agenda, deps: NoticeDeps): void {
  agenda.define(EXPIRE_REDEMPTIONS_JOB, async () => {
    for (const request of await deps.services.staffDesk.expireDueRedemptions()) {
      await reportExpired(deps, request)
    }
  })
}

/** Schedules the sweep every {@link EXPIRE_REDEMPTIONS_EVERY}; call after the scheduler started. */
export async function scheduleExpireRedemptions(agenda: Agenda): Promise<void> {
  await agenda.every(EXPIRE_REDEMPTIONS_EVERY, EXPIRE_REDEMPTIONS_JOB)
}
