import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { MongoClient } from 'mongodb'
import type { Document } from 'mongodb'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { waitFor } from './support.ts'

const here = path.dirname(fileURLToPath(import.meta.url))
const child = path.join(here, 'fixtures', 'embedded-child.ts')

let dir = ''
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'embedded-durability-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function startChild(dbpath: string, compactAt?: number): Promise<{ proc: ChildProcess; uri: string }> {
  // Node itself with the tsx loader (not the tsx wrapper, which would survive as a parent).
  const args = ['--import', 'tsx', child, dbpath, ...(compactAt ? [String(compactAt)] : [])]
  const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  proc.stderr?.on('data', (c: Buffer) => (stderr += c.toString()))
  const uri = await new Promise<string>((resolve, reject) => {
    let out = ''
    proc.stdout?.on('data', (c: Buffer) => {
      out += c.toString()
      const line = out.split('\n').find((l) => l.startsWith('{'))
      if (line) resolve((JSON.parse(line) as { uri: string }).uri)
    })
    proc.once('exit', (code) => reject(new Error(`child exited with ${code}: ${stderr}`)))
  })
  return { proc, uri }
}

async function kill(proc: ChildProcess): Promise<void> {
  const exited = new Promise((r) => proc.once('exit', r))
  proc.kill('SIGKILL')
  await exited
}

describe('durability with a dbpath', () => {
  it(
    'keeps every acknowledged write after SIGKILL: compacted snapshot + log, big multi-record writes, transactions, indexes',
    { timeout: 50_000 },
    async () => {
      const dbpath = path.join(dir, 'db1')
      let { proc, uri } = await startChild(dbpath, 256 * 1024)
      let client = await MongoClient.connect(uri, { retryWrites: false, serverSelectionTimeoutMS: 500 })
      let db = client.db('app')

      // Deterministic history, large enough to trigger compaction.
      const items = db.collection('items')
      await items.insertMany(
        Array.from({ length: 2000 }, (_, i) => ({ _id: i, v: i })) as unknown as Document[],
      )
      await items.deleteMany({ _id: { $gte: 1000 } } as Document)
      await items.updateMany({}, { $set: { touched: true } })
      await items.createIndex({ v: 1 }, { unique: true })
      for (let i = 0; i < 300; i++) await items.updateOne({ _id: i } as Document, { $inc: { v: 10_000 } })
      // One write of about 12 MB: journaled as several records that replay all together.
      const pad = 'p'.repeat(12_000)
      await db.collection('blobs').insertMany(Array.from({ length: 1000 }, (_, i) => ({ i, pad })))
      await waitFor(async () => (await readdir(dbpath)).some((f) => f.startsWith('snapshot-')), 10_000)

      // Concurrent acknowledged writes, then SIGKILL in the middle of them.
      await db.collection('users').createIndex({ email: 1 }, { unique: true })
      await db.collection('users').insertOne({ _id: 'seed', email: 'seed@x', n: 0 } as unknown as Document)
      const acked = new Set<number>()
      let incAcked = 0
      let txnAcked = 0
      let stop = false
      const writers = Array.from({ length: 8 }, (_, w) =>
        (async () => {
          for (let i = 0; !stop; i++) {
            const id = w * 100_000 + i
            try {
              await db.collection('events').insertOne({ _id: id, w, i } as unknown as Document)
              acked.add(id)
              await db.collection('users').updateOne({ _id: 'seed' } as Document, { $inc: { n: 1 } })
              incAcked++
              if (i % 10 === 0) {
                const session = client.startSession()
                try {
                  await session.withTransaction(async () => {
                    const ledger = db.collection('ledger')
                    await ledger.insertOne({ _id: `t${id}`, amount: 1 } as unknown as Document, { session })
                    await ledger.updateOne(
                      { _id: 'total' } as Document,
                      { $inc: { sum: 1 } },
                      { session, upsert: true },
                    )
                  })
                  txnAcked++
                } finally {
                  await session.endSession().catch(() => undefined)
                }
              }
            } catch {
              return
            }
          }
        })(),
      )
      // Kill once enough writes (including transactions) are acknowledged, however loaded the machine.
      await waitFor(() => acked.size > 50 && txnAcked > 0, 30_000)
      await kill(proc)
      stop = true
      await Promise.all(writers)
      await client.close(true)
      expect(acked.size).toBeGreaterThan(50)

      ;({ proc, uri } = await startChild(dbpath))
      client = await MongoClient.connect(uri)
      db = client.db('app')
      const again = db.collection('items')
      expect(await again.countDocuments()).toBe(1000)
      expect(await again.countDocuments({ touched: true })).toBe(1000)
      expect(await again.countDocuments({ v: { $gte: 10_000 } })).toBe(300)
      await expect(again.insertOne({ v: 500 })).rejects.toMatchObject({ code: 11000 })
      expect(await db.collection('blobs').countDocuments({ pad: { $exists: true } })).toBe(1000)

      const stored = new Set(
        (
          await db
            .collection('events')
            .find({}, { projection: { _id: 1 } })
            .toArray()
        ).map((d) => d._id as unknown as number),
      )
      expect([...acked].filter((id) => !stored.has(id))).toEqual([])
      const seed = await db.collection('users').findOne({ _id: 'seed' } as Document)
      expect(seed?.n).toBeGreaterThanOrEqual(incAcked)
      expect(seed?.n).toBeLessThanOrEqual(incAcked + 8)
      const ledgerRows = await db.collection('ledger').countDocuments({ _id: { $ne: 'total' } } as Document)
      const total = (await db.collection('ledger').findOne({ _id: 'total' } as Document))?.sum ?? 0
      expect(total).toBe(ledgerRows)
      expect(ledgerRows).toBeGreaterThanOrEqual(txnAcked)
      await expect(db.collection('users').insertOne({ email: 'seed@x' })).rejects.toMatchObject({
        code: 11000,
      })
      await client.close()
      await kill(proc)
    },
  )
})
