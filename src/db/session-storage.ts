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
  return new MongoDBAdapter<T>({ collection: collection as never })
}
