import type { Agenda } from 'agenda'
import type { GreetingsService } from '../services/greetings.ts'
import type { RemindersService } from '../services/reminders.ts'

/** Job names in Agenda's `jobs` collection. */
export const BIRTHDAY_JOB = 'birthday-greetings'
export const HOLIDAYS_JOB = 'holiday-greetings'
export const REMINDERS_JOB = 'customer-reminders'

/**
 * How often the greeting and reminder sweeps run. Hourly, not daily at a fixed hour: every
 * greeting is keyed per customer and year (reminders per day), so a rerun queues nothing, and a
 * bot that was down at the usual hour still greets the same day. Quiet hours are the outbox's job.
 */
export const GREETINGS_EVERY = '1 hour'

export interface GreetingsJobDeps {
  greetings: GreetingsService
  reminders: RemindersService
}

/** Birthdays of today (or `earlyGreetingDays` ahead) in the program time zone, with their bonus. */
export function defineBirthdayJob(agenda: Agenda, deps: GreetingsJobDeps): void {
  agenda.define(BIRTHDAY_JOB, async () => {
    await deps.greetings.runBirthdays()
  })
}

/** Today's holidays, and the question before a sensitive one. */
export function defineHolidaysJob(agenda: Agenda, deps: GreetingsJobDeps): void {
  agenda.define(HOLIDAYS_JOB, async () => {
    await deps.greetings.runHolidays()
  })
}

/** Reactivation, unfinished join, points expiring and near-reward reminders, merged per customer and day. */
export function defineRemindersJob(agenda: Agenda, deps: GreetingsJobDeps): void {
  agenda.define(REMINDERS_JOB, async () => {
    await deps.reminders.runReminders()
  })
}

/** Schedules the three sweeps every {@link GREETINGS_EVERY} and runs them once now (on start). */
export async function scheduleGreetings(agenda: Agenda): Promise<void> {
  for (const name of [BIRTHDAY_JOB, HOLIDAYS_JOB, REMINDERS_JOB]) {
    await agenda.every(GREETINGS_EVERY, name)
    await agenda.now(name)
  }
}
