import type { StorageAdapter } from 'grammy'
import type { Connection } from 'mongoose'
import { isDuplicateKey } from './processed-updates.ts'

/** The ids of a chat's latest updates kept to recognise a redelivery (Telegram redelivers the oldest first). */
const RECENT_UPDATES = 100

/** One document per chat: what survives between its updates. */
interface ChatStateDocument {
  key: string
  /** grammY's session of the chat. */
  session?: unknown
  /** The conversations plugin's state of the chat (versioned by the plugin). */
  conversation?: unknown
  /** Ids of the chat's latest updates, oldest first. */
  recent?: number[]
}

/**
 * Everything the bot keeps per chat between updates, in one document: the session, the state of the
 * conversations and the ids of the chat's latest updates. Taking an update on is then one round-trip:
 * `claim` adds the update id unless it is there already (a redelivery) and returns the session and the
 * conversation state in the same command; the session and conversation adapters answer their reads
 * from it. Updates of one chat run one after another (sequentialize), so what `claim` read is what the
 * same update's adapters read next; an adapter read with nothing claimed goes to the database.
 */
export interface ChatStateStore {
  /** Claims an update of the chat `key`; false when it was claimed before (a duplicate delivery). */
  claim(key: string, updateId: number): Promise<boolean>
  /** Gives a claim back, so a redelivery can process an update whose handling crashed. */
  release(key: string, updateId: number): Promise<void>
  sessions: StorageAdapter<unknown>
  conversations: StorageAdapter<unknown>
}

/** The chat state in MongoDB, in `collectionName` with a unique key index. */
export async function createChatStateStore(
  connection: Connection,
  collectionName = 'chat_states',
): Promise<ChatStateStore> {
  const db = connection.db
  if (!db) throw new Error('database connection is not open')
  const collection = db.collection<ChatStateDocument>(collectionName)
  await collection.createIndex({ key: 1 }, { unique: true })
  const claimed = new Map<string, { session?: unknown; conversation?: unknown }>()

  const claimOnce = (key: string, updateId: number, upsert: boolean) =>
    collection.findOneAndUpdate(
      { key, recent: { $ne: updateId } },
      { $push: { recent: { $each: [updateId], $slice: -RECENT_UPDATES } } },
      { upsert, returnDocument: 'after', projection: { _id: 0, session: 1, conversation: 1 } },
    )

  /** An adapter of one field of the chat's document. */
  function fieldAdapter(field: 'session' | 'conversation'): StorageAdapter<unknown> {
    return {
      async read(key) {
        const state = claimed.get(key)
        if (state && field in state) {
          const value = state[field]
          delete state[field]
          if (!('session' in state) && !('conversation' in state)) claimed.delete(key)
          return value ?? undefined
        }
        const document = await collection.findOne({ key }, { projection: { _id: 0, [field]: 1 } })
        return document?.[field] ?? undefined
      },
      async write(key, value) {
        await collection.updateOne({ key }, { $set: { [field]: value } }, { upsert: true })
      },
      async delete(key) {
        await collection.updateOne({ key }, { $unset: { [field]: '' } })
      },
    }
  }

  return {
    async claim(key, updateId) {
      let state: Awaited<ReturnType<typeof claimOnce>>
      try {
        state = await claimOnce(key, updateId, true)
      } catch (error) {
        if (!isDuplicateKey(error)) throw error
        // The chat's document exists without matching: the update is in it, or another instance created
        // the document for a different update just now. Claiming again without creating tells which.
        state = await claimOnce(key, updateId, false)
      }
      if (state === null) return false
      claimed.set(key, { session: state.session, conversation: state.conversation })
      return true
    },
    async release(key, updateId) {
      await collection.updateOne({ key }, { $pull: { recent: updateId } })
    },
    sessions: skipUnchangedWrites(fieldAdapter('session')),
    conversations: fieldAdapter('conversation'),
  }
}

/**
 * grammY writes a session back whenever it was read, and every update reads it (the language lives
 * there): this wrapper remembers what was read and drops a write of the same value, saving a database
 * round-trip on most updates. Updates of one chat run in order (sequentialize), so the remembered value
 * is the one this update read; a changed value, or a key not read here, is always written.
 */
export function skipUnchangedWrites<T>(storage: StorageAdapter<T>): StorageAdapter<T> {
  const lastRead = new Map<string, string>()
  return {
    async read(key) {
      const value = await storage.read(key)
      if (value !== undefined) lastRead.set(key, JSON.stringify(value))
      else lastRead.delete(key)
      return value
    },
    async write(key, value) {
      const serialized = JSON.stringify(value)
      const unchanged = lastRead.get(key) === serialized
      lastRead.delete(key)
      if (!unchanged) await storage.write(key, value)
    },
    async delete(key) {
      lastRead.delete(key)
      await storage.delete(key)
    },
  }
}
