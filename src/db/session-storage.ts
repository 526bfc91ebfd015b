import { MongoDBAdapter, type ISession } from '@grammyjs/storage-mongodb'
import type { StorageAdapter } from 'grammy'
import type { Connection } from 'mongoose'

/**
 * Session and conversation state in MongoDB (grammY's official adapter), so a restart in the middle of a
 * conversation resumes where it was. One collection per kind of state, each with a unique key index.
 */
export async function createMongoStorage<T>(
  connection: Connection,
  collectionName: string,
): Promise<StorageAdapter<T>> {
  const db = connection.db
  if (!db) throw new Error('database connection is not open')
  const collection = db.collection<ISession>(collectionName)
  await collection.createIndex({ key: 1 }, { unique: true })
  return skipUnchangedWrites(new MongoDBAdapter<T>({ collection: collection as never }))
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
