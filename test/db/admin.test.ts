import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openTestDb } from './support.ts'
import type { TestDb } from './support.ts'

let t: TestDb
beforeAll(async () => {
  t = await openTestDb('admin')
})
afterAll(async () => {
  await t.close()
})

describe('administrative commands', () => {
  it('creates, lists, renames and drops collections', async () => {
    await t.db.createCollection('alpha')
    await expect(t.db.createCollection('alpha')).rejects.toMatchObject({ code: 48 })
    await t.db.collection('beta').insertOne({ x: 1 })
    const names = (await t.db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).sort()
    expect(names).toEqual(['alpha', 'beta'])
    const filtered = await t.db.listCollections({ name: 'beta' }).toArray()
    expect(filtered).toHaveLength(1)
    expect(filtered[0]?.type).toBe('collection')
    await t.db.renameCollection('beta', 'gamma')
    expect(await t.db.collection('gamma').countDocuments()).toBe(1)
    await expect(t.db.renameCollection('gamma', 'alpha')).rejects.toMatchObject({ code: 48 })
    await t.db.renameCollection('gamma', 'alpha', { dropTarget: true })
    expect(await t.db.collection('alpha').countDocuments()).toBe(1)
    expect(await t.db.collection('alpha').drop()).toBe(true)
    expect((await t.db.listCollections().toArray()).map((c) => c.name)).toEqual([])
  })

  it('reports database and collection statistics', async () => {
    const c = t.db.collection('stats')
    await c.insertMany([{ a: 1 }, { a: 2 }, { a: 3 }])
    await c.createIndex({ a: 1 })
    const db = await t.db.stats()
    expect(db.collections).toBeGreaterThanOrEqual(1)
    expect(db.objects).toBeGreaterThanOrEqual(3)
    const coll = await t.db.command({ collStats: 'stats' })
    expect(coll.count).toBe(3)
    expect(coll.nindexes).toBe(2)
    expect(coll.size).toBeGreaterThan(0)
    const dbs = await t.client.db('admin').admin().listDatabases()
    expect(dbs.databases.map((d) => d.name)).toContain(t.dbName)
  })

  it('answers handshake and diagnostics commands', async () => {
    const admin = t.client.db('admin')
    const hello = await admin.command({ hello: 1 })
    expect(hello.isWritablePrimary).toBe(true)
    expect(hello.setName).toBeTruthy()
    expect(hello.logicalSessionTimeoutMinutes).toBeGreaterThan(0)
    expect((await admin.command({ buildInfo: 1 })).version).toMatch(/^\d+\.\d+/)
    expect((await admin.command({ serverStatus: 1 })).ok).toBe(1)
    const fcv = await admin.command({ getParameter: 1, featureCompatibilityVersion: 1 })
    expect(fcv.featureCompatibilityVersion.version).toMatch(/^\d+\.\d+$/)
  })

  it('kills cursors and drops indexes and databases', async () => {
    const c = t.db.collection('cursors')
    await c.insertMany(Array.from({ length: 10 }, (_, i) => ({ i })))
    const first = await t.db.command({ find: 'cursors', batchSize: 2 })
    const killed = await t.db.command({ killCursors: 'cursors', cursors: [first.cursor.id] })
    expect(killed.cursorsKilled).toHaveLength(1)
    await expect(t.db.command({ getMore: first.cursor.id, collection: 'cursors' })).rejects.toMatchObject({
      code: 43,
    })
    await c.createIndex({ i: 1 })
    await c.createIndex({ i: -1, j: 1 })
    await c.dropIndex('i_1')
    await expect(c.dropIndex('nope_1')).rejects.toMatchObject({ code: 27 })
    await c.dropIndexes()
    expect((await c.listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_'])
    const other = t.client.db(`${t.dbName}_x`)
    await other.collection('a').insertOne({ a: 1 })
    expect(await other.dropDatabase()).toBe(true)
    expect((await t.client.db('admin').admin().listDatabases()).databases.map((d) => d.name)).not.toContain(
      `${t.dbName}_x`,
    )
  })
})
