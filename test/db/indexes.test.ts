import type { Document } from 'mongodb'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openTestDb, REAL_MONGO, waitFor } from './support.ts'
import type { TestDb } from './support.ts'

let t: TestDb
beforeAll(async () => {
  t = await openTestDb('idx', { ttlIntervalMs: 200 })
})
afterAll(async () => {
  await t.close()
})

async function explainFind(
  coll: string,
  filter: Document,
  sort?: Document,
): Promise<{ docs: number; keys: number; plan: string }> {
  const r = await t.db.command({
    explain: { find: coll, filter, ...(sort ? { sort } : {}) },
    verbosity: 'executionStats',
  })
  const stats = r.executionStats as { totalDocsExamined: number; totalKeysExamined: number }
  return {
    docs: stats.totalDocsExamined,
    keys: stats.totalKeysExamined,
    plan: JSON.stringify(r.queryPlanner.winningPlan),
  }
}

describe('indexes', () => {
  it('uses the index for equality, $in and range lookups in a 100 000-document collection', async () => {
    const c = t.db.collection('big')
    const batch: Document[] = []
    for (let i = 0; i < 100_000; i++) batch.push({ code: `c${i}`, n: i, group: i % 100 })
    await c.insertMany(batch)
    await c.createIndex({ code: 1 }, { unique: true })
    await c.createIndex({ group: 1, n: -1 })
    expect(await c.findOne({ code: 'c77777' }, { projection: { _id: 0, n: 1 } })).toEqual({ n: 77777 })
    const eq = await explainFind('big', { code: 'c77777' })
    expect(eq.docs).toBe(1)
    expect(eq.plan).toContain('IXSCAN')
    const inq = await explainFind('big', { code: { $in: ['c1', 'c2', 'nope'] } })
    expect(inq.docs).toBe(2)
    const range = await explainFind('big', { group: 7, n: { $gte: 500, $lt: 1000 } })
    expect(range.docs).toBe(5)
    expect(await c.countDocuments({ group: 7, n: { $gte: 500, $lt: 1000 } })).toBe(5)
    const top = await c
      .find({}, { projection: { _id: 0, n: 1 } })
      .sort({ code: -1 })
      .limit(3)
      .toArray()
    expect(top.map((d) => d.n)).toEqual([99999, 99998, 99997])
    const ordered = await t.db.command({
      explain: { find: 'big', filter: {}, sort: { code: -1 }, limit: 3 },
      verbosity: 'executionStats',
    })
    expect(ordered.executionStats.totalDocsExamined).toBeLessThanOrEqual(3)
    const byGroup = await c
      .find({ group: 7 }, { projection: { _id: 0, n: 1 } })
      .sort({ n: 1 })
      .limit(2)
      .toArray()
    expect(byGroup.map((d) => d.n)).toEqual([7, 107])
    const unindexedTop = await c
      .find({ group: { $gte: 98 } }, { projection: { _id: 0, n: 1 } })
      .sort({ n: -1 })
      .skip(1)
      .limit(2)
      .toArray()
    expect(unindexedTop.map((d) => d.n)).toEqual([99998, 99899])
    const scan = await explainFind('big', { n: 5 })
    expect(scan.docs).toBe(100_000)
    expect(scan.plan).toContain('COLLSCAN')
  })

  it('keeps unique, sparse and partial indexes consistent', async () => {
    const c = t.db.collection('uniq')
    await c.createIndex({ email: 1 }, { unique: true, sparse: true })
    await c.createIndex(
      { phone: 1 },
      { unique: true, partialFilterExpression: { phone: { $type: 'string' } } },
    )
    await c.createIndex({ a: 1, b: 1 }, { unique: true, name: 'ab' })
    await c.insertMany([
      { a: 1, b: 1 },
      { a: 1, b: 2 },
    ])
    await expect(c.insertOne({ a: 1, b: 1 })).rejects.toMatchObject({
      code: 11000,
      keyValue: { a: 1, b: 1 },
      keyPattern: { a: 1, b: 1 },
    })
    await c.insertMany([
      { a: 2, phone: null },
      { a: 3, phone: null },
    ])
    await c.insertOne({ a: 4, email: 'x@y', phone: '123' })
    const dup = await c.insertOne({ a: 5, email: 'x@y' }).catch((e: { code: number; message: string }) => e)
    expect((dup as { code: number }).code).toBe(11000)
    expect((dup as { message: string }).message).toMatch(/index: email_1 dup key: \{ email: "x@y" \}/)
    await expect(c.insertOne({ a: 6, phone: '123' })).rejects.toMatchObject({ code: 11000 })
    await expect(c.updateOne({ a: 2 }, { $set: { email: 'x@y' } })).rejects.toMatchObject({ code: 11000 })
    await c.updateOne({ a: 4 }, { $set: { email: 'z@y' } })
    await c.insertOne({ a: 7, email: 'x@y' })
    await expect(c.createIndex({ a: 1 }, { unique: true })).rejects.toMatchObject({ code: 11000 })
    const names = (await c.listIndexes().toArray()).map((i) => i.name).sort()
    expect(names).toEqual(['_id_', 'ab', 'email_1', 'phone_1'])
    await c.dropIndex('ab')
    await c.insertOne({ a: 1, b: 1 })
    expect(await c.countDocuments({ a: 1, b: 1 })).toBe(2)
  })

  it('multikey indexes find array elements and dotted paths', async () => {
    const c = t.db.collection('multi')
    await c.createIndex({ tags: 1 })
    await c.createIndex({ 'items.sku': 1 })
    await c.insertMany([
      { tags: ['a', 'b'], items: [{ sku: 'x' }, { sku: 'y' }] },
      { tags: ['b'], items: [{ sku: 'y' }] },
      { tags: 'c', items: [] },
    ])
    expect(await c.countDocuments({ tags: 'b' })).toBe(2)
    expect(await c.countDocuments({ 'items.sku': 'y' })).toBe(2)
    expect(await c.countDocuments({ tags: { $in: ['a', 'c'] } })).toBe(2)
    expect(await c.countDocuments({ tags: { $gt: 'b' } })).toBe(1)
    const ex = await explainFind('multi', { 'items.sku': 'x' })
    expect(ex.docs).toBe(1)
  })

  it('expires documents through a TTL index', { timeout: REAL_MONGO ? 150_000 : 10_000 }, async () => {
    const c = t.db.collection('sessions')
    await c.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0 })
    await c.createIndex({ createdAt: 1 }, { expireAfterSeconds: 3600 })
    const past = new Date(Date.now() - 1000)
    await c.insertMany([
      { k: 'expired', expiresAt: past },
      { k: 'array', expiresAt: [new Date(Date.now() + 3_600_000), past] },
      { k: 'future', expiresAt: new Date(Date.now() + 3_600_000) },
      { k: 'not-a-date', expiresAt: 'soon' },
      { k: 'old', createdAt: new Date(Date.now() - 7_200_000) },
      { k: 'recent', createdAt: new Date() },
    ])
    await waitFor(async () => (await c.countDocuments()) === 3, REAL_MONGO ? 140_000 : 5_000, 100)
    expect((await c.find().toArray()).map((d) => d.k).sort()).toEqual(['future', 'not-a-date', 'recent'])
  })
})
