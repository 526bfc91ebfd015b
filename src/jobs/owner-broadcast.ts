import type { Agenda } from 'agenda'
import type { Api } from 'grammy'
import type { i18n } from 'i18next'
import { broadcastReportText, stopKeyboard } from '../bot/features/owner-broadcast-views.ts'
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
 * Follows a broadcast: queues its messages in the outbox (again on every run: one row per
 * recipient key, so a restart mid-way sends nobody twice), edits the owner's progress message
 * (with a Stop button while there is something to stop), and comes back until nothing is due;
 * then the final report replaces the progress, once (compare-and-set). Messages the policy holds
 * back (promotional cap, quiet hours) are reported as deferred: the outbox sends them later on its
 * own, and the report keeps Stop for them. A stopped broadcast is never queued again; its run
 * drops what still waits and reports what was sent.
 */
export function defineOwnerBroadcastJob(agenda: Agenda, deps: OwnerBroadcastDeps): void {
  agenda.define<OwnerBroadcastJobData>(OWNER_BROADCAST_JOB, async (job) => {
    const step = await deps.broadcast.follow(job.attrs.data.broadcastId)
    if (step === null) return
    const { broadcast, tally, closed } = step
    if (!closed) job.schedule(new Date(Date.now() + FOLLOW_EVERY_MS))
    if (broadcast.progress === null || (tally.pending === 0 && !closed)) return
    const t = deps.i18n.getFixedT(broadcast.lang)
    const stoppable = broadcast.status === 'sending' && (!closed || tally.deferred > 0)
    const text = broadcastReportText(t, broadcast.recipients.length, tally, broadcast.status === 'cancelling')
    await deps.api
      .editMessageText(broadcast.progress.chatId, broadcast.progress.messageId, text, {
        ...(stoppable ? { reply_markup: stopKeyboard(t, broadcast.id) } : {}),
      })
      .catch((error: unknown) => {
        // "message is not modified" when nothing moved since the last run.
        if (!String((error as Error).message).includes('not modified'))
          deps.logger.warn({ err: error }, 'could not update the broadcast progress')
      })
  })
}
