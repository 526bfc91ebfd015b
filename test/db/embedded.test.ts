/**
 * Behaviour specific to the embedded server (its knobs and its CLI); always runs against the
 * embedded server, whatever MONGODB_URI says.
 */
import { spawn } from 'node:child_process'
import net from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { MongoClient } from 'mongodb'
import type { Document } from 'mongodb'
import { describe, expect, it } from 'vitest'
import { startEmbeddedDb } from '../../src/embedded-mongo/index.ts'

const cli = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'src',
  'embedded-mongo',
  'cli.ts',
)
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

describe('embedded server', () => {
  it('times idle cursors out after cursorTimeoutMs', async () => {
    const db = await startEmbeddedDb({ cursorTimeoutMs: 200 })
    const client = await MongoClient.connect(db.uri)
    try {
      const c = client.db('x').collection('c')
      await c.insertMany(Array.from({ length: 20 }, (_, i) => ({ i })))
      const first = await client.db('x').command({ find: 'c', batchSize: 5 })
      const id = first.cursor.id
      expect(Number(id)).not.toBe(0)
      const more = await client.db('x').command({ getMore: id, collection: 'c', batchSize: 5 })
      expect(more.cursor.nextBatch).toHaveLength(5)
      await sleep(700)
      await expect(client.db('x').command({ getMore: id, collection: 'c' })).rejects.toMatchObject({
        code: 43,
      })
    } finally {
      await client.close()
      await db.stop()
    }
  })

  it('aborts transactions idle for longer than transactionLifetimeMs', async () => {
    const db = await startEmbeddedDb({ transactionLifetimeMs: 200 })
    const client = await MongoClient.connect(db.uri)
    try {
      const c = client.db('x').collection('c')
      await c.insertOne({ _id: 1, v: 0 } as unknown as Document)
      const session = client.startSession()
      session.startTransaction()
      await c.updateOne({ _id: 1 } as Document, { $set: { v: 1 } }, { session })
      await sleep(800)
      await expect(session.commitTransaction()).rejects.toMatchObject({ code: 251 })
      await session.endSession()
      expect((await c.findOne({ _id: 1 } as Document))?.v).toBe(0)
      await c.updateOne({ _id: 1 } as Document, { $set: { v: 2 } })
      expect((await c.findOne({ _id: 1 } as Document))?.v).toBe(2)
    } finally {
      await client.close()
      await db.stop()
    }
  })

  it('counts commands by name and stops cleanly, freeing the port', async () => {
    const db = await startEmbeddedDb()
    const client = await MongoClient.connect(db.uri, { serverSelectionTimeoutMS: 500 })
    await client.db('x').collection('c').insertOne({ a: 1 })
    await client.db('x').collection('c').findOne({})
    const counts = db.commandCounts()
    expect(counts.insert).toBe(1)
    expect(counts.find).toBe(1)
    await db.stop()
    await db.stop()
    await expect(client.db('x').command({ ping: 1 })).rejects.toThrow()
    await client.close()
    const probe = net.createServer()
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject)
      probe.listen(db.port, '127.0.0.1', () => resolve())
    })
    await new Promise((r) => probe.close(r))
  })

  it('refuses a non-loopback host without allowRemote', async () => {
    await expect(startEmbeddedDb({ host: '0.0.0.0' })).rejects.toThrow(/no authentication/)
    const db = await startEmbeddedDb({ host: '0.0.0.0', allowRemote: true })
    expect(db.uri).toMatch(/^mongodb:\/\/127\.0\.0\.1:\d+\/\?replicaSet=rs0$/)
    const client = await MongoClient.connect(db.uri)
    expect((await client.db('admin').command({ ping: 1 })).ok).toBe(1)
    await client.close()
    await db.stop()
  })

  it(
    'the CLI refuses a non-loopback host with exit code 2 and a one-line explanation',
    { timeout: 20_000 },
    async () => {
      const proc = spawn(process.execPath, ['--import', 'tsx', cli, '--port', '0', '--host', '0.0.0.0'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let stderr = ''
      proc.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
      const code = await new Promise((r) => proc.once('exit', r))
      expect(code).toBe(2)
      expect(stderr.trim().split('\n')).toHaveLength(1)
      expect(stderr).toMatch(/--allow-remote/)
    },
  )

  it('the CLI logs its URI, serves, and stops on SIGTERM', { timeout: 20_000 }, async () => {
    const proc = spawn(process.execPath, ['--import', 'tsx', cli, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const uri = await new Promise<string>((resolve, reject) => {
      let out = ''
      proc.stdout.on('data', (c: Buffer) => {
        out += c.toString()
        const m = /uri: (mongodb:\/\/\S+)/.exec(out)
        if (m?.[1]) resolve(m[1])
      })
      proc.once('exit', (code) => reject(new Error(`exited early with ${code}`)))
    })
    const client = await MongoClient.connect(uri)
    expect((await client.db('admin').command({ ping: 1 })).ok).toBe(1)
    await client.close()
    proc.kill('SIGTERM')
    expect(await new Promise((r) => proc.once('exit', r))).toBe(0)
  })
})
