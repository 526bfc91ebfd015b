import { Schema, type Connection } from 'mongoose'

/** Wrong manual codes a staff member may type within {@link SCAN_ATTEMPT_WINDOW_MS} before /scan pauses. */
export const MAX_WRONG_SCANS = 10

/** The sliding window of the wrong-code limit: 10 minutes. */
export const SCAN_ATTEMPT_WINDOW_MS = 10 * 60 * 1000

/**
 * Wrong `/scan <code>` attempts per staff member, so a leaked staff account cannot walk the 8-symbol code
 * space. Kept in MongoDB (works across instances), removed by a TTL index after the window.
 */
export interface ScanAttemptRepository {
  /** True while the staff member has fewer than {@link MAX_WRONG_SCANS} wrong codes in the window. */
  isAllowed(staffId: number, now: Date): Promise<boolean>
  recordWrong(staffId: number, now: Date): Promise<void>
}

interface AttemptDoc {
  staffId: number
  at: Date
}

const schema = new Schema<AttemptDoc>(
  {
    staffId: { type: Number, required: true, index: true },
    at: { type: Date, required: true, expires: Math.ceil(SCAN_ATTEMPT_WINDOW_MS / 1000) },
  },
  { versionKey: false },
)

/** MongoDB implementation (collection `staff_scan_attempts`). */
export async function createScanAttemptRepository(connection: Connection): Promise<ScanAttemptRepository> {
  const model = connection.model<AttemptDoc>('StaffScanAttempt', schema, 'staff_scan_attempts')
  await model.init()
  return {
    async isAllowed(staffId, now) {
      const since = new Date(now.getTime() - SCAN_ATTEMPT_WINDOW_MS)
      const wrong = await model.countDocuments({ staffId, at: { $gt: since } })
      return wrong < MAX_WRONG_SCANS
    },
    async recordWrong(staffId, now) {
      await model.create({ staffId, at: now })
    },
  }
}
