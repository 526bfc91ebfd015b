import mongoose, { type Connection } from 'mongoose'

/**
 * Opens a mongoose connection of its own (not the global one), so tests can run many isolated
 * databases in one process. Fails fast when the server cannot be reached: the database is essential.
 */
export async function connectDatabase(uri: string, dbName?: string): Promise<Connection> {
  const connection = mongoose.createConnection(uri, {
    ...(dbName ? { dbName } : {}),
    // 10 s unless the URI says otherwise (tests of an unreachable database say 500 ms).
    ...(/serverSelectionTimeoutMS=/i.test(uri) ? {} : { serverSelectionTimeoutMS: 10_000 }),
    autoIndex: true,
  })
  await connection.asPromise()
  return connection
}
