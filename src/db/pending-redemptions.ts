import { Schema, Types, type Connection } from 'mongoose'

/**
 * Where a redemption request stands. `pending` waits for the customer; `confirmed` means the customer
 * agreed (the spend itself is idempotent by the request id, so a retry completes it); the others are final.
 */
export type RedemptionStatus = 'pending' | 'confirmed' | 'declined' | 'expired' | 'failed'

/** A purchase recorded together with the points once the customer confirms. */
export interface RedemptionPurchase {
  /** See the domain's `receiptPurchaseId`, or an id made once per purchase dialog. */
  readonly purchaseId: string
  readonly receiptId: string | null
}

/** Staff asked to spend a customer's points; nothing is spent until the customer confirms. */
export interface PendingRedemption {
  readonly id: string
  readonly customerId: string
  readonly customerChatId: number
  readonly customerLang: string
  readonly staffId: number
  readonly staffRole: 'staff' | 'owner'
  readonly staffChatId: number
  readonly staffLang: string
  readonly outletId: string
  readonly points: number
  /** The purchase the points pay for, minor units: the redeem cap applies to it. */
  readonly purchaseAmount: number
  /** Set when the points pay for a purchase recorded on confirmation; null for a plain redemption. */
  readonly purchase: RedemptionPurchase | null
  /** The catalogue reward the points buy (then `purchaseAmount` is 0 and no cap applies); null otherwise. */
  readonly rewardId: string | null
  readonly status: RedemptionStatus
  readonly createdAt: Date
  readonly expiresAt: Date
  readonly settledAt: Date | null
  /** The customer's "Confirm / Decline" message, to take its buttons away once settled. */
  readonly customerMessageId: number | null
}

export type NewPendingRedemption = Omit<
  PendingRedemption,
  'id' | 'status' | 'settledAt' | 'customerMessageId'
>

/**
 * Redemption requests in MongoDB. Every change of status is a compare-and-set on `pending`, so a double
 * tap, a tap racing the timeout job, or a second worker settle a request exactly once.
 */
export interface PendingRedemptionRepository {
  create(request: NewPendingRedemption): Promise<PendingRedemption>
  /** Null for an unknown or malformed id (a forged button). */
  findById(id: string): Promise<PendingRedemption | null>
  setCustomerMessage(id: string, messageId: number): Promise<void>
  /**
   * Moves a pending request to `status` when it is still pending and, for a confirmation, not yet
   * expired at `now`. Returns the updated request, or null when another tap or the timeout won.
   */
  settle(
    id: string,
    status: Exclude<RedemptionStatus, 'pending'>,
    now: Date,
  ): Promise<PendingRedemption | null>
  /** Marks a confirmed request failed (the spend was refused, e.g. a concurrent spend took the points). */
  markFailed(id: string, now: Date): Promise<void>
  /** Pending requests whose time ran out at `now`, oldest first. */
  dueForExpiry(now: Date, limit: number): Promise<PendingRedemption[]>
}

interface RedemptionDoc extends Omit<PendingRedemption, 'id'> {
  _id: Types.ObjectId
}

const schema = new Schema<RedemptionDoc>(
  {
    customerId: { type: String, required: true },
    customerChatId: { type: Number, required: true },
    customerLang: { type: String, required: true },
    staffId: { type: Number, required: true },
    staffRole: { type: String, required: true },
    staffChatId: { type: Number, required: true },
    staffLang: { type: String, required: true },
    outletId: { type: String, required: true },
    points: { type: Number, required: true },
    purchaseAmount: { type: Number, required: true },
    purchase: {
      type: new Schema({ purchaseId: String, receiptId: { type: String, default: null } }, { _id: false }),
      default: null,
    },
    rewardId: { type: String, default: null },
    status: { type: String, required: true, default: 'pending' },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    settledAt: { type: Date, default: null },
    customerMessageId: { type: Number, default: null },
  },
  { versionKey: false, minimize: false },
)
schema.index({ status: 1, expiresAt: 1 })

function toRedemption(doc: RedemptionDoc): PendingRedemption {
  const { _id, purchase, ...rest } = doc
  return {
    ...rest,
    id: _id.toHexString(),
    purchase: purchase ? { purchaseId: purchase.purchaseId, receiptId: purchase.receiptId ?? null } : null,
    settledAt: rest.settledAt ?? null,
    rewardId: rest.rewardId ?? null,
    customerMessageId: rest.customerMessageId ?? null,
  }
}

function objectId(id: string): Types.ObjectId | null {
  return /^[0-9a-f]{24}$/i.test(id) ? new Types.ObjectId(id) : null
}

/** MongoDB implementation (collection `pending_redemptions`). */
export async function createPendingRedemptionRepository(
  connection: Connection,
): Promise<PendingRedemptionRepository> {
  const model = connection.model<RedemptionDoc>('PendingRedemption', schema, 'pending_redemptions')
  await model.init()
  return {
    async create(request) {
      const doc = await model.create({ ...request, status: 'pending', settledAt: null })
      return toRedemption(doc.toObject())
    },
    async findById(id) {
      const _id = objectId(id)
      const doc = _id ? await model.findById(_id).lean<RedemptionDoc>() : null
      return doc ? toRedemption(doc) : null
    },
    async setCustomerMessage(id, messageId) {
      const _id = objectId(id)
      if (_id) await model.updateOne({ _id }, { $set: { customerMessageId: messageId } })
    },
    async settle(id, status, now) {
      const _id = objectId(id)
      if (_id === null) return null
      const filter: Record<string, unknown> = { _id, status: 'pending' }
      // A confirmation must come in time; a decline or the timeout itself may settle a late request.
      if (status === 'confirmed') filter.expiresAt = { $gt: now }
      const doc = await model
        .findOneAndUpdate(filter, { $set: { status, settledAt: now } }, { returnDocument: 'after' })
        .lean<RedemptionDoc>()
      return doc ? toRedemption(doc) : null
    },
    async markFailed(id, now) {
      const _id = objectId(id)
      if (_id)
        await model.updateOne({ _id, status: 'confirmed' }, { $set: { status: 'failed', settledAt: now } })
    },
    async dueForExpiry(now, limit) {
      const docs = await model
        .find({ status: 'pending', expiresAt: { $lte: now } })
        .sort({ expiresAt: 1 })
        .limit(limit)
        .lean<RedemptionDoc[]>()
      return docs.map(toRedemption)
    },
  }
}
