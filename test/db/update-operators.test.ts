import { Decimal128, Double, Int32, Long, Timestamp } from 'mongodb'
import type { Document } from 'mongodb'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loose, openTestDb } from './support.ts'
import type { TestDb } from './support.ts'

let t: TestDb
let seq = 0
beforeAll(async () => {
  t = await openTestDb('update')
})
afterAll(async () => {
  await t.close()
})

/** Inserts `doc`, applies `update` (with options) and returns the stored result without `_id`. */
async function apply(
  doc: Document,
  update: Document | Document[],
  options: { arrayFilters?: Document[]; filter?: Document } = {},
): Promise<Document | null> {
  const c = loose(t, 'u')
  const _id = ++seq
  await c.insertOne({ _id, ...doc })
  await c.updateOne(
    { _id, ...(options.filter ?? {}) },
    update,
    options.arrayFilters ? { arrayFilters: options.arrayFilters } : {},
  )
  return c.findOne({ _id }, { projection: { _id: 0 } })
}

async function failure(doc: Document, update: Document): Promise<{ code: number }> {
  const c = loose(t, 'u')
  const _id = ++seq
  await c.insertOne({ _id, ...doc })
  try {
    await c.updateOne({ _id }, update)
  } catch (err) {
    return err as { code: number }
  }
  throw new Error('update should have failed')
}

describe('update operators', () => {
  it('$set / $unset with dotted paths, creating sub-documents and padding arrays', async () => {
    expect(await apply({ a: 1 }, { $set: { 'b.c.d': 2, a: 3 } })).toEqual({ a: 3, b: { c: { d: 2 } } })
    expect(await apply({ arr: [1] }, { $set: { 'arr.3': 9 } })).toEqual({ arr: [1, null, null, 9] })
    expect(await apply({ a: 1, b: { c: 1, d: 2 } }, { $unset: { a: '', 'b.c': 1, nope: 1 } })).toEqual({
      b: { d: 2 },
    })
    expect(await apply({ arr: [1, 2, 3] }, { $unset: { 'arr.1': '' } })).toEqual({ arr: [1, null, 3] })
    expect((await failure({ a: 5 }, { $set: { 'a.b': 1 } })).code).toBe(28)
  })

  it('$inc / $mul keep MongoDB numeric types', async () => {
    const c = loose(t, 'u')
    const r = await apply(
      { i: new Int32(2147483647), d: 1.5, l: Long.fromNumber(1), x: 3 },
      { $inc: { i: 1, d: 1, l: 2, missing: 5 }, $mul: { x: 2, gone: 4 } },
    )
    expect(r).toEqual({ i: 2147483648, d: 2.5, l: 3, x: 6, missing: 5, gone: 0 })
    const raw = await c.findOne({ _id: seq }, { promoteValues: false })
    expect((raw?.i as { _bsontype: string })._bsontype).toBe('Long')
    expect((raw?.l as { _bsontype: string })._bsontype).toBe('Long')
    expect((raw?.x as { _bsontype: string })._bsontype).toBe('Int32')
    const withDouble = await apply({ n: 1 }, { $inc: { n: new Double(1) } })
    expect(withDouble).toEqual({ n: 2 })
    const rawDouble = await c.findOne({ _id: seq }, { promoteValues: false })
    expect((rawDouble?.n as { _bsontype: string })._bsontype).toBe('Double')
    expect((await failure({ s: 'x' }, { $inc: { s: 1 } })).code).toBe(14)
  })

  it('does decimal arithmetic exactly for Decimal128 (money)', async () => {
    const r = await apply(
      {
        a: Decimal128.fromString('0.1'),
        b: Decimal128.fromString('1.50'),
        c: Decimal128.fromString('19.99'),
      },
      { $inc: { a: Decimal128.fromString('0.2'), b: 1 }, $mul: { c: 3 } },
    )
    expect([r?.a, r?.b, r?.c].map(String)).toEqual(['0.3', '2.50', '59.97'])
    const agg = await t.db
      .collection('money')
      .insertMany([{ v: Decimal128.fromString('0.1') }, { v: Decimal128.fromString('0.2') }, { v: 1 }])
      .then(() =>
        t.db
          .collection('money')
          .aggregate([{ $group: { _id: null, s: { $sum: '$v' } } }])
          .toArray(),
      )
    expect(String(agg[0]?.s)).toBe('1.3')
  })

  it('$min / $max / $rename / $currentDate', async () => {
    expect(await apply({ lo: 5, hi: 5 }, { $min: { lo: 3, new: 1 }, $max: { hi: 4 } })).toEqual({
      lo: 3,
      hi: 5,
      new: 1,
    })
    expect(await apply({ a: 1, n: { b: 2 } }, { $rename: { a: 'z', 'n.b': 'n.c' } })).toEqual({
      z: 1,
      n: { c: 2 },
    })
    const dated = await apply({}, { $currentDate: { at: true, ts: { $type: 'timestamp' } } })
    expect(dated?.at).toBeInstanceOf(Date)
    expect(Math.abs((dated?.at as Date).getTime() - Date.now())).toBeLessThan(10_000)
    expect(dated?.ts).toBeInstanceOf(Timestamp)
  })

  it('$push with $each, $position, $slice and $sort; $addToSet; $pop; $pull; $pullAll', async () => {
    expect(await apply({ a: [1, 2] }, { $push: { a: 3, b: 'new' } })).toEqual({ a: [1, 2, 3], b: ['new'] })
    expect(await apply({ a: [1, 5] }, { $push: { a: { $each: [3, 4], $position: 1 } } })).toEqual({
      a: [1, 3, 4, 5],
    })
    expect(await apply({ a: [5, 1] }, { $push: { a: { $each: [3, 9], $sort: -1, $slice: 3 } } })).toEqual({
      a: [9, 5, 3],
    })
    expect(
      await apply(
        { a: [{ s: 2 }, { s: 1 }] },
        { $push: { a: { $each: [{ s: 3 }], $sort: { s: 1 }, $slice: -2 } } },
      ),
    ).toEqual({ a: [{ s: 2 }, { s: 3 }] })
    expect(await apply({ a: [1, 2] }, { $addToSet: { a: { $each: [2, 3, 3] }, b: 1 } })).toEqual({
      a: [1, 2, 3],
      b: [1],
    })
    expect(await apply({ a: [{ x: 1 }] }, { $addToSet: { a: { x: 1 } } })).toEqual({ a: [{ x: 1 }] })
    expect(await apply({ a: [1, 2, 3], b: [1, 2, 3] }, { $pop: { a: 1, b: -1 } })).toEqual({
      a: [1, 2],
      b: [2, 3],
    })
    expect(await apply({ a: [1, 5, 8, 2] }, { $pull: { a: { $gte: 5 } } })).toEqual({ a: [1, 2] })
    expect(await apply({ a: [{ k: 1, v: 'x' }, { k: 2 }] }, { $pull: { a: { k: 1 } } })).toEqual({
      a: [{ k: 2 }],
    })
    expect(await apply({ a: [1, 2, 1, 3] }, { $pullAll: { a: [1, 3] } })).toEqual({ a: [2] })
    expect((await failure({ a: 1 }, { $push: { a: 2 } })).code).toBe(2)
  })

  it('positional $, $[] and $[id] with arrayFilters', async () => {
    expect(
      await apply(
        {
          items: [
            { sku: 'a', q: 1 },
            { sku: 'b', q: 1 },
          ],
        },
        { $inc: { 'items.$.q': 5 } },
        { filter: { 'items.sku': 'b' } },
      ),
    ).toEqual({
      items: [
        { sku: 'a', q: 1 },
        { sku: 'b', q: 6 },
      ],
    })
    expect(await apply({ grades: [80, 85, 90] }, { $set: { 'grades.$[]': 0 } })).toEqual({
      grades: [0, 0, 0],
    })
    expect(
      await apply(
        { grades: [80, 95, 100] },
        { $set: { 'grades.$[g]': 100 } },
        { arrayFilters: [{ g: { $gte: 95 } }] },
      ),
    ).toEqual({ grades: [80, 100, 100] })
    expect(
      await apply(
        {
          items: [
            { sku: 'a', tags: ['x', 'y'] },
            { sku: 'b', tags: ['x'] },
          ],
        },
        { $set: { 'items.$[i].tags.$[t]': 'z' } },
        { arrayFilters: [{ 'i.sku': 'a' }, { t: 'x' }] },
      ),
    ).toEqual({
      items: [
        { sku: 'a', tags: ['z', 'y'] },
        { sku: 'b', tags: ['x'] },
      ],
    })
  })

  it('rejects conflicting paths and changes to _id', async () => {
    expect((await failure({ a: 1 }, { $set: { a: 2 }, $inc: { a: 1 } })).code).toBe(40)
    expect((await failure({ a: { b: 1 } }, { $set: { a: 2, 'a.b': 1 } })).code).toBe(40)
    expect((await failure({ a: 1 }, { $set: { _id: 999 } })).code).toBe(66)
    expect((await failure({ a: 1 }, { $foo: { a: 1 } })).code).toBe(9)
  })

  it('replacement keeps _id; pipeline updates compute from the document', async () => {
    const c = loose(t, 'u')
    await c.insertOne({ _id: 'rep', a: 1, b: 2 })
    await c.replaceOne({ _id: 'rep' }, { c: 3 })
    expect(await c.findOne({ _id: 'rep' })).toEqual({ _id: 'rep', c: 3 })
    expect(
      await apply({ first: 'Ada', last: 'L' }, [
        { $set: { full: { $concat: ['$first', ' ', '$last'] } } },
        { $unset: ['first'] },
      ]),
    ).toEqual({ last: 'L', full: 'Ada L' })
  })

  it('reports matched/modified counts like MongoDB, including no-op updates', async () => {
    const c = t.db.collection('counts')
    await c.insertMany([
      { k: 1, v: 1 },
      { k: 1, v: 2 },
      { k: 2, v: 1 },
    ])
    const r = await c.updateMany({ k: 1 }, { $set: { v: 1 } })
    expect([r.matchedCount, r.modifiedCount]).toEqual([2, 1])
    const raw = await t.db.command({
      update: 'counts',
      updates: [
        { q: { k: 9 }, u: { $set: { v: 0 } }, upsert: true },
        { q: { k: 2 }, u: { $inc: { v: 1 } } },
      ],
    })
    expect(raw.n).toBe(2)
    expect(raw.nModified).toBe(1)
    expect(raw.upserted).toHaveLength(1)
    expect(raw.upserted[0].index).toBe(0)
  })
})
