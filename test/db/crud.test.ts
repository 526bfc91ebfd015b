import { Decimal128, Double, Int32, Long, ObjectId, UUID, Binary } from 'mongodb'
import type { Collection, Document } from 'mongodb'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openTestDb } from './support.ts'
import type { TestDb } from './support.ts'

let t: TestDb
beforeAll(async () => {
  t = await openTestDb('crud')
})
afterAll(async () => {
  await t.close()
})

/** Resolves with the rejection of a promise that must fail. */
async function failure<E>(p: Promise<unknown>): Promise<E> {
  try {
    await p
  } catch (err) {
    return err as E
  }
  throw new Error('expected the operation to fail')
}

function coll(name: string): Collection<Document> {
  return t.db.collection(name)
}

describe('basic CRUD through the raw driver', () => {
  it('inserts, finds, updates and deletes', async () => {
    const c = coll('basic')
    const { insertedId } = await c.insertOne({ name: 'a', n: 1 })
    expect(insertedId).toBeInstanceOf(ObjectId)
    await c.insertMany([
      { name: 'b', n: 2 },
      { name: 'c', n: 3 },
    ])
    expect(await c.countDocuments()).toBe(3)
    expect(await c.countDocuments({ n: { $gt: 1 } })).toBe(2)
    expect(await c.estimatedDocumentCount()).toBe(3)
    const found = await c.findOne({ name: 'b' }, { projection: { _id: 0 } })
    expect(found).toEqual({ name: 'b', n: 2 })
    const upd = await c.updateMany({ n: { $gte: 2 } }, { $inc: { n: 10 } })
    expect(upd.matchedCount).toBe(2)
    expect(upd.modifiedCount).toBe(2)
    const same = await c.updateOne({ name: 'a' }, { $set: { n: 1 } })
    expect(same.matchedCount).toBe(1)
    expect(same.modifiedCount).toBe(0)
    const del = await c.deleteMany({ n: { $gt: 10 } })
    expect(del.deletedCount).toBe(2)
    expect(await c.find().toArray()).toEqual([{ _id: insertedId, name: 'a', n: 1 }])
  })

  it('upserts seed the new document from equality fields of the filter', async () => {
    const c = coll('upsert')
    const r = await c.updateOne(
      { tenant: 't1', 'profile.code': 'X', age: { $gt: 3 } },
      { $set: { seen: true }, $setOnInsert: { created: 1 } },
      { upsert: true },
    )
    expect(r.upsertedCount).toBe(1)
    const doc = await c.findOne({ _id: r.upsertedId! }, { projection: { _id: 0 } })
    expect(doc).toEqual({ tenant: 't1', profile: { code: 'X' }, seen: true, created: 1 })
    const again = await c.updateOne(
      { tenant: 't1' },
      { $set: { seen: false }, $setOnInsert: { created: 2 } },
      { upsert: true },
    )
    expect(again.upsertedCount).toBe(0)
    expect(again.modifiedCount).toBe(1)
    expect((await c.findOne({ tenant: 't1' }))?.created).toBe(1)
    const replaced = await c.replaceOne({ _id: 'fixed' as unknown as ObjectId }, { v: 1 }, { upsert: true })
    expect(replaced.upsertedId).toBe('fixed')
  })

  it('findOneAndUpdate / findOneAndDelete / findOneAndReplace with sort, projection and upsert', async () => {
    const c = coll('fam')
    await c.insertMany([
      { k: 1, v: 'a' },
      { k: 2, v: 'b' },
      { k: 3, v: 'c' },
    ])
    const before = await c.findOneAndUpdate(
      {},
      { $set: { v: 'z' } },
      { sort: { k: -1 }, projection: { _id: 0 } },
    )
    expect(before).toEqual({ k: 3, v: 'c' })
    const after = await c.findOneAndUpdate(
      { k: 2 },
      { $set: { v: 'y' } },
      { returnDocument: 'after', projection: { v: 1, _id: 0 } },
    )
    expect(after).toEqual({ v: 'y' })
    const up = await c.findOneAndUpdate(
      { k: 9 },
      { $set: { v: 'new' } },
      { upsert: true, returnDocument: 'after', includeResultMetadata: true },
    )
    expect(up.value?.k).toBe(9)
    expect(up.lastErrorObject?.updatedExisting).toBe(false)
    expect(up.lastErrorObject?.upserted).toBeInstanceOf(ObjectId)
    const removed = await c.findOneAndDelete({ k: { $lt: 3 } }, { sort: { k: 1 } })
    expect(removed?.k).toBe(1)
    const rep = await c.findOneAndReplace({ k: 3 }, { k: 3, replaced: true }, { returnDocument: 'after' })
    expect(rep?.replaced).toBe(true)
    expect(await c.findOneAndUpdate({ k: 100 }, { $set: { x: 1 } })).toBeNull()
  })

  it('reports ordered and unordered insert errors like MongoDB', async () => {
    const c = coll('inserts')
    await c.insertOne({ _id: 1 as unknown as ObjectId })
    const docs = [{ _id: 2 }, { _id: 1 }, { _id: 3 }, { _id: 1 }, { _id: 4 }] as unknown as Document[]
    const ordered = await failure<{ insertedCount: number; code: number }>(c.insertMany(docs))
    expect(ordered.code).toBe(11000)
    expect(ordered.insertedCount).toBe(1)
    expect(await c.countDocuments()).toBe(2)
    await c.deleteMany({ _id: { $ne: 1 } as never })
    const unordered = await failure<{
      insertedCount: number
      writeErrors: { index: number; code: number }[]
    }>(c.insertMany(docs, { ordered: false }))
    expect(unordered.insertedCount).toBe(3)
    expect(unordered.writeErrors.map((w) => [w.index, w.code])).toEqual([
      [1, 11000],
      [3, 11000],
    ])
    expect(await c.countDocuments()).toBe(4)
  })

  it('bulkWrite mixes operations and counts them', async () => {
    const c = coll('bulk')
    const r = await c.bulkWrite([
      { insertOne: { document: { a: 1 } } },
      { insertOne: { document: { a: 2 } } },
      { updateOne: { filter: { a: 1 }, update: { $set: { b: 1 } } } },
      { updateMany: { filter: {}, update: { $inc: { c: 1 } } } },
      { updateOne: { filter: { a: 7 }, update: { $set: { b: 7 } }, upsert: true } },
      { deleteOne: { filter: { a: 2 } } },
    ])
    expect(r.insertedCount).toBe(2)
    expect(r.matchedCount).toBe(3)
    expect(r.modifiedCount).toBe(3)
    expect(r.upsertedCount).toBe(1)
    expect(r.deletedCount).toBe(1)
  })

  it('returns more than 101 results through getMore, honours batchSize, skip and limit', async () => {
    const c = coll('many')
    await c.insertMany(Array.from({ length: 350 }, (_, i) => ({ i })))
    const all = await c.find({}).sort({ i: 1 }).toArray()
    expect(all).toHaveLength(350)
    expect(all.map((d) => d.i)).toEqual(Array.from({ length: 350 }, (_, i) => i))
    const small = await c.find({}, { batchSize: 7 }).sort({ i: -1 }).skip(5).limit(30).toArray()
    expect(small.map((d) => d.i)).toEqual(Array.from({ length: 30 }, (_, i) => 344 - i))
    const cursor = c.find({}, { batchSize: 10 })
    let n = 0
    for await (const _ of cursor) if (++n === 25) break
    expect(n).toBe(25)
    const agg = await c.aggregate([{ $match: { i: { $gte: 100 } } }], { batchSize: 3 }).toArray()
    expect(agg).toHaveLength(250)
    expect(await c.countDocuments({ i: { $gte: 100 } }, { skip: 10, limit: 50 })).toBe(50)
    expect(await c.countDocuments({ i: { $gte: 100 } }, { skip: 245 })).toBe(5)
    expect(await c.countDocuments({ i: { $gte: 1000 } })).toBe(0)
    const top = await c
      .aggregate([{ $sort: { i: -1 } }, { $skip: 2 }, { $limit: 3 }, { $project: { _id: 0, i: 1 } }])
      .toArray()
    expect(top).toEqual([{ i: 347 }, { i: 346 }, { i: 345 }])
    const limitFirst = await c
      .aggregate([{ $match: { i: { $lt: 10 } } }, { $sort: { i: 1 } }, { $limit: 5 }, { $skip: 3 }])
      .toArray()
    expect(limitFirst.map((d) => d.i)).toEqual([3, 4])
  })

  it('sorts mixed types in BSON order', async () => {
    const c = coll('mixed')
    const oid = new ObjectId('000000000000000000000001')
    const date = new Date('2024-01-01T00:00:00Z')
    await c.insertMany([
      { k: 'str', v: 'b' },
      { k: 'bool', v: true },
      { k: 'date', v: date },
      { k: 'null', v: null },
      { k: 'missing' },
      { k: 'int', v: 5 },
      { k: 'long', v: Long.fromNumber(3) },
      { k: 'double', v: 4.5 },
      { k: 'dec', v: Decimal128.fromString('4.7') },
      { k: 'obj', v: { a: 1 } },
      { k: 'arr', v: [10, 11] },
      { k: 'oid', v: oid },
      { k: 'str2', v: 'a' },
    ])
    const asc = (await c.find({}).sort({ v: 1, k: 1 }).toArray()).map((d) => d.k)
    expect(asc).toEqual([
      'missing',
      'null',
      'long',
      'double',
      'dec',
      'int',
      'arr',
      'str2',
      'str',
      'obj',
      'oid',
      'bool',
      'date',
    ])
    const gt = (
      await c
        .find({ v: { $gt: 4 } })
        .sort({ v: 1 })
        .toArray()
    ).map((d) => d.k)
    expect(gt).toEqual(['double', 'dec', 'int', 'arr'])
    expect(await c.countDocuments({ v: null })).toBe(2)
    expect(await c.countDocuments({ v: { $exists: false } })).toBe(1)
    expect(await c.countDocuments({ v: { $type: 'number' } })).toBe(5)
    expect(await c.countDocuments({ v: 3 })).toBe(1)
  })

  it('round-trips numeric and binary BSON types exactly', async () => {
    const c = t.client.db(t.dbName).collection('types')
    const uuid = new UUID()
    const doc = {
      _id: 1,
      i32: new Int32(7),
      dbl: new Double(2),
      dblFrac: 2.5,
      long: Long.fromString('9007199254740993'),
      dec: Decimal128.fromString('12345678901234567890.123456789'),
      bin: new Binary(Buffer.from([1, 2, 3]), 0),
      uuid,
      date: new Date('2020-02-29T12:00:00.123Z'),
      nested: { arr: [new Int32(1), Long.fromNumber(2), new Double(3)] },
    }
    await c.insertOne(doc as unknown as Document)
    const raw = await c.findOne({ _id: 1 } as Document, { promoteValues: false, promoteLongs: false })
    expect(raw?.i32).toBeInstanceOf(Int32)
    expect(raw?.dbl).toBeInstanceOf(Double)
    expect(raw?.dblFrac).toBeInstanceOf(Double)
    expect(raw?.long).toBeInstanceOf(Long)
    expect((raw?.long as Long).toString()).toBe('9007199254740993')
    expect((raw?.dec as Decimal128).toString()).toBe('12345678901234567890.123456789')
    expect(
      (raw?.nested as { arr: unknown[] }).arr.map((v) => (v as { _bsontype: string })._bsontype),
    ).toEqual(['Int32', 'Long', 'Double'])
    const promoted = await c.findOne({ _id: 1 } as Document)
    expect(promoted?.uuid.toHexString()).toBe(uuid.toHexString())
    expect(promoted?.date).toEqual(doc.date)
    expect(Buffer.from((promoted?.bin as Binary).buffer)).toEqual(Buffer.from([1, 2, 3]))
    expect(await c.countDocuments({ long: Long.fromString('9007199254740993') })).toBe(1)
    expect(await c.countDocuments({ long: Long.fromString('9007199254740992') })).toBe(0)
    expect(await c.countDocuments({ dec: { $gt: Decimal128.fromString('12345678901234567890.1') } })).toBe(1)
    expect(await c.countDocuments({ dbl: { $type: 'double' } })).toBe(1)
    expect(await c.countDocuments({ i32: { $type: 'int' } })).toBe(1)
    expect(await c.countDocuments({ dbl: 2 })).toBe(1)
    await c.updateOne({ _id: 1 } as Document, {
      $inc: { i32: 1, long: Long.fromNumber(1), dec: Decimal128.fromString('0.876543211') },
    })
    const inc = await c.findOne({ _id: 1 } as Document, { promoteValues: false })
    expect(inc?.i32).toEqual(new Int32(8))
    expect((inc?.long as Long).toString()).toBe('9007199254740994')
    expect((inc?.dec as Decimal128)._bsontype).toBe('Decimal128')
  })

  it('distinct and count', async () => {
    const c = coll('distinct')
    await c.insertMany([{ tags: ['a', 'b'] }, { tags: ['b', 'c'] }, { tags: 'd' }, { other: 1 }])
    expect(await c.distinct('tags')).toEqual(['a', 'b', 'c', 'd'])
    expect(await c.distinct('tags', { tags: 'b' })).toEqual(['a', 'b', 'c'])
  })
})
