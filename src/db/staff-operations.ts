import { Schema, Types, type Connection } from 'mongoose'

/**
 * What a staff member did at the desk. `purchase` and `redeem` point at the ledger (a purchase id, a
 * ledger entry id); `stamp` and `stamp_reward` change the customer's stamp card; gift operations name
 * the certificate code.
 */
export type StaffOperationKind =
  'purchase' | 'redeem' | 'stamp' | 'stamp_reward' | 'gift_issue' | 'gift_accept'

/** One line of the desk's audit trail: who, where, when, for whom, what. */
export interface StaffOperation {
  readonly id: string
  readonly staffId: number
  readonly staffRole: 'staff' | 'owner'
  readonly outletId: string
  readonly customerId: string
  readonly kind: StaffOperationKind
  /** Purchase id, ledger entry id or gift code, by kind. */
  readonly ref: string
  /** Stamps added (stamp, purchase) or 0. */
  readonly stamps: number
  readonly at: Date
  readonly undoneAt: Date | null
}

export type NewStaffOperation = Omit<StaffOperation, 'id' | 'undoneAt'>

/**
 * The audit trail of the desk: every operation staff record (the ledger itself is the source of the
 * points; this says which operation is "my last one" for undo, and feeds the owner's audit view).
 * Idempotent by (kind, ref): a replayed purchase is logged once.
 */
export interface StaffOperationRepository {
  /** Logs the operation once per (kind, ref); `created` is false when it was logged before. */
  record(operation: NewStaffOperation): Promise<{ operation: StaffOperation; created: boolean }>
  /** The staff member's latest operation not undone yet, or null. */
  lastOf(staffId: number): Promise<StaffOperation | null>
  /** Marks the operation undone once; false when it already was. */
  markUndone(id: string, at: Date): Promise<boolean>
  /** Newest first, optionally of one outlet. */
  recent(limit: number, outletId?: string): Promise<StaffOperation[]>
}

interface OperationDoc extends Omit<StaffOperation, 'id'> {
  _id: Types.ObjectId
}

const schema = new Schema<OperationDoc>(
  {
    staffId: { type: Number, required: true },
    staffRole: { type: String, required: true },
    outletId: { type: String, required: true },
    customerId: { type: String, required: true },
    kind: { type: String, required: true },
    ref: { type: String, required: true },
    stamps: { type: Number, default: 0 },
    at: { type: Date, required: true },
    undoneAt: { type: Date, default: null },
  },
  { versionKey: false },
)
schema.index({ kind: 1, ref: 1 }, { unique: true })
schema.index({ staffId: 1, at: -1 })
schema.index({ outletId: 1, at: -1 })

function toOperation(doc: OperationDoc): StaffOperation {
  const { _id, ...rest } = doc
  return { ...rest, id: _id.toHexString(), undoneAt: rest.undoneAt ?? null }
}

/** MongoDB implementation (collection `staff_operations`). */
export async function createStaffOperationRepository(
  connection: Connection,
): Promise<StaffOperationRepository> {
  const model = connection.model<OperationDoc>('StaffOperation', schema, 'staff_operations')
  await model.init()
  return {
    async record(operation) {
      const result = await model.findOneAndUpdate(
        { kind: operation.kind, ref: operation.ref },
        { $setOnInsert: { ...operation, undoneAt: null } },
        { upsert: true, returnDocument: 'after', includeResultMetadata: true, lean: true },
      )
      return {
        operation: toOperation(result.value as OperationDoc),
        created: result.lastErrorObject?.updatedExisting === false,
      }
    },
    async lastOf(staffId) {
      const doc = await model
        .findOne({ staffId, undoneAt: null })
        .sort({ at: -1, _id: -1 })
        .lean<OperationDoc>()
      return doc ? toOperation(doc) : null
    },
    async markUndone(id, at) {
      if (!/^[0-9a-f]{24}$/i.test(id)) return false
      const result = await model.updateOne(
        { _id: new Types.ObjectId(id), undoneAt: null },
        { $set: { undoneAt: at } },
      )
      return result.modifiedCount === 1
    },
    async recent(limit, outletId) {
      const docs = await model
        .find(outletId ? { outletId } : {})
        .sort({ at: -1, _id: -1 })
        .limit(limit)
        .lean<OperationDoc[]>()
      return docs.map(toOperation)
    },
  }
}
