import type { Agenda } from 'agenda'
import { sendDailyDigests, type DigestDeps } from '../bot/features/owner-digest.ts'

/** The job's name in Agenda's `jobs` collection. */
export const OWNER_DIGEST_JOB = 'owner-daily-digest'

/**
 * Sends the owners' morning digest. Safe to run any number of times a day: each owner's day is
 * claimed before sending (see {@link sendDailyDigests}).
 */
export function defineOwnerDigestJob(agenda: Agenda, deps: DigestDeps): void {
  agenda.define(OWNER_DIGEST_JOB, async () => {
    await sendDailyDigests(deps)
  })
}

/**
 * Runs the digest every day at `digestHour`:00 in the program's time zone (a cron with Agenda's
 * `timezone`); one job whatever the number of workers. Call after the scheduler started.
 */
export async function scheduleOwnerDigest(
  agenda: Agenda,
  digestHour: number,
  timeZone: string,
): Promise<void> {
  await agenda.every(`0 ${digestHour} * * *`, OWNER_DIGEST_JOB, undefined, {
    timezone: timeZone,
    skipImmediate: true,
  })
}
