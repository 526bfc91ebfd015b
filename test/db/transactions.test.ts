import { MongoClient } from 'mongodb'
import type { Document } from 'mongodb'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openTestDb } from './support.ts'
import type { TestDb } from './support.ts'

let t: TestDb
beforeAll(async () => {
  t = await openTestDb('txn')
})
afterAll(async () => {
  await t.close()
})

describe('atomicity and concurrency', () => {
  it('50 concurrent conditional decrements on a balance of 10 succeed exactly 10 times', async () => {
    const c = t.db.collection('balances')
    const { insertedId } = await c.insertOne({ balance: 10 })
    const clients = await Promise.all(Array.from({ length: 5 }, () => MongoClient.connect(t.uri)))
    try {
      const attempts = Array.from({ length: 50 }, (_, i) =>
        (clients[i % clients.length] as MongoClient)
          .db(t.dbName)
          .collection('balances')
          .findOneAndUpdate({ _id: insertedId, balance: { $gte: 1 } }, { $inc: { balance: -1 } }),
      )
      const results = await Promise.all(attempts)
      expect(results.filter((r) => r !== null)).toHaveLength(10)
      expect((await c.findOne({ _id: insertedId }))?.balance).toBe(0)
    } finally {
      await Promise.all(clients.map((cl) => cl.close()))
    }
  })
})

describe('multi-document transactions', () => {
  it('commits atomically; writes are invisible to others until commit', async () => {
    const c = t.db.collection('accounts')
    await c.insertMany([
      { _id: 'a', v: 100 },
      { _id: 'b', v: 0 },
    ] as unknown as Document[])
    const session = t.client.startSession()
    try {
      session.startTransaction()
      await c.updateOne({ _id: 'a' } as Document, { $inc: { v: -30 } }, { session })
      await c.updateOne({ _id: 'b' } as Document, { $inc: { v: 30 } }, { session })
      await c.insertOne({ _id: 'log1', amount: 30 } as unknown as Document, { session })
      expect((await c.findOne({ _id: 'a' } as Document, { session }))?.v).toBe(70)
      expect((await c.findOne({ _id: 'a' } as Document))?.v).toBe(100)
      expect(await c.countDocuments({ _id: 'log1' } as Document)).toBe(0)
      await session.commitTransaction()
    } finally {
      await session.endSession()
    }
    expect((await c.findOne({ _id: 'a' } as Document))?.v).toBe(70)
    expect((await c.findOne({ _id: 'b' } as Document))?.v).toBe(30)
    expect(await c.countDocuments({ _id: 'log1' } as Document)).toBe(1)
  })

  it('discards writes on abort', async () => {
    const c = t.db.collection('aborted')
    await c.insertOne({ _id: 1, v: 1 } as unknown as Document)
    const session = t.client.startSession()
    try {
      session.startTransaction()
      await c.updateOne({ _id: 1 } as Document, { $set: { v: 2 } }, { session })
      await c.insertOne({ _id: 2 } as unknown as Document, { session })
      await c.deleteOne({ _id: 1 } as Document, { session })
      expect(await c.countDocuments({}, { session })).toBe(1)
      await session.abortTransaction()
    } finally {
      await session.endSession()
    }
    expect(await c.find().toArray()).toEqual([{ _id: 1, v: 1 }])
  })

  it('reads from a snapshot taken at the first operation', async () => {
    const c = t.db.collection('snap')
    await c.insertMany([{ _id: 1, v: 'old' }, { _id: 2 }] as unknown as Document[])
    const session = t.client.startSession()
    try {
      session.startTransaction()
      expect((await c.findOne({ _id: 1 } as Document, { session }))?.v).toBe('old')
      await c.updateOne({ _id: 1 } as Document, { $set: { v: 'new' } })
      await c.deleteOne({ _id: 2 } as Document)
      await c.insertOne({ _id: 3 } as unknown as Document)
      expect((await c.findOne({ _id: 1 } as Document, { session }))?.v).toBe('old')
      expect((await c.find({}, { session }).sort({ _id: 1 }).toArray()).map((d) => d._id)).toEqual([1, 2])
      expect(await c.countDocuments({ v: 'old' }, { session })).toBe(1)
      await session.commitTransaction()
    } finally {
      await session.endSession()
    }
  })

  it('a write conflict aborts with TransientTransactionError and withTransaction retries', async () => {
    const c = t.db.collection('conflict')
    await c.insertOne({ _id: 'x', n: 0 } as unknown as Document)
    const s1 = t.client.startSession()
    const s2 = t.client.startSession()
    try {
      s1.startTransaction()
      s2.startTransaction()
      await c.updateOne({ _id: 'x' } as Document, { $inc: { n: 1 } }, { session: s1 })
      const err = await c
        .updateOne({ _id: 'x' } as Document, { $inc: { n: 1 } }, { session: s2 })
        .catch((e: { code: number; errorLabels?: string[]; hasErrorLabel(l: string): boolean }) => e)
      expect((err as { code: number }).code).toBe(112)
      expect((err as { hasErrorLabel(l: string): boolean }).hasErrorLabel('TransientTransactionError')).toBe(
        true,
      )
      await s1.commitTransaction()
      await s2.abortTransaction().catch(() => undefined)
    } finally {
      await s1.endSession()
      await s2.endSession()
    }
    expect((await c.findOne({ _id: 'x' } as Document))?.n).toBe(1)

    let attempts = 0
    const sessions = [t.client.startSession(), t.client.startSession()]
    try {
      await Promise.all(
        sessions.map((s) =>
          s.withTransaction(async () => {
            attempts++
            const doc = await c.findOne({ _id: 'x' } as Document, { session: s })
            await new Promise((r) => setTimeout(r, 20))
            await c.updateOne(
              { _id: 'x' } as Document,
              { $set: { n: (doc?.n as number) + 1 } },
              { session: s },
            )
          }),
        ),
      )
    } finally {
      await Promise.all(sessions.map((s) => s.endSession()))
    }
    expect(attempts).toBeGreaterThan(2)
    expect((await c.findOne({ _id: 'x' } as Document))?.n).toBe(3)
  })

  it('a duplicate key inside a transaction fails it and nothing is applied', async () => {
    const c = t.db.collection('txdup')
    await c.createIndex({ code: 1 }, { unique: true })
    await c.insertOne({ code: 'A' })
    const session = t.client.startSession()
    try {
      await expect(
        session.withTransaction(async () => {
          await c.insertOne({ code: 'B' }, { session })
          await c.insertOne({ code: 'A' }, { session })
        }),
      ).rejects.toMatchObject({ code: 11000 })
    } finally {
      await session.endSession()
    }
    expect(await c.countDocuments()).toBe(1)
  })

  it('commits a transaction whose documents swap unique keys', async () => {
    const c = t.db.collection('swap')
    await c.createIndex({ code: 1 }, { unique: true })
    await c.insertMany([
      { _id: 'a', code: 'x' },
      { _id: 'b', code: 'y' },
    ] as unknown as Document[])
    const session = t.client.startSession()
    try {
      await session.withTransaction(async () => {
        await c.updateOne({ _id: 'a' } as Document, { $set: { code: 'tmp' } }, { session })
        await c.updateOne({ _id: 'b' } as Document, { $set: { code: 'x' } }, { session })
        await c.updateOne({ _id: 'a' } as Document, { $set: { code: 'y' } }, { session })
      })
    } finally {
      await session.endSession()
    }
    expect(
      await c
        .find({}, { projection: { code: 1 } })
        .sort({ _id: 1 })
        .toArray(),
    ).toEqual([
      { _id: 'a', code: 'y' },
      { _id: 'b', code: 'x' },
    ])
  })

  it('retryable writes are not applied twice when the same txnNumber is resent', async () => {
    const c = t.db.collection('retry')
    await c.insertOne({ _id: 'r', n: 0 } as unknown as Document)
    const session = t.client.startSession()
    try {
      const lsid = session.id
      const cmd = {
        update: 'retry',
        updates: [{ q: { _id: 'r' }, u: { $inc: { n: 1 } } }],
        lsid,
        txnNumber: 7,
      }
      const first = await t.db.command(cmd)
      const second = await t.db.command(cmd)
      expect(first.nModified).toBe(1)
      expect(second.nModified).toBe(1)
      expect((await c.findOne({ _id: 'r' } as Document))?.n).toBe(1)
    } finally {
      await session.endSession()
    }
  })
})
