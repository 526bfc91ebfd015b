import { MongoBackend } from '@agendajs/mongo-backend'
import { Agenda } from 'agenda'
import type { Connection } from 'mongoose'

/** Options for the job scheduler; the defaults suit production, tests shorten the polling interval. */
export interface SchedulerOptions {
  /** How often due jobs are looked for; default '5 seconds'. */
  processEvery?: string | number
  /** Name stored on the jobs this instance locks, to tell workers apart in the logs. */
  name?: string
}

/**
 * Creates the Agenda scheduler over the app's MongoDB database (collection `jobs`). Jobs are defined by
 * `defineXxxJob(agenda, deps)` functions in src/jobs; the scheduler starts after all are defined.
 */
export function createScheduler(connection: Connection, options: SchedulerOptions = {}): Agenda {
  const db = connection.db
  if (!db) throw new Error('database connection is not open')
  return new Agenda({
    backend: new MongoBackend({
      mongo: db as never,
      collection: 'jobs',
      ...(options.name ? { name: options.name } : {}),
    }),
    processEvery: options.processEvery ?? '5 seconds',
    maxConcurrency: 20,
    defaultConcurrency: 5,
  })
}

/**
 * Unlocks every job. Agenda honours a lock for its whole lifetime (10 minutes), so after a crash
 * the jobs the dead process held (the outbox dispatch, a broadcast, a survey) would wait that long.
 * Only for the single instance at start (long polling admits one): every lock then belongs to a
 * dead process. The jobs are safe to run twice anyway (claims and idempotency keys).
 */
export async function releaseJobLocks(connection: Connection): Promise<void> {
  const db = connection.db
  if (!db) throw new Error('database connection is not open')
  await db.collection('jobs').updateMany({ lockedAt: { $ne: null } }, { $unset: { lockedAt: true } })
}
