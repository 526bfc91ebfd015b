import { randomUUID } from 'node:crypto'
import { Schema, type Connection } from 'mongoose'
import type { LinkButton } from '../domain/link-button.ts'
import type { MessageCategory } from '../domain/messaging-policy.ts'
import { isDuplicateKey } from './processed-updates.ts'

/**
 * One paragraph of a queued message: an i18n key and its values, rendered when the message is
 * sent, in the customer's language of that moment. `name` (their current name) and `shop` are
 * added then; a value under a key ending in `Date` is an ISO instant, shown as a local date.
 */
export interface OutboxPart {
  readonly key: string
  readonly vars?: Readonly<Record<string, string | number>>
}

/** What a queued message says: paragraphs, and optional inline buttons, link buttons and photo. */
export interface OutboxPayload {
  readonly parts: readonly OutboxPart[]
  /** Inline buttons, one row: label key and callback data (built by the feature's codec). */
  readonly buttons?: readonly { readonly labelKey: string; readonly data: string }[]
  /** Buttons opening a web page, one per row below `buttons`; labels as written, not i18n keys. */
  readonly links?: readonly LinkButton[]
  /** A photo's Telegram file_id: the message goes out as that photo, the paragraphs as its caption. */
  readonly photo?: string
  /** More inline rows, under `buttons`, buttons as there (the 0..10 NPS scale takes two rows). */
  readonly buttonRows?: readonly (readonly { readonly labelKey: string; readonly data: string }[])[]
}

/** Why a message was given up when its send may or may not have reached Telegram (a crash mid-send). */
export const UNCONFIRMED = 'unconfirmed'

/** Where a message is: waiting (maybe deferred), being sent by one worker, sent, or never sent. */
export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'dropped'

/** One queued non-transactional message. */
export interface OutboxMessage {
  readonly id: string
  /** Idempotency key: one message per key, ever (e.g. `birthday:<customer>:2026`). */
  readonly key: string
  readonly customerId: string
  readonly category: MessageCategory
  /** Counts against the 30-day promotional cap once sent. */
  readonly promotional: boolean
  /** What it is about, for later questions ("was a reactivation reminder sent?"). */
  readonly tags: readonly string[]
  readonly payload: OutboxPayload
  readonly status: OutboxStatus
  /** Not sent before this instant (quiet hours move it to the morning). */
  readonly dueAt: Date
  /** Not sent at or after this instant (dropped as `expired`); null: no limit. */
  readonly expiresAt: Date | null
  readonly sentAt: Date | null
  readonly dropReason: string | null
  readonly createdAt: Date
}

/** A message to queue; `dueAt` defaults to the creation instant. */
export interface NewOutboxMessage {
  readonly key: string
  readonly customerId: string
  readonly category: MessageCategory
  readonly promotional: boolean
  readonly tags?: readonly string[]
  readonly payload: OutboxPayload
  readonly dueAt: Date
  /** See {@link OutboxMessage.expiresAt}; default none. */
  readonly expiresAt?: Date
  readonly createdAt: Date
}

/** The outbox in MongoDB (collection `outbox`): unique by key, claimed by compare-and-set. */
export interface OutboxRepository {
  /** Queues a message; false when one with this key already exists (queued, sent or dropped). */
  add(message: NewOutboxMessage): Promise<boolean>
  /** Queues many messages in one round-trip; keys that exist already are left as they are. Returns how many were new. */
  addMany(messages: readonly NewOutboxMessage[]): Promise<number>
  findByKey(key: string): Promise<OutboxMessage | null>
  /** Pending messages due at `now`, oldest first, at most `limit`. */
  due(now: Date, limit: number): Promise<OutboxMessage[]>
  /**
   * Takes a pending due message for sending, right before the send; false when another worker took
   * it first. A message left `sending` by a crash may or may not have reached Telegram. `token`
   * names this claim: a claim whose answer was lost (the database went away) and that the driver
   * repeated finds the message already `sending` under its own token, and still owns it.
   */
  claim(id: string, now: Date, token?: string): Promise<boolean>
  /**
   * Gives back a claim of `token` that nothing was sent under (its answer was lost): the message is
   * pending again. False when the claim never landed (the message is as it was).
   */
  releaseClaim(id: string, token: string): Promise<boolean>
  markSent(id: string, at: Date, messageId: number): Promise<void>
  /**
   * Makes a message in status `from` wait until `until` (quiet hours, the cap, a failed send);
   * false when it is no longer in `from` (another worker got to it).
   */
  reschedule(id: string, until: Date, from: 'pending' | 'sending'): Promise<boolean>
  /** Gives a message in status `from` up with `reason`; false when it is no longer in `from`. */
  drop(id: string, reason: string, from: 'pending' | 'sending'): Promise<boolean>
  /**
   * Messages still `sending` that were claimed before `claimedBefore`: their worker died between the
   * send and the mark (a crash), so nobody knows whether Telegram delivered them.
   */
  sendingClaimedBefore(claimedBefore: Date): Promise<OutboxMessage[]>
  /** Promotional messages sent to the customer after `since` (a message sent exactly then is out of the window). */
  countPromotionalSentSince(customerId: string, since: Date): Promise<number>
  /** When the oldest promotional message sent to the customer after `since` went out; null if none. */
  oldestPromotionalSentSince(customerId: string, since: Date): Promise<Date | null>
  /** Messages of the customer carrying `tag` that were not dropped (queued or sent). */
  withTag(customerId: string, tag: string): Promise<OutboxMessage[]>
  /** Drops every still pending (due or deferred) message carrying `tag`; how many were dropped. */
  dropPendingTagged(tag: string, reason: string): Promise<number>
}

interface OutboxDoc {
  _id: string
  customerId: string
  category: string
  promotional: boolean
  tags: string[]
  payload: OutboxPayload
  status: OutboxStatus
  dueAt: Date
  expiresAt: Date | null
  claimedAt: Date | null
  /** The claim's token (see OutboxRepository.claim). */
  claimToken?: string | null
  sentAt: Date | null
  messageId: number | null
  dropReason: string | null
  createdAt: Date
}

const schema = new Schema<OutboxDoc>(
  {
    _id: { type: String, required: true },
    customerId: { type: String, required: true },
    category: { type: String, required: true },
    promotional: { type: Boolean, required: true },
    tags: { type: [String], default: [] },
    payload: { type: Schema.Types.Mixed, required: true },
    status: { type: String, required: true },
    dueAt: { type: Date, required: true },
    expiresAt: { type: Date, default: null },
    claimedAt: { type: Date, default: null },
    claimToken: { type: String, default: null },
    sentAt: { type: Date, default: null },
    messageId: { type: Number, default: null },
    dropReason: { type: String, default: null },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, minimize: false },
)
schema.index({ status: 1, dueAt: 1 })
schema.index({ customerId: 1, promotional: 1, sentAt: -1 })
schema.index({ customerId: 1, tags: 1 })

function toMessage(doc: OutboxDoc): OutboxMessage {
  return {
    id: doc._id,
    key: doc._id,
    customerId: doc.customerId,
    category: doc.category as MessageCategory,
    promotional: doc.promotional,
    tags: [...(doc.tags ?? [])],
    payload: doc.payload,
    status: doc.status,
    dueAt: doc.dueAt,
    expiresAt: doc.expiresAt ?? null,
    sentAt: doc.sentAt ?? null,
    dropReason: doc.dropReason ?? null,
    createdAt: doc.createdAt,
  }
}

/** The stored form of a newly queued message. */
function pendingDoc(message: NewOutboxMessage): OutboxDoc {
  return {
    _id: message.key,
    customerId: message.customerId,
    category: message.category,
    promotional: message.promotional,
    tags: [...(message.tags ?? [])],
    payload: message.payload,
    status: 'pending',
    dueAt: message.dueAt,
    expiresAt: message.expiresAt ?? null,
    claimedAt: null,
    sentAt: null,
    messageId: null,
    dropReason: null,
    createdAt: message.createdAt,
  }
}

/** An unordered bulk insert that failed only on keys already there: how many documents it did insert. */
function insertedDespiteDuplicates(error: unknown): number | null {
  const bulk = error as { writeErrors?: unknown; insertedCount?: unknown }
  const writeErrors = Array.isArray(bulk.writeErrors) ? bulk.writeErrors : [bulk.writeErrors]
  const onlyDuplicates = bulk.writeErrors !== undefined && writeErrors.every(isDuplicateKey)
  return onlyDuplicates && typeof bulk.insertedCount === 'number' ? bulk.insertedCount : null
}

/** Builds the repository; the key is the document id, so uniqueness needs no extra index. */
export async function createOutboxRepository(connection: Connection): Promise<OutboxRepository> {
  const model = connection.model<OutboxDoc>('OutboxMessage', schema, 'outbox')
  await model.init()
  return {
    async add(message) {
      try {
        await model.create(pendingDoc(message))
        return true
      } catch (error) {
        if (isDuplicateKey(error)) return false
        throw error
      }
    },
    async addMany(messages) {
      if (messages.length === 0) return 0
      try {
        const collection = model.db.collection<OutboxDoc>(model.collection.collectionName)
        const result = await collection.insertMany(messages.map(pendingDoc), { ordered: false })
        return result.insertedCount
      } catch (error) {
        const inserted = insertedDespiteDuplicates(error)
        if (inserted === null) throw error
        return inserted
      }
    },
    async findByKey(key) {
      const doc = await model.findById(key).lean<OutboxDoc>()
      return doc ? toMessage(doc) : null
    },
    async due(now, limit) {
      const docs = await model
        .find({ status: 'pending', dueAt: { $lte: now } })
        .sort({ dueAt: 1, _id: 1 })
        .limit(limit)
        .lean<OutboxDoc[]>()
      return docs.map(toMessage)
    },
    async claim(id, now, token = randomUUID()) {
      const result = await model.updateOne(
        { _id: id, status: 'pending', dueAt: { $lte: now } },
        { $set: { status: 'sending', claimedAt: now, claimToken: token } },
      )
      if (result.modifiedCount === 1) return true
      return (await model.exists({ _id: id, status: 'sending', claimToken: token })) !== null
    },
    async releaseClaim(id, token) {
      const result = await model.updateOne(
        { _id: id, status: 'sending', claimToken: token },
        { $set: { status: 'pending', claimedAt: null, claimToken: null } },
      )
      return result.modifiedCount === 1
    },
    async markSent(id, at, messageId) {
      await model.updateOne({ _id: id }, { $set: { status: 'sent', sentAt: at, messageId } })
    },
    async reschedule(id, until, from) {
      const result = await model.updateOne(
        { _id: id, status: from },
        { $set: { status: 'pending', dueAt: until, claimedAt: null } },
      )
      return result.modifiedCount === 1
    },
    async drop(id, reason, from) {
      const result = await model.updateOne(
        { _id: id, status: from },
        { $set: { status: 'dropped', dropReason: reason } },
      )
      return result.modifiedCount === 1
    },
    async sendingClaimedBefore(claimedBefore) {
      const docs = await model
        .find({ status: 'sending', claimedAt: { $lt: claimedBefore } })
        .lean<OutboxDoc[]>()
      return docs.map(toMessage)
    },
    async countPromotionalSentSince(customerId, since) {
      return model.countDocuments({ customerId, promotional: true, status: 'sent', sentAt: { $gt: since } })
    },
    async oldestPromotionalSentSince(customerId, since) {
      const oldest = await model
        .findOne({ customerId, promotional: true, status: 'sent', sentAt: { $gt: since } })
        .sort({ sentAt: 1 })
        .lean<OutboxDoc>()
      return oldest?.sentAt ?? null
    },
    async withTag(customerId, tag) {
      const docs = await model
        .find({ customerId, tags: tag, status: { $ne: 'dropped' } })
        .sort({ createdAt: 1 })
        .lean<OutboxDoc[]>()
      return docs.map(toMessage)
    },
    async dropPendingTagged(tag, reason) {
      const result = await model.updateMany(
        { tags: tag, status: 'pending' },
        { $set: { status: 'dropped', dropReason: reason } },
      )
      return result.modifiedCount
    },
  }
}
