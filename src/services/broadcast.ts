import {
  BROADCAST_CANCELLED,
  broadcastTag,
  type Broadcast,
  type BroadcastRepository,
  type BroadcastTally,
} from '../db/broadcasts.ts'
import type { OutboxPayload } from '../db/outbox.ts'
import type { Clock } from '../domain/clock.ts'
import type { LinkButton } from '../domain/link-button.ts'
import type { OutboxService } from './outbox.ts'
import type { ReportService, SegmentKey } from './reports.ts'

/** The i18n key a broadcast is sent under; its only value is the owner's text (escaped). */
export const BROADCAST_MESSAGE_KEY = 'owner_broadcast.message'

/** Longest broadcast text accepted (a Telegram message holds 4096 characters). */
export const BROADCAST_MAX_LENGTH = 3500

/** Longest text under a photo: Telegram's caption limit. */
export const BROADCAST_CAPTION_MAX_LENGTH = 1024

/** Recipients queued (one insert) between two looks at whether the owner stopped the broadcast meanwhile. */
const ENQUEUE_CHECK_EVERY = 500

/** What the owner composed: the text, and optionally a photo (file_id) and one link button. */
export interface BroadcastDraft {
  readonly text: string
  readonly photo: string | null
  readonly button: LinkButton | null
}

/** The outcome of the owner's Stop: stopped now, stopped before, nothing left to stop, no such broadcast. */
export type CancelOutcome = 'cancelled' | 'already_cancelled' | 'finished' | 'unknown'

/** One run of the job following a broadcast: where it is, and whether this run closed it. */
export interface FollowStep {
  readonly broadcast: Broadcast
  readonly tally: BroadcastTally
  /** True for the one run that closed it (done or cancelled) and sends the final report. */
  readonly closed: boolean
}

/** Ports of {@link createBroadcastService}. */
export interface BroadcastServiceDeps {
  readonly broadcasts: BroadcastRepository
  readonly reports: Pick<ReportService, 'membersOf'>
  readonly outbox: Pick<OutboxService, 'enqueueMany' | 'dropPending'>
  readonly clock: Clock
  /** Starts (or restarts) the job that queues and follows a broadcast (src/jobs/owner-broadcast.ts). */
  readonly scheduleRun: (broadcastId: string) => Promise<void>
}

/**
 * Owners' broadcasts. Every message leaves through the outbox as a promotion, so consent, the
 * 30-day cap, quiet hours, Telegram's pace and 403s are the outbox's business; each recipient's
 * message has the key `broadcast:<id>:<customer>`, so queueing again (a second run, a restart
 * mid-way) never sends anyone the message twice. Stopping drops the messages still waiting;
 * a stopped broadcast is never queued again, restart or not.
 */
export function createBroadcastService(deps: BroadcastServiceDeps) {
  const { broadcasts, reports, outbox, clock, scheduleRun } = deps

  /** Queues the message for every recipient; harmless to repeat (one outbox row per key). */
  async function enqueueAll(broadcast: Broadcast): Promise<void> {
    const tag = broadcastTag(broadcast.id)
    const payload: OutboxPayload = {
      parts: [{ key: BROADCAST_MESSAGE_KEY, vars: { text: broadcast.text } }],
      ...(broadcast.photo ? { photo: broadcast.photo } : {}),
      ...(broadcast.button ? { links: [broadcast.button] } : {}),
    }
    for (let start = 0; start < broadcast.recipients.length; start += ENQUEUE_CHECK_EVERY) {
      if (start > 0 && (await broadcasts.get(broadcast.id))?.status !== 'sending') return
      await outbox.enqueueMany(
        broadcast.recipients.slice(start, start + ENQUEUE_CHECK_EVERY).map((customerId) => ({
          customerId,
          category: 'promotion' as const,
          key: `${tag}:${customerId}`,
          tags: [tag],
          payload,
        })),
      )
    }
  }

  return {
    /** How many members the segment has now (the picker and the preview say it). */
    async audience(segment: SegmentKey): Promise<number> {
      return (await reports.membersOf(segment)).length
    },

    /** Stores a confirmed broadcast with its recipients fixed now; the job then queues and follows it. */
    async start(
      ownerId: number,
      segment: SegmentKey,
      draft: BroadcastDraft,
      lang: string,
    ): Promise<Broadcast> {
      const recipients = await reports.membersOf(segment)
      return broadcasts.create({ ownerId, segment, ...draft, recipients, lang, createdAt: clock.now() })
    },

    get: (id: string) => broadcasts.get(id),

    /** Remembers the owner's progress message and starts sending. */
    async run(id: string, chatId: number, messageId: number): Promise<void> {
      await broadcasts.setProgress(id, chatId, messageId)
      await scheduleRun(id)
    },

    enqueueAll,

    /** Where the broadcast's messages are now. */
    tally: (id: string): Promise<BroadcastTally> => broadcasts.tally(id, clock.now()),

    /**
     * One run of the job: queues a sending broadcast's messages (again: harmless), drops those of
     * a stopped one, counts, and closes it once nothing is due (a message being sent right now is
     * waited for). Null when there is nothing to follow (unknown, or already closed).
     */
    async follow(id: string): Promise<FollowStep | null> {
      let broadcast = await broadcasts.get(id)
      if (broadcast === null || broadcast.status === 'done' || broadcast.status === 'cancelled') return null
      if (broadcast.status === 'sending') {
        await enqueueAll(broadcast)
        // The owner may have stopped it while it was being queued.
        broadcast = (await broadcasts.get(id)) ?? broadcast
      }
      if (broadcast.status === 'cancelling') await outbox.dropPending(broadcastTag(id), BROADCAST_CANCELLED)
      const tally = await broadcasts.tally(id, clock.now())
      const from = broadcast.status === 'cancelling' ? 'cancelling' : 'sending'
      const closed = tally.pending === 0 && (await broadcasts.finish(id, from))
      return { broadcast, tally, closed }
    },

    /**
     * The owner's Stop: messages still waiting (due, or held back for quiet hours or the cap) are
     * dropped; whatever was sent stays sent. Only once; a finished broadcast with nothing left
     * waiting has nothing to stop. The job then sends the final report.
     */
    async cancel(id: string): Promise<CancelOutcome> {
      const broadcast = await broadcasts.get(id)
      if (broadcast === null) return 'unknown'
      if (broadcast.status === 'cancelling' || broadcast.status === 'cancelled') return 'already_cancelled'
      if (broadcast.status === 'done' && (await broadcasts.tally(id, clock.now())).deferred === 0)
        return 'finished'
      if (!(await broadcasts.cancel(id))) {
        const now = await broadcasts.get(id)
        return now?.status === 'cancelling' || now?.status === 'cancelled' ? 'already_cancelled' : 'finished'
      }
      await outbox.dropPending(broadcastTag(id), BROADCAST_CANCELLED)
      await scheduleRun(id)
      return 'cancelled'
    },
  }
}

/** The service made by {@link createBroadcastService}. */
export type BroadcastService = ReturnType<typeof createBroadcastService>
