import mongoose from 'mongoose'
import type { Connection } from 'mongoose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openTestDb } from './support.ts'
import type { TestDb } from './support.ts'

let t: TestDb
let conn: Connection

const userSchema = new mongoose.Schema(
  {
    email: { type: String, required: true, unique: true, lowercase: true, trim: true },
    name: { type: String, required: true, minlength: 2 },
    points: { type: Number, default: 0, min: 0 },
    tier: { type: String, enum: ['basic', 'gold'], default: 'basic' },
    tags: { type: [String], default: [] },
  },
  { timestamps: true },
)
const orderSchema = new mongoose.Schema({
  user: { type: mongoose.Schema.Types.ObjectId, ref: 'User', required: true },
  total: { type: mongoose.Schema.Types.Decimal128, required: true },
  items: [{ sku: String, qty: Number }],
})

beforeAll(async () => {
  t = await openTestDb('mongoose')
  conn = await mongoose.createConnection(t.uri, { dbName: t.dbName }).asPromise()
  conn.model('User', userSchema)
  conn.model('Order', orderSchema)
  await conn.model('User').init()
})
afterAll(async () => {
  await conn.close()
  await t.close()
})

describe('mongoose models', () => {
  it('applies validation, defaults and timestamps', async () => {
    const User = conn.model('User')
    const u = await User.create({ email: '  Alice@Example.COM ', name: 'Alice' })
    expect(u.email).toBe('alice@example.com')
    expect(u.points).toBe(0)
    expect(u.tier).toBe('basic')
    expect(u.createdAt).toBeInstanceOf(Date)
    expect(u.updatedAt.getTime()).toBe(u.createdAt.getTime())
    await expect(User.create({ email: 'b@x', name: 'B' })).rejects.toThrow(/minlength|shorter/)
    await expect(User.create({ email: 'c@x', name: 'Carl', tier: 'platinum' })).rejects.toThrow(
      /enum|not a valid/,
    )
    await new Promise((r) => setTimeout(r, 5))
    u.points = 10
    await u.save()
    const stored = await User.findById(u._id).lean<{
      points: number
      updatedAt: Date
      createdAt: Date
      __v: number
    }>()
    expect(stored?.points).toBe(10)
    expect(stored!.updatedAt.getTime()).toBeGreaterThan(stored!.createdAt.getTime())
  })

  it('surfaces unique violations as duplicate key errors with keyValue', async () => {
    const User = conn.model('User')
    await User.create({ email: 'dup@example.com', name: 'First' })
    const err = await User.create({ email: 'DUP@example.com', name: 'Second' }).catch(
      (e: unknown) =>
        e as { code: number; keyValue: unknown; keyPattern: unknown; message: string; name: string },
    )
    expect(err.code).toBe(11000)
    expect(err.name).toBe('MongoServerError')
    expect(err.keyValue).toEqual({ email: 'dup@example.com' })
    expect(err.keyPattern).toEqual({ email: 1 })
    expect(err.message).toMatch(
      /^E11000 duplicate key error collection: \S+\.users index: email_1 dup key: \{ email: "dup@example.com" \}$/,
    )
    const bulk = await User.insertMany(
      [
        { email: 'ok1@x.com', name: 'Ok1' },
        { email: 'dup@example.com', name: 'Again' },
        { email: 'ok2@x.com', name: 'Ok2' },
      ],
      { ordered: false },
    ).catch((e: { code: number; insertedDocs: unknown[] }) => e)
    expect((bulk as { code: number }).code).toBe(11000)
    expect(await User.countDocuments({ email: /^ok/ })).toBe(2)
  })

  it('populates references and returns lean documents', async () => {
    const User = conn.model('User')
    const Order = conn.model('Order')
    const bob = await User.create({ email: 'bob@x.com', name: 'Bob', tags: ['vip'] })
    await Order.create({ user: bob._id, total: '19.99', items: [{ sku: 'A', qty: 2 }] })
    await Order.create({ user: bob._id, total: '5.01', items: [] })
    const orders = await Order.find({ user: bob._id })
      .sort({ total: -1 })
      .populate('user')
      .lean<{ total: mongoose.Types.Decimal128; user: { name: string; tags: string[] } }[]>()
    expect(orders).toHaveLength(2)
    expect(orders[0]!.user.name).toBe('Bob')
    expect(orders[0]!.user.tags).toEqual(['vip'])
    expect(orders.map((o) => o.total.toString())).toEqual(['19.99', '5.01'])
    const doc = await Order.findOne({ 'items.sku': 'A' })
    expect(doc?.get('items')[0].qty).toBe(2)
  })

  it('runs updates, upserts, counts, distinct, aggregate and deletes through the model API', async () => {
    const User = conn.model('User')
    await User.updateMany({}, { $inc: { points: 5 } })
    const gold = await User.findOneAndUpdate(
      { email: 'gold@x.com' },
      { $set: { name: 'Goldie', tier: 'gold' }, $setOnInsert: { points: 100 } },
      { upsert: true, returnDocument: 'after', runValidators: true, setDefaultsOnInsert: true },
    ).lean<{ points: number; tags: string[] }>()
    expect(gold?.points).toBe(100)
    expect(gold?.tags).toEqual([])
    expect(await User.distinct('tier')).toEqual(['basic', 'gold'])
    const byTier = await User.aggregate<{ _id: string; n: number }>([
      { $group: { _id: '$tier', n: { $sum: 1 } } },
      { $sort: { _id: 1 } },
    ])
    expect(byTier.map((r) => r._id)).toEqual(['basic', 'gold'])
    expect(await User.exists({ email: 'gold@x.com' })).toBeTruthy()
    const res = await User.deleteOne({ email: 'gold@x.com' })
    expect(res.deletedCount).toBe(1)
    expect(await User.exists({ email: 'gold@x.com' })).toBeNull()
  })

  it('creates the declared indexes', async () => {
    const indexes = await conn.model('User').listIndexes()
    expect(indexes.map((i) => i.name).sort()).toEqual(['_id_', 'email_1'])
    expect(indexes.find((i) => i.name === 'email_1')?.unique).toBe(true)
  })
})
