import type { Connection } from 'mongoose'
import { randomBytes } from 'node:crypto'
import type { SegmentKey } from '../services/reports.ts'

/** Where a broadcast is: confirmed and being sent, or finished (its final report went out). */
export type BroadcastStatus = 'sending' | 'done'

/** An owner's broadcast: the text, who it is for, and the progress message that is edited as it goes. */
export interface Broadcast {
  /** 16 hex characters; also in the outbox keys `broadcast:<id>:<customer>`. */
  readonly id: string
  readonly ownerId: number
  readonly segment: SegmentKey
  readonly text: string
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
}

/** Broadcasts in MongoDB (`broadcasts`); the per-recipient marks are the outbox's own rows. */
export interface BroadcastRepository {
  create(broadcast: Omit<Broadcast, 'id' | 'status' | 'progress'>): Promise<Broadcast>
  get(id: string): Promise<Broadcast | null>
  setProgress(id: string, chatId: number, messageId: number): Promise<void>
  /** sending -> done once (compare-and-set): true for the one caller who finished it. */
  finish(id: string): Promise<boolean>
  /** Counts the broadcast's outbox messages by outcome at `now` (tag `broadcast:<id>`). */
  tally(id: string, now: Date): Promise<BroadcastTally>
}

/** The outbox tag of a broadcast's messages. */
export function broadcastTag(id: string): string {
  return `broadcast:${id}`
}

interface BroadcastDoc extends Omit<Broadcast, 'id'> {
  _id: string
}

/** Opens the broadcast store. */
export async function createBroadcastRepository(connection: Connection): Promise<BroadcastRepository> {
  const db = connection.db
  if (!db) throw new Error('database connection is not open')
  const rows = db.collection<BroadcastDoc>('broadcasts')
  const outbox = db.collection('outbox')
  await outbox.createIndex({ tags: 1, status: 1 })
  const toBroadcast = ({ _id, ...rest }: BroadcastDoc): Broadcast => ({ id: _id, ...rest })
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
    async finish(id) {
      const result = await rows.updateOne({ _id: id, status: 'sending' }, { $set: { status: 'done' } })
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
      const tally = { pending: 0, deferred: 0, sent: 0, skipped: 0, unreachable: 0 }
      for (const { _id, count } of groups) {
        if (_id.status === 'sent') tally.sent += count
        else if (_id.status === 'pending' && _id.later) tally.deferred += count
        else if (_id.status !== 'dropped') tally.pending += count
        else if (_id.reason === 'unreachable' || _id.reason === 'failed') tally.unreachable += count
        else tally.skipped += count
      }
      return tally
    },
  }
}
