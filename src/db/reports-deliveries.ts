import type { Connection } from 'mongoose'
import { isDuplicateKey } from './processed-updates.ts'

/**
 * The "once per owner per day" lock of the daily digest (`digest_deliveries`, `_id` =
 * `<owner>:<local day>`). Claiming inserts the row: the unique `_id` is the compare-and-set, so a
 * second worker, a repeated run or a restart finds it taken and sends nothing. A worker that dies
 * between claim and send leaves the day unsent: the price of never sending twice.
 */
export interface DigestDeliveries {
  /** True when this call took the day for this owner; false when someone already had. */
  claim(ownerId: number, day: string, at: Date): Promise<boolean>
  /** Gives the day back after a failed send, so a later run may try again. */
  release(ownerId: number, day: string): Promise<void>
  /** Records that the digest went out (for support: "did I get it?"). */
  markSent(ownerId: number, day: string, at: Date): Promise<void>
}

/** Opens the digest delivery lock. */
export async function createDigestDeliveries(connection: Connection): Promise<DigestDeliveries> {
  const db = connection.db
  if (!db) throw new Error('database connection is not open')
  const rows = db.collection<{
    _id: string
    ownerId: number
    day: string
    claimedAt: Date
    sentAt: Date | null
  }>('digest_deliveries')
  return {
    async claim(ownerId, day, at) {
      try {
        await rows.insertOne({ _id: `${ownerId}:${day}`, ownerId, day, claimedAt: at, sentAt: null })
        return true
      } catch (error) {
        if (isDuplicateKey(error)) return false
        throw error
      }
    },
    async release(ownerId, day) {
      await rows.deleteOne({ _id: `${ownerId}:${day}`, sentAt: null })
    },
    async markSent(ownerId, day, at) {
      await rows.updateOne({ _id: `${ownerId}:${day}` }, { $set: { sentAt: at } })
    },
  }
}
