import type { Agenda } from 'agenda'
import type { Api } from 'grammy'
import type { i18n } from 'i18next'
import { broadcastReportText } from '../bot/features/owner-broadcast-views.ts'
import type { BroadcastService } from '../services/broadcast.ts'

/** The job's name in Agenda's `jobs` collection; one job per broadcast (`data.broadcastId`). */
export const OWNER_BROADCAST_JOB = 'owner-broadcast'

/** How often a running broadcast's progress message is brought up to date. */
const FOLLOW_EVERY_MS = 2_000

/** What the job carries. */
export interface OwnerBroadcastJobData {
  broadcastId: string
}

/** What the job needs. */
export interface OwnerBroadcastDeps {
  api: Api
  i18n: i18n
  broadcast: BroadcastService
  logger: { warn(obj: object, msg: string): void }
}

/**
 * The port the broadcast service schedules through: one job per broadcast (unique), run now.
 * Built before the bot, like the survey scheduler.
 */
export function createBroadcastRunScheduler(agenda: Agenda): (broadcastId: string) => Promise<void> {
  return async (broadcastId) => {
    await agenda
      .create<OwnerBroadcastJobData>(OWNER_BROADCAST_JOB, { broadcastId })
      .unique({ name: OWNER_BROADCAST_JOB, 'data.broadcastId': broadcastId })
      .schedule(new Date())
      .save()
  }
}

/**
 * Queues a broadcast's messages in the outbox (again on every run: one row per recipient key, so
 * a restart mid-way sends nobody twice), edits the owner's progress message, and comes back until
 * nothing is due; then the final report replaces the progress, once (compare-and-set). Messages
 * the policy holds back (promotional cap, quiet hours) are reported as deferred: the outbox sends
 * them later on its own.
 */
export function defineOwnerBroadcastJob(agenda: Agenda, deps: OwnerBroadcastDeps): void {
  agenda.define<OwnerBroadcastJobData>(OWNER_BROADCAST_JOB, async (job) => {
    const service = deps.broadcast
    const broadcast = await service.get(job.attrs.data.broadcastId)
    if (broadcast === null || broadcast.status === 'done') return
    await service.enqueueAll(broadcast)
    const tally = await service.tally(broadcast.id)
    const finished = tally.pending === 0 && (await service.finish(broadcast.id))
    if (tally.pending > 0) job.schedule(new Date(Date.now() + FOLLOW_EVERY_MS))
    if (broadcast.progress === null || (tally.pending === 0 && !finished)) return
    const t = deps.i18n.getFixedT(broadcast.lang)
    const text = broadcastReportText(t, broadcast.recipients.length, tally)
    await deps.api
      .editMessageText(broadcast.progress.chatId, broadcast.progress.messageId, text)
      .catch((error: unknown) => {
        // "message is not modified" when nothing moved since the last run.
        if (!String((error as Error).message).includes('not modified'))
          deps.logger.warn({ err: error }, 'could not update the broadcast progress')
      })
  })
}
