import {
  broadcastTag,
  type Broadcast,
  type BroadcastRepository,
  type BroadcastTally,
} from '../db/broadcasts.ts'
import type { Clock } from '../domain/clock.ts'
import type { OutboxService } from './outbox.ts'
import type { ReportService, SegmentKey } from './reports.ts'

/** The i18n key a broadcast is sent under; its only value is the owner's text (escaped). */
export const BROADCAST_MESSAGE_KEY = 'owner_broadcast.message'

/** Longest broadcast text accepted (a Telegram message holds 4096 characters). */
export const BROADCAST_MAX_LENGTH = 3500

/** Ports of {@link createBroadcastService}. */
export interface BroadcastServiceDeps {
  readonly broadcasts: BroadcastRepository
  readonly reports: Pick<ReportService, 'membersOf'>
  readonly outbox: Pick<OutboxService, 'enqueueMany'>
  readonly clock: Clock
  /** Starts (or restarts) the job that queues and follows a broadcast (src/jobs/owner-broadcast.ts). */
  readonly scheduleRun: (broadcastId: string) => Promise<void>
}

/**
 * Owners' broadcasts. Every message leaves through the outbox as a promotion, so consent, the
 * 30-day cap, quiet hours, Telegram's pace and 403s are the outbox's business; each recipient's
 * message has the key `broadcast:<id>:<customer>`, so queueing again (a second run, a restart
 * mid-way) never sends anyone the message twice.
 */
export function createBroadcastService(deps: BroadcastServiceDeps) {
  const { broadcasts, reports, outbox, clock, scheduleRun } = deps
  return {
    /** How many members the segment has now (the picker and the preview say it). */
    async audience(segment: SegmentKey): Promise<number> {
      return (await reports.membersOf(segment)).length
    },

    /** Stores a confirmed broadcast with its recipients fixed now; the job then queues and follows it. */
    async start(ownerId: number, segment: SegmentKey, text: string, lang: string): Promise<Broadcast> {
      const recipients = await reports.membersOf(segment)
      return broadcasts.create({ ownerId, segment, text, recipients, lang, createdAt: clock.now() })
    },

    get: (id: string) => broadcasts.get(id),

    /** Remembers the owner's progress message and starts sending. */
    async run(id: string, chatId: number, messageId: number): Promise<void> {
      await broadcasts.setProgress(id, chatId, messageId)
      await scheduleRun(id)
    },

    /** Queues the message for every recipient; harmless to repeat (one outbox row per key). */
    async enqueueAll(broadcast: Broadcast): Promise<void> {
      const tag = broadcastTag(broadcast.id)
      const payload = { parts: [{ key: BROADCAST_MESSAGE_KEY, vars: { text: broadcast.text } }] }
      await outbox.enqueueMany(
        broadcast.recipients.map((customerId) => ({
          customerId,
          category: 'promotion' as const,
          key: `${tag}:${customerId}`,
          tags: [tag],
          payload,
        })),
      )
    },

    /** Where the broadcast's messages are now. */
    tally: (id: string): Promise<BroadcastTally> => broadcasts.tally(id, clock.now()),
    /** True once, for whoever closes the broadcast (and sends the final report). */
    finish: (id: string) => broadcasts.finish(id),
  }
}

/** The service made by {@link createBroadcastService}. */
export type BroadcastService = ReturnType<typeof createBroadcastService>
