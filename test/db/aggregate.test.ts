import { Decimal128, Double, Long, ObjectId } from 'mongodb'
import type { Document } from 'mongodb'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openTestDb } from './support.ts'
import type { TestDb } from './support.ts'

let t: TestDb
beforeAll(async () => {
  t = await openTestDb('agg')
  await t.db.collection('visits').insertMany([
    // 2024-03-09 22:30 UTC is already 2024-03-10 01:30 in Moscow (UTC+3).
    { user: 'u1', at: new Date('2024-03-09T22:30:00Z'), amount: 10, tags: ['a', 'b'] },
    { user: 'u2', at: new Date('2024-03-10T10:00:00Z'), amount: 5, tags: ['b'] },
    { user: 'u1', at: new Date('2024-03-10T20:59:00Z'), amount: 7, tags: [] },
    { user: 'u3', at: new Date('2024-03-10T21:00:00Z'), amount: 1.5, tags: ['c'] },
    { user: 'u2', at: new Date('2024-03-11T09:00:00Z'), amount: 2 },
  ])
  await t.db.collection('users').insertMany([
    { _id: 'u1', name: 'Ann' },
    { _id: 'u2', name: 'Ben' },
  ] as unknown as Document[])
})
afterAll(async () => {
  await t.close()
})

describe('aggregation', () => {
  it('groups by local day in a time zone', async () => {
    const rows = await t.db
      .collection('visits')
      .aggregate([
        {
          $group: {
            _id: { $dateToString: { format: '%Y-%m-%d', date: '$at', timezone: 'Europe/Moscow' } },
            total: { $sum: '$amount' },
            n: { $sum: 1 },
            users: { $addToSet: '$user' },
          },
        },
        { $sort: { _id: 1 } },
      ])
      .toArray()
    expect(rows.map((r) => [r._id, r.total, r.n])).toEqual([
      ['2024-03-10', 22, 3],
      ['2024-03-11', 3.5, 2],
    ])
    const parts = await t.db
      .collection('visits')
      .aggregate([
        { $match: { user: 'u1' } },
        { $sort: { at: 1 } },
        {
          $project: {
            _id: 0,
            y: { $year: { date: '$at', timezone: 'Europe/Moscow' } },
            m: { $month: { date: '$at', timezone: 'Europe/Moscow' } },
            d: { $dayOfMonth: { date: '$at', timezone: 'Europe/Moscow' } },
            h: { $hour: { date: '$at', timezone: 'Europe/Moscow' } },
            day: { $dateTrunc: { date: '$at', unit: 'day', timezone: 'Europe/Moscow' } },
          },
        },
      ])
      .toArray()
    expect(parts).toEqual([
      { y: 2024, m: 3, d: 10, h: 1, day: new Date('2024-03-09T21:00:00Z') },
      { y: 2024, m: 3, d: 10, h: 23, day: new Date('2024-03-09T21:00:00Z') },
    ])
  })

  it('shows local times on both sides of a daylight-saving change in the middle of a UTC hour', async () => {
    // Newfoundland springs forward at 02:00 local (-03:30), which is 05:30 UTC.
    const instants = [
      '2026-03-08T05:00:00Z',
      '2026-03-08T05:29:59Z',
      '2026-03-08T05:30:00Z',
      '2026-03-08T05:59:00Z',
    ]
    const clocks = t.db.collection('clocks')
    await clocks.insertMany(instants.map((at, i) => ({ i, at: new Date(at) })))
    const rows = await clocks
      .aggregate([
        { $sort: { i: 1 } },
        {
          $project: {
            _id: 0,
            local: { $dateToString: { format: '%H:%M:%S', date: '$at', timezone: 'America/St_Johns' } },
          },
        },
      ])
      .toArray()
    expect(rows.map((row) => row.local)).toEqual(['01:30:00', '01:59:59', '03:00:00', '03:29:00'])
  })

  it('supports the common stages', async () => {
    const visits = t.db.collection('visits')
    const unwound = await visits
      .aggregate([{ $unwind: '$tags' }, { $sortByCount: '$tags' }, { $sort: { count: -1, _id: 1 } }])
      .toArray()
    expect(unwound).toEqual([
      { _id: 'b', count: 2 },
      { _id: 'a', count: 1 },
      { _id: 'c', count: 1 },
    ])
    const looked = await visits
      .aggregate([
        { $match: { amount: { $gte: 5 } } },
        { $lookup: { from: 'users', localField: 'user', foreignField: '_id', as: 'u' } },
        { $unwind: { path: '$u', preserveNullAndEmptyArrays: true } },
        { $addFields: { name: { $ifNull: ['$u.name', 'unknown'] } } },
        { $unset: ['u', 'tags'] },
        { $sort: { amount: -1 } },
        { $project: { _id: 0, name: 1, amount: 1 } },
      ])
      .toArray()
    expect(looked).toEqual([
      { amount: 10, name: 'Ann' },
      { amount: 7, name: 'Ann' },
      { amount: 5, name: 'Ben' },
    ])
    const facet = await visits
      .aggregate([
        {
          $facet: {
            total: [{ $count: 'n' }],
            buckets: [
              {
                $bucket: {
                  groupBy: '$amount',
                  boundaries: [0, 5, 100],
                  default: 'other',
                  output: { n: { $sum: 1 }, avg: { $avg: '$amount' } },
                },
              },
            ],
            top: [{ $sort: { amount: -1 } }, { $limit: 1 }, { $replaceRoot: { newRoot: { who: '$user' } } }],
          },
        },
      ])
      .toArray()
    expect(facet[0]).toEqual({
      total: [{ n: 5 }],
      buckets: [
        { _id: 0, n: 2, avg: 1.75 },
        { _id: 5, n: 3, avg: 22 / 3 },
      ],
      top: [{ who: 'u1' }],
    })
    const acc = await visits
      .aggregate([
        { $sort: { at: 1 } },
        {
          $group: {
            _id: '$user',
            first: { $first: '$amount' },
            last: { $last: '$amount' },
            max: { $max: '$at' },
            min: { $min: '$amount' },
            all: { $push: '$amount' },
            avg: { $avg: '$amount' },
          },
        },
        { $sort: { _id: 1 } },
      ])
      .toArray()
    expect(acc[0]).toEqual({
      _id: 'u1',
      first: 10,
      last: 7,
      max: new Date('2024-03-10T20:59:00Z'),
      min: 7,
      all: [10, 7],
      avg: 8.5,
    })
    const piped = await visits
      .aggregate([
        { $match: { user: 'u2' } },
        {
          $lookup: {
            from: 'users',
            let: { uid: '$user' },
            pipeline: [{ $match: { $expr: { $eq: ['$_id', '$$uid'] } } }, { $project: { name: 1, _id: 0 } }],
            as: 'who',
          },
        },
        { $limit: 1 },
        { $project: { _id: 0, who: 1 } },
      ])
      .toArray()
    expect(piped).toEqual([{ who: [{ name: 'Ben' }] }])
    expect(await visits.aggregate([{ $match: { user: 'nobody' } }, { $count: 'n' }]).toArray()).toEqual([])
  })

  it('evaluates expressions over integer-valued doubles and longs', async () => {
    const c = t.db.collection('typed')
    await c.insertOne({ _id: 'd', x: new Double(2), l: Long.fromNumber(40), b: 10.5 } as unknown as Document)
    await c.updateOne({ _id: 'd' } as unknown as Document, { $inc: { b: -0.5 } })
    const [row] = await c
      .aggregate([
        {
          $project: {
            _id: 0,
            y: { $add: ['$x', 1] },
            big: { $gt: ['$x', 1] },
            z: { $multiply: ['$l', 2] },
            b: 1,
          },
        },
      ])
      .toArray()
    expect(row).toEqual({ y: 3, big: true, z: 80, b: 10 })
    expect(await c.countDocuments({ $expr: { $and: [{ $eq: ['$b', 10] }, { $lt: ['$x', '$l'] }] } })).toBe(1)
  })

  it('groups and compares BSON values like MongoDB (ObjectId, Long, Decimal128, Date, mixed types)', async () => {
    const c = t.db.collection('bsonagg')
    const a = new ObjectId('65a000000000000000000001')
    const b = new ObjectId('65a000000000000000000002')
    await c.insertMany([
      { ref: a, v: Long.fromString('9007199254740993'), at: new Date('2024-01-02') },
      { ref: new ObjectId(a.toHexString()), v: Decimal128.fromString('2.5'), at: new Date('2024-01-01') },
      { ref: b, v: 3, at: new Date('2024-01-03') },
      { ref: b, v: 'text', at: null },
    ])
    const rows = await c
      .aggregate([
        {
          $group: {
            _id: '$ref',
            n: { $sum: 1 },
            max: { $max: '$v' },
            min: { $min: '$v' },
            first: { $min: '$at' },
            refs: { $addToSet: '$ref' },
          },
        },
        { $sort: { _id: -1 } },
      ])
      .toArray()
    expect(rows.map((r) => [String(r._id), r.n, r.refs.length])).toEqual([
      [b.toHexString(), 2, 1],
      [a.toHexString(), 2, 1],
    ])
    expect(rows[0]?.max).toBe('text')
    expect(rows[0]?.min).toBe(3)
    expect(String(rows[1]?.max)).toBe('9007199254740993')
    expect(String(rows[1]?.min)).toBe('2.5')
    expect(rows[1]?.first).toEqual(new Date('2024-01-01'))
    const sorted = await c.aggregate([{ $sort: { v: 1 } }, { $project: { _id: 0, v: 1 } }]).toArray()
    expect(sorted.map((d) => String(d.v))).toEqual(['2.5', '3', '9007199254740993', 'text'])
  })

  it('uses $expr in find and pipeline-style updates', async () => {
    const c = t.db.collection('expr')
    await c.insertMany([
      { a: 1, b: 2 },
      { a: 5, b: 3 },
    ])
    expect(await c.countDocuments({ $expr: { $gt: ['$a', '$b'] } })).toBe(1)
    await c.updateMany({}, [
      { $set: { sum: { $add: ['$a', '$b'] }, big: { $gt: ['$a', 2] } } },
      { $unset: 'b' },
    ])
    expect(
      await c
        .find({}, { projection: { _id: 0 } })
        .sort({ a: 1 })
        .toArray(),
    ).toEqual([
      { a: 1, sum: 3, big: false },
      { a: 5, sum: 8, big: true },
    ])
  })
})
