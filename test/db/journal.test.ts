import { spawnSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { JournalCorruptError, MAX_RECORD_BYTES, openJournal } from '../../src/embedded-mongo/journal/index.ts'
import type { Journal } from '../../src/embedded-mongo/journal/index.ts'

let dir: string
const open: Journal[] = []
let logLines: string[]

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'journal-test-'))
  logLines = []
})

afterEach(async () => {
  await Promise.allSettled(open.splice(0).map((journal) => journal.close()))
  vi.restoreAllMocks()
  await fs.rm(dir, { recursive: true, force: true })
})

async function reopen(): Promise<Journal> {
  const journal = await openJournal(dir, { logger: (line) => logLines.push(line) })
  open.push(journal)
  return journal
}

const text = (records: Iterable<Uint8Array>): string[] => [...records].map((r) => Buffer.from(r).toString())
const rec = (s: string): Uint8Array => new TextEncoder().encode(s)
const logFile = (): string => path.join(dir, 'journal-0.log')

async function writeTen(): Promise<void> {
  const journal = await reopen()
  expect(text(journal.replay())).toEqual([])
  for (let i = 0; i < 10; i++) await journal.append(rec(`r${i}`))
  await journal.close()
}

describe('journal: append and replay', () => {
  it('replays exactly what was appended, across several reopens', async () => {
    const big = randomBytes(3 * 1024 * 1024 + 17)
    const first = [rec('a'), new Uint8Array(0), big, rec('ünïcødé'), new Uint8Array([0, 0, 0, 0, 255])]
    let journal = await reopen()
    expect([...journal.replay()]).toEqual([])
    for (const r of first) await journal.append(r)
    await journal.close()

    journal = await reopen()
    // Compare digests: deep equality of multi-MiB buffers is very slow in vitest.
    const digest = (r: Uint8Array): string => createHash('sha256').update(r).digest('hex')
    expect([...journal.replay()].map(digest)).toEqual(first.map(digest))
    await journal.append(rec('second session'))
    await journal.close()

    journal = await reopen()
    const all = [...journal.replay()]
    expect(all).toHaveLength(first.length + 1)
    expect(Buffer.from(all[2]!).equals(big)).toBe(true)
    expect(Buffer.from(all[5]!).toString()).toBe('second session')
    expect(logLines).toEqual([])
  })

  it('copies the record at the call, so later mutation by the caller does not leak in', async () => {
    const journal = await reopen()
    journal.replay()
    const buffer = rec('before')
    const done = journal.append(buffer)
    buffer.set(rec('AFTER!'))
    await done
    await journal.close()
    expect(text((await reopen()).replay())).toEqual(['before'])
  })

  it('accepts a record of MAX_RECORD_BYTES (48 MiB) and rejects a larger one', async () => {
    expect(MAX_RECORD_BYTES).toBe(48 * 1024 * 1024)
    const journal = await reopen()
    journal.replay()
    const huge = new Uint8Array(MAX_RECORD_BYTES).fill(0xab)
    huge[MAX_RECORD_BYTES - 1] = 1
    await journal.append(huge)
    await expect(journal.append(new Uint8Array(MAX_RECORD_BYTES + 1))).rejects.toThrow(RangeError)
    await journal.append(rec('after'))
    await journal.close()
    const replayed = [...(await reopen()).replay()]
    expect(replayed).toHaveLength(2)
    expect(replayed[0]!.length).toBe(MAX_RECORD_BYTES)
    expect(replayed[0]![MAX_RECORD_BYTES - 1]).toBe(1)
    expect(Buffer.from(replayed[1]!).toString()).toBe('after')
  })

  it('acknowledges concurrent appends in call order, sharing fsyncs, and replays them in that order', async () => {
    const journal = await reopen()
    journal.replay()
    const fileHandleProto = Object.getPrototypeOf(
      await fs.open(logFile(), 'r').then(async (h) => (await h.close(), h)),
    )
    const datasync = vi.spyOn(fileHandleProto, 'datasync')
    const acked: number[] = []
    const count = 500
    await Promise.all(
      Array.from({ length: count }, (_, i) => journal.append(rec(`c${i}`)).then(() => acked.push(i))),
    )
    expect(acked).toEqual(Array.from({ length: count }, (_, i) => i))
    expect(datasync.mock.calls.length).toBeGreaterThan(0)
    expect(datasync.mock.calls.length).toBeLessThan(count / 10)

    // Appenders that append again on acknowledgement (the usual server pattern) are batched too.
    datasync.mockClear()
    let next = 0
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < 2000) await journal.append(rec(`w${next++}`))
      }),
    )
    expect(datasync.mock.calls.length).toBeLessThan(2000 / 8)
    await journal.close()

    const replayed = text((await reopen()).replay())
    expect(replayed.slice(0, count)).toEqual(Array.from({ length: count }, (_, i) => `c${i}`))
    expect(replayed.slice(count)).toEqual(Array.from({ length: 2000 }, (_, i) => `w${i}`))
  })

  it('close() flushes appends still pending and rejects later ones', async () => {
    const journal = await reopen()
    journal.replay()
    const pending = Array.from({ length: 100 }, (_, i) => journal.append(rec(`p${i}`)))
    await journal.close()
    await Promise.all(pending)
    await expect(journal.append(rec('late'))).rejects.toThrow(/closed/)
    await expect(journal.compact([])).rejects.toThrow(/closed/)
    expect(text((await reopen()).replay())).toEqual(Array.from({ length: 100 }, (_, i) => `p${i}`))
  })

  it('fails the append whose write fails and every later one; a reopen recovers the acknowledged prefix', async () => {
    const journal = await reopen()
    journal.replay()
    await journal.append(rec('ok'))
    const proto = Object.getPrototypeOf(await fs.open(logFile(), 'r').then(async (h) => (await h.close(), h)))
    vi.spyOn(proto, 'datasync').mockRejectedValueOnce(
      Object.assign(new Error('EIO: i/o error'), { code: 'EIO' }),
    )
    await expect(journal.append(rec('lost'))).rejects.toThrow(/EIO/)
    await expect(journal.append(rec('later'))).rejects.toThrow(/earlier write failed/)
    await journal.close()
    vi.restoreAllMocks()
    const again = await reopen()
    // 'lost' did reach the page cache, so it may or may not replay; 'ok' must, 'later' must not.
    const replayed = text(again.replay())
    expect(replayed[0]).toBe('ok')
    expect(replayed).not.toContain('later')
  })

  it('reports shouldCompact from logBytes, snapshotBytes and the options', async () => {
    const journal = await openJournal(dir, { compactThresholdBytes: 1000, compactRatio: 2 })
    open.push(journal)
    journal.replay()
    expect(journal.logBytes).toBe(0)
    expect(journal.snapshotBytes).toBe(0)
    for (let i = 0; i < 10; i++) await journal.append(new Uint8Array(92))
    expect(journal.logBytes).toBe(1000)
    expect(journal.shouldCompact).toBe(false)
    await journal.append(new Uint8Array(0))
    expect(journal.shouldCompact).toBe(true)
    const compacting = journal.compact([new Uint8Array(992)])
    expect(journal.shouldCompact).toBe(false)
    await compacting
    expect(journal.logBytes).toBe(0)
    expect(journal.snapshotBytes).toBe(8 + 1000 + 16)
    for (let i = 0; i < 30; i++) await journal.append(new Uint8Array(92))
    expect(journal.shouldCompact).toBe(true)
  })
})

describe('journal: torn or corrupt tail', () => {
  const corruptions: [string, (file: string, size: number) => Promise<void>, number][] = [
    ['truncated mid-record', (file, size) => fs.truncate(file, size - 1), 9],
    ['truncated mid-header', (file, size) => fs.truncate(file, size - 10 + 4), 9],
    ['garbage appended', (file) => fs.appendFile(file, randomBytes(37)), 10],
    ['zeros appended', (file) => fs.appendFile(file, Buffer.alloc(4096)), 10],
    [
      'huge length appended',
      (file) => fs.appendFile(file, Buffer.from([255, 255, 255, 255, 1, 2, 3, 4])),
      10,
    ],
    [
      'a byte flipped in the last record',
      async (file, size) => {
        const handle = await fs.open(file, 'r+')
        const byte = Buffer.alloc(1)
        await handle.read(byte, 0, 1, size - 1)
        byte[0]! ^= 0x10
        await handle.write(byte, 0, 1, size - 1)
        await handle.close()
      },
      9,
    ],
  ]

  for (const [name, corrupt, kept] of corruptions) {
    it(`cuts the tail (${name}), replays the good prefix and repairs the file`, async () => {
      await writeTen()
      const size = (await fs.stat(logFile())).size
      await corrupt(logFile(), size)

      const journal = await reopen()
      const expected = Array.from({ length: kept }, (_, i) => `r${i}`)
      expect(text(journal.replay())).toEqual(expected)
      expect(logLines).toHaveLength(1)
      expect(logLines[0]).toMatch(/cut \d+ bytes, kept \d+ records/)
      const goodSize = kept === 10 ? size : size - (8 + 2)
      expect((await fs.stat(logFile())).size).toBe(goodSize)

      await journal.append(rec('after repair'))
      await journal.close()
      logLines = []
      expect(text((await reopen()).replay())).toEqual([...expected, 'after repair'])
      expect(logLines).toEqual([])
    })
  }

  it('repairs the tail by itself when append comes without a replay', async () => {
    await writeTen()
    await fs.appendFile(logFile(), randomBytes(20))
    const journal = await reopen()
    await journal.append(rec('no replay'))
    expect(logLines).toHaveLength(1)
    await journal.close()
    expect(text((await reopen()).replay())).toEqual([
      ...Array.from({ length: 10 }, (_, i) => `r${i}`),
      'no replay',
    ])
  })

  it('refuses to continue a replay after an append started', async () => {
    await writeTen()
    const journal = await reopen()
    const iterator = journal.replay()[Symbol.iterator]()
    expect(Buffer.from(iterator.next().value as Uint8Array).toString()).toBe('r0')
    await journal.append(rec('x'))
    expect(() => iterator.next()).toThrow(/after an append/)
    expect(() => journal.replay()).toThrow(/only once/)
  })
})

describe('journal: snapshot damage', () => {
  async function compacted(): Promise<string> {
    const journal = await reopen()
    journal.replay()
    await journal.compact([rec('s0'), rec('s1'), rec('s2')])
    await journal.close()
    return path.join(dir, 'snapshot-1.bin')
  }

  it('rejects the open when the snapshot footer is missing', async () => {
    const file = await compacted()
    await fs.truncate(file, (await fs.stat(file)).size - 3)
    await expect(openJournal(dir)).rejects.toThrow(JournalCorruptError)
    // The failed open released the lock.
    await fs.truncate(file, 0)
    await expect(openJournal(dir)).rejects.toThrow(/snapshot/)
  })

  it('throws from replay when a snapshot record is damaged, instead of dropping committed data', async () => {
    const file = await compacted()
    const handle = await fs.open(file, 'r+')
    await handle.write(Buffer.from('X'), 0, 1, 8 + 8)
    await handle.close()
    const journal = await reopen()
    expect(() => [...journal.replay()]).toThrow(JournalCorruptError)
  })
})

describe('journal: directory lock', () => {
  it('refuses a second opener while the first is open, and allows it after close', async () => {
    const first = await reopen()
    await expect(openJournal(dir)).rejects.toThrow(/already open in this process/)
    await first.close()
    const second = await reopen()
    expect(text(second.replay())).toEqual([])
    await second.close()
    await expect(fs.access(path.join(dir, 'LOCK'))).rejects.toThrow()
  })

  it('takes over a stale lock left by a dead process', async () => {
    const child = spawnSync(process.execPath, ['-e', ''])
    expect(child.pid).toBeGreaterThan(0)
    await fs.writeFile(path.join(dir, 'LOCK'), `${child.pid}\n`)
    const journal = await reopen()
    expect(logLines.join('\n')).toMatch(new RegExp(`stale lock .*pid ${child.pid}`))
    expect((await fs.readFile(path.join(dir, 'LOCK'), 'latin1')).split('\n')[0]).toBe(String(process.pid))
    await journal.close()
  })

  it('takes over a lock with our own pid that this process does not hold (pid reuse after a restart)', async () => {
    await fs.writeFile(path.join(dir, 'LOCK'), `${process.pid}\n`)
    const journal = await reopen()
    expect(logLines.join('\n')).toMatch(/stale lock/)
    await journal.close()
  })

  it('takes over a lock from before a reboot even when its pid is alive now (Linux boot id)', async () => {
    const bootId = await fs.readFile('/proc/sys/kernel/random/boot_id', 'latin1')
    expect(bootId.trim()).not.toBe('')
    await fs.writeFile(path.join(dir, 'LOCK'), `${process.ppid}\nnot-this-boot\n`)
    const journal = await reopen()
    expect(logLines.join('\n')).toMatch(/stale lock/)
    await journal.close()
    // A lock from this boot with a live pid still refuses.
    await fs.writeFile(path.join(dir, 'LOCK'), `${process.ppid}\n${bootId.trim()}\n`)
    await expect(openJournal(dir)).rejects.toThrow(/locked by running process/)
  })

  it('refuses a lock held by another live process, naming its pid', async () => {
    await fs.writeFile(path.join(dir, 'LOCK'), `${process.ppid}\n`)
    await expect(openJournal(dir)).rejects.toThrow(new RegExp(`locked by running process ${process.ppid}`))
  })
})

describe('journal: framing property', () => {
  it('after a cut at any byte, replays exactly the records that fit entirely before it', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: 1, maxLength: 40 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        async (sizes, cutAt) => {
          await fs.rm(dir, { recursive: true, force: true })
          const records = sizes.map((size, i) => new Uint8Array(size).fill(i + 1))
          const journal = await reopen()
          journal.replay()
          await Promise.all(records.map((r) => journal.append(r)))
          await journal.close()
          const size = (await fs.stat(logFile())).size
          const cut = 8 + Math.floor((size - 8) * cutAt)
          await fs.truncate(logFile(), cut)

          let end = 8
          const fitting = records.filter((r) => (end += 8 + r.length) <= cut)
          const again = await reopen()
          const replayed = [...again.replay()]
          expect(replayed.map((r) => [r.length, r[0]])).toEqual(fitting.map((r) => [r.length, r[0]]))
          await again.close()
        },
      ),
      { numRuns: 40 },
    )
  })
})
