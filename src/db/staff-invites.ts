import { randomBytes } from 'node:crypto'
import { Schema, type Connection } from 'mongoose'

/** How long a staff invite link works after the owner made it. */
export const STAFF_INVITE_TTL_MS = 24 * 60 * 60 * 1000

/** A one-time link `?start=s-<token>` that makes whoever opens it first staff of an outlet. */
export interface StaffInvite {
  /** 16 random bytes in base64url (22 characters): unguessable, fits Telegram's start parameter. */
  readonly token: string
  readonly outletId: string
  readonly createdBy: number
  readonly createdAt: Date
  readonly expiresAt: Date
}

/** Why an invite could not be used. */
export type InviteRefusal = 'unknown' | 'used' | 'expired'

/** Staff invites in MongoDB; claiming is a compare-and-set, so two people opening one link get one membership. */
export interface StaffInviteRepository {
  /** Stores a fresh invite for the outlet, valid {@link STAFF_INVITE_TTL_MS} from `now`. */
  create(input: { outletId: string; createdBy: number; now: Date }): Promise<StaffInvite>
  /** Uses the invite for `userId` if it is unused and unexpired at `now`; otherwise says why not. */
  claim(
    token: string,
    userId: number,
    now: Date,
  ): Promise<{ ok: true; invite: StaffInvite } | { ok: false; reason: InviteRefusal }>
}

interface InviteDoc {
  _id: string
  outletId: string
  createdBy: number
  createdAt: Date
  expiresAt: Date
  usedBy: number | null
  usedAt: Date | null
}

const schema = new Schema<InviteDoc>(
  {
    _id: { type: String, required: true },
    outletId: { type: String, required: true },
    createdBy: { type: Number, required: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    usedBy: { type: Number, default: null },
    usedAt: { type: Date, default: null },
  },
  { versionKey: false },
)

function toInvite(doc: InviteDoc): StaffInvite {
  const { _id, outletId, createdBy, createdAt, expiresAt } = doc
  return { token: _id, outletId, createdBy, createdAt, expiresAt }
}

/** MongoDB implementation; used and expired invites stay for the audit. */
export async function createStaffInviteRepository(connection: Connection): Promise<StaffInviteRepository> {
  const model = connection.model<InviteDoc>('StaffInvite', schema, 'staff_invites')
  await model.init()
  return {
    async create({ outletId, createdBy, now }) {
      const doc = await model.create({
        _id: randomBytes(16).toString('base64url'),
        outletId,
        createdBy,
        createdAt: now,
        expiresAt: new Date(now.getTime() + STAFF_INVITE_TTL_MS),
      })
      return toInvite(doc.toObject())
    },
    async claim(token, userId, now) {
      const claimed = await model
        .findOneAndUpdate(
          { _id: token, usedAt: null, expiresAt: { $gt: now } },
          { $set: { usedBy: userId, usedAt: now } },
          { returnDocument: 'after' },
        )
        .lean<InviteDoc>()
      if (claimed) return { ok: true, invite: toInvite(claimed) }
      const existing = await model.findById(token).lean<InviteDoc>()
      if (!existing) return { ok: false, reason: 'unknown' }
      return { ok: false, reason: existing.usedAt ? 'used' : 'expired' }
    },
  }
}
