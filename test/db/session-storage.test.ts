import { randomBytes } from 'node:crypto'
import { MemorySessionStorage } from 'grammy'
import type { Connection } from 'mongoose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectDatabase } from '../../src/db/connection.ts'
import { createChatStateStore, skipUnchangedWrites } from '../../src/db/session-storage.ts'
import { startEmbeddedDb, type EmbeddedDb } from '../../src/embedded-mongo/index.ts'

let server: EmbeddedDb | undefined
let connection: Connection

beforeAll(async () => {
  const uri = process.env.MONGODB_URI ?? (server = await startEmbeddedDb({ port: 0 })).uri
  connection = await connectDatabase(uri, `t_chat_state_${randomBytes(4).toString('hex')}`)
})

afterAll(async () => {
  await connection.dropDatabase().catch(() => undefined)
  await connection.close()
  await server?.stop()
})

/** A memory storage that counts the writes reaching it. */
function countingStorage() {
  const inner = new MemorySessionStorage<{ language?: string }>()
  let writes = 0
  return {
    writes: () => writes,
    storage: {
      read: (key: string) => inner.read(key),
      write: (key: string, value: { language?: string }) => {
        writes += 1
        inner.write(key, value)
      },
      delete: (key: string) => inner.delete(key),
    },
  }
}

describe('session writes', () => {
  it('should drop a write of the value just read, and keep every real change', async () => {
    const { storage, writes } = countingStorage()
    const sessions = skipUnchangedWrites(storage)
    await sessions.write('1', { language: 'ru' })
    expect(writes()).toBe(1)

    expect(await sessions.read('1')).toEqual({ language: 'ru' })
    await sessions.write('1', { language: 'ru' })
    expect(writes()).toBe(1)

    await sessions.read('1')
    await sessions.write('1', { language: 'en' })
    expect(writes()).toBe(2)
    expect(await sessions.read('1')).toEqual({ language: 'en' })

    // That read remembered 'en': writing it back is skipped once, and a write with no read before it is not.
    await sessions.write('1', { language: 'en' })
    expect(writes()).toBe(2)
    await sessions.write('1', { language: 'en' })
    expect(writes()).toBe(3)
  })

  it('should write the first value of a new chat', async () => {
    const { storage, writes } = countingStorage()
    const sessions = skipUnchangedWrites(storage)
    expect(await sessions.read('2')).toBeUndefined()
    await sessions.write('2', {})
    expect(writes()).toBe(1)
  })
})

describe('the chat state', () => {
  it('claims an update once; a released claim can be taken again', async () => {
    const store = await createChatStateStore(connection, 'claims')
    expect(await store.claim('10', 501)).toBe(true)
    expect(await store.claim('10', 501)).toBe(false)
    expect(await store.claim('10', 502)).toBe(true)
    expect(await store.claim('11', 501)).toBe(true)
    await store.release('10', 502)
    expect(await store.claim('10', 502)).toBe(true)
    expect(await store.claim('10', 502)).toBe(false)
  })

  it('takes the same update once when it arrives at two instances at the same time', async () => {
    const [one, two] = await Promise.all([
      createChatStateStore(connection, 'race'),
      createChatStateStore(connection, 'race'),
    ])
    const same = await Promise.all([one.claim('20', 700), two.claim('20', 700)])
    expect(same.filter(Boolean)).toHaveLength(1)
    // The first updates of a new chat, different ones, both go through though one creates the document.
    const different = await Promise.all([one.claim('21', 801), two.claim('21', 802)])
    expect(different).toEqual([true, true])
  })

  it('keeps the session and the conversation state across a restart and answers reads from the claim', async () => {
    const before = await createChatStateStore(connection, 'restart')
    expect(await before.claim('30', 1)).toBe(true)
    expect(await before.sessions.read('30')).toBeUndefined()
    expect(await before.conversations.read('30')).toBeUndefined()
    await before.sessions.write('30', { language: 'en' })
    await before.conversations.write('30', { v: 1, state: { join: [{ step: 2 }] } })

    const after = await createChatStateStore(connection, 'restart')
    expect(await after.claim('30', 2)).toBe(true)
    expect(await after.sessions.read('30')).toEqual({ language: 'en' })
    expect(await after.conversations.read('30')).toEqual({ v: 1, state: { join: [{ step: 2 }] } })
    await after.conversations.delete('30')
    expect(await after.claim('30', 3)).toBe(true)
    expect(await after.sessions.read('30')).toEqual({ language: 'en' })
    expect(await after.conversations.read('30')).toBeUndefined()
    // Without a claim before it, a read goes to the database.
    expect(await after.sessions.read('30')).toEqual({ language: 'en' })
  })
})
