import { Schema, type Connection } from 'mongoose'

interface ProcessedUpdate {
  _id: string
  at: Date
}

const schema = new Schema<ProcessedUpdate>(
  {
    _id: { type: String, required: true },
    at: { type: Date, required: true, default: () => new Date(), expires: 3 * 24 * 3600 },
  },
  { versionKey: false },
)

/**
 * Remembers which Telegram updates were taken on, so a webhook redelivery or a restart that re-fetches
 * an update does not apply it twice. Entries expire after three days (Telegram keeps updates for 24 hours).
 */
export interface ProcessedUpdates {
  /** Claims an update; false when it was claimed before (a duplicate delivery). */
  claim(botId: number, updateId: number): Promise<boolean>
  /** Gives a claim back, so a redelivery can process an update whose handling crashed. */
  release(botId: number, updateId: number): Promise<void>
}

/** MongoDB implementation: the unique `_id` makes claiming atomic across instances. */
export function createProcessedUpdates(connection: Connection): ProcessedUpdates {
  const model = connection.model<ProcessedUpdate>('ProcessedUpdate', schema, 'processed_updates')
  return {
    async claim(botId, updateId) {
      try {
        await model.create({ _id: `${botId}:${updateId}` })
        return true
      } catch (error) {
        if (isDuplicateKey(error)) return false
        throw error
      }
    },
    async release(botId, updateId) {
      await model.deleteOne({ _id: `${botId}:${updateId}` })
    },
  }
}

/** True for MongoDB's E11000 duplicate key error, whichever layer wrapped it. */
export function isDuplicateKey(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000
}
