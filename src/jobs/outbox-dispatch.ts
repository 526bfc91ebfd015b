import type { Agenda } from 'agenda'
import type { OutboxService } from '../services/outbox.ts'

/** The job's name in Agenda's `jobs` collection. */
export const OUTBOX_DISPATCH_JOB = 'outbox-dispatch'

/** How often due outbox messages are looked for (greetings, reminders, deferred ones). */
export const OUTBOX_DISPATCH_EVERY = '5 seconds'

/**
 * Delivers the outbox's due messages. Each message is claimed by compare-and-set before it is
 * sent, so overlapping runs or a second worker never send one twice.
 */
export function defineOutboxDispatchJob(agenda: Agenda, deps: { outbox: OutboxService }): void {
  agenda.define(OUTBOX_DISPATCH_JOB, async (job) => {
    // A long broadcast keeps the run going for minutes: the lock is renewed after every batch.
    await deps.outbox.dispatchDue({ keepAlive: () => job.touch() })
  })
}

/** Schedules the dispatch every {@link OUTBOX_DISPATCH_EVERY}; call after the scheduler started. */
export async function scheduleOutboxDispatch(agenda: Agenda): Promise<void> {
  await agenda.every(OUTBOX_DISPATCH_EVERY, OUTBOX_DISPATCH_JOB)
}
