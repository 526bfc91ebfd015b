import { Decimal128, Long, ObjectId } from 'mongodb'
import type { Document, Filter } from 'mongodb'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loose, openTestDb } from './support.ts'
import type { TestDb } from './support.ts'

let t: TestDb
const oid1 = new ObjectId('64b000000000000000000001')
const oid2 = new ObjectId('64b000000000000000000002')

beforeAll(async () => {
  t = await openTestDb('query')
  await t.db.collection('q').insertMany([
    {
      _id: 1,
      n: 1,
      s: 'apple',
      tags: ['red', 'fruit'],
      items: [
        { sku: 'a', qty: 1 },
        { sku: 'b', qty: 5 },
      ],
      ref: oid1,
      at: new Date('2024-01-01'),
      nested: { x: 1, y: { z: 'deep' } },
    },
    {
      _id: 2,
      n: 2.5,
      s: 'Banana',
      tags: ['yellow', 'fruit'],
      items: [{ sku: 'b', qty: 2 }],
      ref: oid2,
      at: new Date('2024-06-01'),
      nested: { x: 2 },
    },
    { _id: 3, n: Long.fromNumber(3), s: 'cherry', tags: [], items: [], ref: null, at: null },
    { _id: 4, n: Decimal128.fromString('4.0'), s: 'date', tags: ['brown'], nested: null },
    {
      _id: 5,
      s: 'elder',
      tags: [['nested', 'array']],
      items: [
        { sku: 'c', qty: 10 },
        { sku: 'a', qty: 0 },
      ],
    },
    { _id: 6, n: null, s: '', tags: 'solo' },
  ] as unknown as Document[])
})
afterAll(async () => {
  await t.close()
})

async function ids(filter: Filter<Document>): Promise<number[]> {
  const docs = await t.db
    .collection('q')
    .find(filter, { projection: { _id: 1 } })
    .sort({ _id: 1 })
    .toArray()
  return docs.map((d) => d._id as unknown as number)
}

describe('query operators', () => {
  it('compares numbers across BSON types', async () => {
    expect(await ids({ n: { $gt: 2 } })).toEqual([2, 3, 4])
    expect(await ids({ n: 4 })).toEqual([4])
    expect(await ids({ n: { $in: [1, 3] } })).toEqual([1, 3])
    expect(await ids({ n: { $gte: 1, $lt: 3 } })).toEqual([1, 2])
    expect(await ids({ n: { $ne: 1 } })).toEqual([2, 3, 4, 5, 6])
    expect(await ids({ n: { $type: 'long' } })).toEqual([3])
    expect(await ids({ n: { $type: 'decimal' } })).toEqual([4])
    expect(await ids({ n: { $type: 'double' } })).toEqual([2])
    expect(await ids({ n: { $mod: [2, 1] } })).toEqual([1, 3])
  })

  it('handles null, missing and $exists', async () => {
    expect(await ids({ n: null })).toEqual([5, 6])
    expect(await ids({ n: { $exists: false } })).toEqual([5])
    expect(await ids({ n: { $exists: true } })).toEqual([1, 2, 3, 4, 6])
    expect(await ids({ n: { $type: 'null' } })).toEqual([6])
    expect(await ids({ ref: null })).toEqual([3, 4, 5, 6])
    expect(await ids({ 'nested.x': null })).toEqual([3, 4, 5, 6])
    expect(await ids({ n: { $nin: [null, 1] } })).toEqual([2, 3, 4])
    expect(await ids({ n: { $gte: null } })).toEqual([5, 6])
  })

  it('matches arrays: element equality, $all, $size, $elemMatch, positional paths', async () => {
    expect(await ids({ tags: 'fruit' })).toEqual([1, 2])
    expect(await ids({ tags: ['red', 'fruit'] })).toEqual([1])
    expect(await ids({ tags: ['fruit', 'red'] })).toEqual([])
    expect(await ids({ tags: ['nested', 'array'] })).toEqual([5])
    expect(await ids({ tags: { $all: ['fruit', 'red'] } })).toEqual([1])
    expect(await ids({ tags: { $size: 0 } })).toEqual([3])
    expect(await ids({ tags: { $size: 2 } })).toEqual([1, 2])
    expect(await ids({ 'items.sku': 'a' })).toEqual([1, 5])
    expect(await ids({ 'items.qty': { $gt: 4 } })).toEqual([1, 5])
    expect(await ids({ items: { $elemMatch: { sku: 'a', qty: { $gt: 0 } } } })).toEqual([1])
    expect(await ids({ 'items.sku': 'a', 'items.qty': 10 })).toEqual([5])
    expect(await ids({ 'items.0.sku': 'a' })).toEqual([1])
    expect(await ids({ 'tags.1': 'fruit' })).toEqual([1, 2])
    expect(await ids({ tags: { $elemMatch: { $regex: '^ye' } } })).toEqual([2])
    expect(await ids({ tags: { $type: 'array' } })).toEqual([1, 2, 3, 4, 5])
    expect(await ids({ items: { $exists: true, $not: { $size: 0 } } })).toEqual([1, 2, 5])
  })

  it('supports logical operators, $not and $nor', async () => {
    expect(await ids({ $or: [{ s: 'apple' }, { n: { $gt: 3 } }] })).toEqual([1, 4])
    expect(await ids({ $and: [{ tags: 'fruit' }, { n: { $lt: 2 } }] })).toEqual([1])
    expect(await ids({ $nor: [{ tags: 'fruit' }, { n: null }] })).toEqual([3, 4])
    expect(await ids({ n: { $not: { $gt: 2 } } })).toEqual([1, 5, 6])
    expect(await ids({ s: { $not: /an/ } })).toEqual([1, 3, 4, 5, 6])
  })

  it('matches regular expressions with options', async () => {
    expect(await ids({ s: /^b/i })).toEqual([2])
    expect(await ids({ s: { $regex: '^B' } })).toEqual([2])
    expect(await ids({ s: { $regex: 'A', $options: 'i' } })).toEqual([1, 2, 4])
    expect(await ids({ s: { $in: [/rry$/, 'date'] } })).toEqual([3, 4])
    expect(await ids({ tags: /^r/ })).toEqual([1])
  })

  it('compares ObjectId, Date and embedded documents', async () => {
    expect(await ids({ ref: oid2 })).toEqual([2])
    expect(await ids({ ref: { $gt: oid1 } })).toEqual([2])
    expect(await ids({ at: { $gte: new Date('2024-03-01') } })).toEqual([2])
    expect(await ids({ at: { $lt: new Date('2025-01-01') } })).toEqual([1, 2])
    expect(await ids({ nested: { x: 2 } })).toEqual([2])
    expect(await ids({ nested: { y: { z: 'deep' }, x: 1 } })).toEqual([])
    expect(await ids({ 'nested.y.z': 'deep' })).toEqual([1])
  })

  it('evaluates $expr and $comment', async () => {
    expect(
      await ids({ $expr: { $eq: [{ $size: { $ifNull: ['$items', []] } }, 2] }, $comment: 'two items' }),
    ).toEqual([1, 5])
    expect(await ids({ $expr: { $gt: [{ $strLenCP: '$s' }, 5] } })).toEqual([2, 3])
  })

  it('rejects invalid queries with BadValue', async () => {
    await expect(
      t.db.collection('q').findOne({ n: { $bogus: 1 } } as Filter<Document>),
    ).rejects.toMatchObject({ code: 2 })
    await expect(t.db.collection('q').findOne({ $and: [] } as Filter<Document>)).rejects.toMatchObject({
      code: 2,
    })
  })

  it('projects fields: inclusion, exclusion, nested, $slice, $elemMatch and positional', async () => {
    const c = loose(t, 'q')
    expect(await c.findOne({ _id: 1 }, { projection: { s: 1, 'nested.y': 1 } })).toEqual({
      _id: 1,
      s: 'apple',
      nested: { y: { z: 'deep' } },
    })
    expect(
      await c.findOne(
        { _id: 2 },
        {
          projection: { items: 0, tags: 0, ref: 0, at: 0, 'nested.x': 0 },
        },
      ),
    ).toEqual({ _id: 2, n: 2.5, s: 'Banana', nested: {} })
    expect(await c.findOne({ _id: 1 }, { projection: { _id: 0, tags: { $slice: 1 }, s: 1 } })).toEqual({
      tags: ['red'],
      s: 'apple',
    })
    expect(await c.findOne({ _id: 5 }, { projection: { items: { $elemMatch: { qty: 0 } } } })).toEqual({
      _id: 5,
      items: [{ sku: 'a', qty: 0 }],
    })
    expect(await c.findOne({ 'items.sku': 'b', _id: 1 }, { projection: { 'items.$': 1 } })).toEqual({
      _id: 1,
      items: [{ sku: 'b', qty: 5 }],
    })
    expect(await c.findOne({ _id: 1 }, { projection: { 'items.sku': 1, _id: 0 } })).toEqual({
      items: [{ sku: 'a' }, { sku: 'b' }],
    })
    expect(
      await c.findOne(
        { _id: 1 },
        {
          projection: { _id: 0, label: { $concat: ['$s', '!'] } },
        },
      ),
    ).toEqual({ label: 'apple!' })
    await expect(c.findOne({}, { projection: { a: 1, b: 0 } })).rejects.toMatchObject({ code: 31254 })
  })
})
