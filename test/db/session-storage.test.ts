import { MemorySessionStorage } from 'grammy'
import { describe, expect, it } from 'vitest'
import { skipUnchangedWrites } from '../../src/db/session-storage.ts'

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
