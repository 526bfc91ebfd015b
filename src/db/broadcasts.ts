import type { Connection } from 'mongoose'
import { randomBytes } from 'node:crypto'
import type { LinkButton } from '../domain/link-button.ts'
import type { SegmentKey } from '../services/reports.ts'
import { UNCONFIRMED } from './outbox.ts'

/**
 * Where a broadcast is: confirmed and being sent; finished (its final report went out, though
 * messages held back by the policy may still wait); stopped by the owner, its pending messages
 * dropped, the report still to come; stopped and reported.
 */
export type BroadcastStatus = 'sending' | 'done' | 'cancelling' | 'cancelled'

/** An owner's broadcast: the text, who it is for, and the progress message that is edited as it goes. */
export interface Broadcast {
  /** 16 hex characters; also in the outbox keys `broadcast:<id>:<customer>`. */
  readonly id: string
  readonly ownerId: number
  readonly segment: SegmentKey
  readonly text: string
  /** A photo's file_id: customers get the photo with the text as its caption (at most 1024 characters). */
  readonly photo: string | null
  /** One button opening a web page under the message. */
  readonly button: LinkButton | null
  /** Customers it was queued for, fixed at confirmation (segments move with time). */
  readonly recipients: readonly string[]
  readonly status: BroadcastStatus
  readonly progress: { readonly chatId: number; readonly messageId: number } | null
  readonly lang: string
  readonly createdAt: Date
}

/** How far a broadcast got, counted from the outbox. */
export interface BroadcastTally {
  /** Due now (or being sent): the job keeps following them. */
  readonly pending: number
  /** Held back by the messaging policy (promotional cap, quiet hours) until a later time. */
  readonly deferred: number
  readonly sent: number
  /** Dropped by the messaging policy: no consent for promotions. */
  readonly skipped: number
  /** Dropped because Telegram said the bot is blocked (or the customer is gone). */
  readonly unreachable: number
  /** Dropped because the owner stopped the broadcast. */
  readonly cancelled: number
  /** Given up mid-send by a crash: maybe delivered, never sent again (see the outbox). */
  readonly unconfirmed: number
}

/** A tally with nothing counted yet. */
export const EMPTY_TALLY: BroadcastTally = {
  pending: 0,
  deferred: 0,
  sent: 0,
  skipped: 0,
  unreachable: 0,
  cancelled: 0,
  unconfirmed: 0,
}

/** Broadcasts in MongoDB (`broadcasts`); the per-recipient marks are the outbox's own rows. */
export interface BroadcastRepository {
  create(broadcast: Omit<Broadcast, 'id' | 'status' | 'progress'>): Promise<Broadcast>
  get(id: string): Promise<Broadcast | null>
  setProgress(id: string, chatId: number, messageId: number): Promise<void>
  /**
   * Closes the broadcast once (compare-and-set): sending -> done, cancelling -> cancelled; true
   * for the one caller who closed it (and sends the final report).
   */
  finish(id: string, from: 'sending' | 'cancelling'): Promise<boolean>
  /** sending or done -> cancelling, once (compare-and-set): true for the one caller who stopped it. */
  cancel(id: string): Promise<boolean>
  /** Counts the broadcast's outbox messages by outcome at `now` (tag `broadcast:<id>`). */
  tally(id: string, now: Date): Promise<BroadcastTally>
}

/** The outbox drop reason of a stopped broadcast's messages that were not sent. */
export const BROADCAST_CANCELLED = 'cancelled'

/** The outbox tag of a broadcast's messages. */
export function broadcastTag(id: string): string {
  return `broadcast:${id}`
}

interface BroadcastDoc extends Omit<Broadcast, 'id' | 'photo' | 'button'> {
  _id: string
  /** Absent on broadcasts stored before photos and buttons existed. */
  photo?: string | null
  button?: LinkButton | null
}

/** Opens the broadcast store. */
export async function createBroadcastRepository(connection: Connection): Promise<BroadcastRepository> {
  const db = connection.db
  if (!db) throw new Error('database connection is not open')
  const rows = db.collection<BroadcastDoc>('broadcasts')
  const outbox = db.collection('outbox')
  await outbox.createIndex({ tags: 1, status: 1 })
  const toBroadcast = ({ _id, photo, button, ...rest }: BroadcastDoc): Broadcast => ({
    id: _id,
    photo: photo ?? null,
    button: button ?? null,
    ...rest,
  })
  return {
    async create(broadcast) {
      const doc: BroadcastDoc = {
        _id: randomBytes(8).toString('hex'),
        ...broadcast,
        status: 'sending',
        progress: null,
      }
      await rows.insertOne(doc)
      return toBroadcast(doc)
    },
    async get(id) {
      const doc = await rows.findOne({ _id: id })
      return doc ? toBroadcast(doc) : null
    },
    async setProgress(id, chatId, messageId) {
      await rows.updateOne({ _id: id }, { $set: { progress: { chatId, messageId } } })
    },
    async finish(id, from) {
      const to = from === 'sending' ? 'done' : 'cancelled'
      const result = await rows.updateOne({ _id: id, status: from }, { $set: { status: to } })
      return result.modifiedCount === 1
    },
    async cancel(id) {
      const result = await rows.updateOne(
        { _id: id, status: { $in: ['sending', 'done'] } },
        { $set: { status: 'cancelling' } },
      )
      return result.modifiedCount === 1
    },
    async tally(id, now) {
      const groups = await outbox
        .aggregate<{ _id: { status: string; reason: string | null; later: boolean }; count: number }>([
          { $match: { tags: broadcastTag(id) } },
          {
            $group: {
              _id: { status: '$status', reason: '$dropReason', later: { $gt: ['$dueAt', now] } },
              count: { $sum: 1 },
            },
          },
        ])
        .toArray()
      const tally = { ...EMPTY_TALLY }
      for (const { _id, count } of groups) {
        if (_id.status === 'sent') tally.sent += count
        else if (_id.status === 'pending' && _id.later) tally.deferred += count
        else if (_id.status !== 'dropped') tally.pending += count
        else if (_id.reason === UNCONFIRMED) tally.unconfirmed += count
        else if (_id.reason === 'unreachable' || _id.reason === 'failed') tally.unreachable += count
        else if (_id.reason === BROADCAST_CANCELLED) tally.cancelled += count
        else tally.skipped += count
      }
      return tally
    },
  }
}
