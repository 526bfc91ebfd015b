/**
 * Which server the conformance suite runs against: the embedded server (default) or a real MongoDB
 * when MONGODB_URI is set. Every test file gets its own database, dropped afterwards.
 */
import { randomBytes } from 'node:crypto'
import { MongoClient } from 'mongodb'
import type { Db, Document } from 'mongodb'
import { startEmbeddedDb } from '../../src/embedded-mongo/index.ts'
import type { EmbeddedDb, EmbeddedDbOptions } from '../../src/embedded-mongo/index.ts'

/** A database for one test file. */
export interface TestDb {
  /** Connection string of the server (database name not included). */
  uri: string
  /** Unique database name for this file. */
  dbName: string
  /** True when running against the embedded server. */
  embedded: boolean
  /** The embedded server, when embedded. */
  server: EmbeddedDb | null
  client: MongoClient
  db: Db
  /** Drops the database, closes the client and stops the embedded server. */
  close(): Promise<void>
}

/** True when the suite targets a real MongoDB (MONGODB_URI set). */
export const REAL_MONGO = Boolean(process.env.MONGODB_URI)

/**
 * Opens a database for a test file. `embeddedOptions` tune the embedded server (e.g. a short TTL
 * sweep interval) and are ignored against a real MongoDB.
 */
export async function openTestDb(label: string, embeddedOptions: EmbeddedDbOptions = {}): Promise<TestDb> {
  const dbName = `t_${label}_${randomBytes(4).toString('hex')}`
  let server: EmbeddedDb | null = null
  let uri = process.env.MONGODB_URI ?? ''
  if (!uri) {
    server = await startEmbeddedDb({
      ...embeddedOptions,
      logger: (line) => {
        if (process.env.EMBEDDED_DB_LOG) process.stderr.write(`[embedded ${label}] ${line}\n`)
      },
    })
    uri = server.uri
  }
  const client = await MongoClient.connect(uri)
  const db = client.db(dbName)
  return {
    uri,
    dbName,
    embedded: server !== null,
    server,
    client,
    db,
    async close() {
      await db.dropDatabase().catch(() => undefined)
      await client.close()
      await server?.stop()
    },
  }
}

/** Waits until `check` returns true, polling every `everyMs`; throws after `timeoutMs`. */
export async function waitFor(
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  everyMs = 50,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await check()) return
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, everyMs))
  }
}

/**
 * The driver's collection API with untyped filters and updates: conformance tests deliberately use
 * shapes (numeric `_id`s, arbitrary operators) that the driver's schema typing rejects.
 */
export interface LooseCollection {
  insertOne(doc: Document): Promise<{ insertedId: unknown }>
  insertMany(docs: Document[], options?: Document): Promise<{ insertedCount: number }>
  findOne(filter: Document, options?: Document): Promise<Document | null>
  find(
    filter: Document,
    options?: Document,
  ): { sort(s: Document): { toArray(): Promise<Document[]> }; toArray(): Promise<Document[]> }
  updateOne(
    filter: Document,
    update: Document | Document[],
    options?: Document,
  ): Promise<{ matchedCount: number; modifiedCount: number }>
  updateMany(
    filter: Document,
    update: Document | Document[],
    options?: Document,
  ): Promise<{ matchedCount: number; modifiedCount: number }>
  replaceOne(filter: Document, doc: Document, options?: Document): Promise<unknown>
  countDocuments(filter?: Document): Promise<number>
}

/** A collection of the test database with loose typing (see {@link LooseCollection}). */
export function loose(t: TestDb, name: string): LooseCollection {
  return t.db.collection(name) as unknown as LooseCollection
}
