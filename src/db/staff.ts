import { Schema, type Connection } from 'mongoose'

/** A staff member (cashier, barista) of one outlet, added through an owner's invite link. */
export interface StaffMember {
  readonly telegramId: number
  /** Telegram first name at the time of joining, for the owner's list and the audit. */
  readonly name: string
  readonly outletId: string
  /** The owner whose invite was used. */
  readonly addedBy: number
  readonly addedAt: Date
}

/**
 * Staff memberships in MongoDB, one per Telegram user. Removal deletes nothing: the record keeps
 * `removedAt`, so the audit still names who served, and the role check refuses at once.
 */
export interface StaffRepository {
  /** The current membership; null for a customer or a removed member. Read on every update. */
  findActive(telegramId: number): Promise<StaffMember | null>
  /** Makes the user staff of the outlet (again, when removed before; moves them when at another outlet). */
  add(member: StaffMember): Promise<StaffMember>
  /** Current staff, by outlet then name. */
  listActive(): Promise<StaffMember[]>
  /** Names of these users as staff, removed members included (for the audit); unknown ids are left out. */
  namesOf(telegramIds: readonly number[]): Promise<Map<number, string>>
  /** Ends the membership at once; false when the user was not (or no longer) staff. */
  remove(telegramId: number, at: Date): Promise<boolean>
}

interface StaffDoc {
  _id: number
  name: string
  outletId: string
  addedBy: number
  addedAt: Date
  removedAt: Date | null
}

const schema = new Schema<StaffDoc>(
  {
    _id: { type: Number, required: true },
    name: { type: String, default: '' },
    outletId: { type: String, required: true },
    addedBy: { type: Number, required: true },
    addedAt: { type: Date, required: true },
    removedAt: { type: Date, default: null },
  },
  { versionKey: false },
)
schema.index({ removedAt: 1, outletId: 1 })

function toMember(doc: StaffDoc): StaffMember {
  return {
    telegramId: doc._id,
    name: doc.name,
    outletId: doc.outletId,
    addedBy: doc.addedBy,
    addedAt: doc.addedAt,
  }
}

/** MongoDB implementation; the Telegram id is the document id, so a user has one membership. */
export async function createStaffRepository(connection: Connection): Promise<StaffRepository> {
  const model = connection.model<StaffDoc>('Staff', schema, 'staff')
  await model.init()
  return {
    async findActive(telegramId) {
      const doc = await model.findOne({ _id: telegramId, removedAt: null }).lean<StaffDoc>()
      return doc ? toMember(doc) : null
    },
    async add(member) {
      const doc = await model
        .findOneAndUpdate(
          { _id: member.telegramId },
          {
            $set: {
              name: member.name,
              outletId: member.outletId,
              addedBy: member.addedBy,
              addedAt: member.addedAt,
              removedAt: null,
            },
          },
          { upsert: true, returnDocument: 'after' },
        )
        .lean<StaffDoc>()
      return toMember(doc as StaffDoc)
    },
    async listActive() {
      const docs = await model.find({ removedAt: null }).sort({ outletId: 1, name: 1 }).lean<StaffDoc[]>()
      return docs.map(toMember)
    },
    async namesOf(telegramIds) {
      const docs = await model.find({ _id: { $in: [...telegramIds] } }).lean<StaffDoc[]>()
      return new Map(docs.map((doc) => [doc._id, doc.name]))
    },
    async remove(telegramId, at) {
      const result = await model.updateOne({ _id: telegramId, removedAt: null }, { $set: { removedAt: at } })
      return result.modifiedCount === 1
    },
  }
}
