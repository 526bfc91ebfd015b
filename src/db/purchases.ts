import { Schema, type Connection } from 'mongoose'
import type { Actor } from '../domain/ledger/entry.ts'
import { money, type Money } from '../domain/money.ts'
import { points } from '../domain/points.ts'
import type { Purchase, PurchaseRepository } from '../domain/ports/purchase-repository.ts'
import { basisPoints } from '../domain/rates.ts'
import { isDuplicateKey } from './processed-updates.ts'

interface PurchaseDoc {
  _id: string
  customerId: string
  amount: number
  discountBp: number
  discount: number
  redeemed: number
  paid: number
  earned: number
  stamps: number
  outletId: string
  actor: Actor
  createdAt: Date
  voidedAt: Date | null
}

const schema = new Schema<PurchaseDoc>(
  {
    _id: { type: String, required: true },
    customerId: { type: String, required: true },
    amount: { type: Number, required: true },
    discountBp: { type: Number, required: true },
    discount: { type: Number, required: true },
    redeemed: { type: Number, required: true },
    paid: { type: Number, required: true },
    earned: { type: Number, required: true },
    stamps: { type: Number, required: true },
    outletId: { type: String, required: true },
    actor: { role: { type: String, required: true }, id: { type: String, required: true } },
    createdAt: { type: Date, required: true },
    voidedAt: { type: Date, default: null },
  },
  { versionKey: false },
)
schema.index({ customerId: 1, createdAt: -1 })
schema.index({ createdAt: -1 })

function toPurchase(doc: PurchaseDoc): Purchase {
  return {
    id: doc._id,
    customerId: doc.customerId,
    amount: money(doc.amount),
    discountBp: basisPoints(doc.discountBp),
    discount: money(doc.discount),
    redeemed: points(doc.redeemed),
    paid: money(doc.paid),
    earned: points(doc.earned),
    stamps: doc.stamps,
    outletId: doc.outletId,
    actor: { role: doc.actor.role, id: doc.actor.id },
    createdAt: doc.createdAt,
    voidedAt: doc.voidedAt ?? null,
  }
}

/** The purchase repository plus the counts the referral rules and the customer screens need. */
export interface MongoPurchaseRepository extends PurchaseRepository {
  /** Non-voided purchases of a customer (an invitee is "new" while this is 0). */
  countOf(customerId: string): Promise<number>
  /** The newest non-voided purchase, for "last visit". */
  lastOf(customerId: string): Promise<Purchase | null>
}

/** Purchases in MongoDB, `_id` = purchase id: recording the same id twice stores it once. */
export async function createPurchaseRepository(connection: Connection): Promise<MongoPurchaseRepository> {
  const model = connection.model<PurchaseDoc>('Purchase', schema, 'purchases')
  await model.init()
  const findById = async (purchaseId: string) => {
    const doc = await model.findById(purchaseId).lean<PurchaseDoc>()
    return doc ? toPurchase(doc) : null
  }
  return {
    async record(purchase) {
      try {
        await model.create({ ...purchase, _id: purchase.id })
        return { purchase, created: true }
      } catch (error) {
        if (!isDuplicateKey(error)) throw error
        const existing = await findById(purchase.id)
        if (!existing) throw error
        return { purchase: existing, created: false }
      }
    },
    findById,
    async spendBetween(customerId, from, to): Promise<Money> {
      const createdAt = from === null ? { $lte: to } : { $gt: from, $lte: to }
      const [row] = await model.aggregate<{ total: number }>([
        { $match: { customerId, voidedAt: null, createdAt } },
        { $group: { _id: null, total: { $sum: '$paid' } } },
      ])
      return money(row?.total ?? 0)
    },
    async markVoided(purchaseId, at) {
      await model.updateOne({ _id: purchaseId, voidedAt: null }, { $set: { voidedAt: at } })
    },
    countOf: (customerId) => model.countDocuments({ customerId, voidedAt: null }),
    async lastOf(customerId) {
      const doc = await model
        .findOne({ customerId, voidedAt: null })
        .sort({ createdAt: -1 })
        .lean<PurchaseDoc>()
      return doc ? toPurchase(doc) : null
    },
  }
}
