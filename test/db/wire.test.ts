import { ObjectId } from 'bson'
import type { Long } from 'bson'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openTestDb } from './support.ts'
import type { TestDb } from './support.ts'
import { opMsg, opQuery, RawConnection } from './wire-client.ts'

let t: TestDb
beforeAll(async () => {
  t = await openTestDb('wire')
})
afterAll(async () => {
  await t.close()
})

async function stillServing(): Promise<void> {
  const conn = await RawConnection.open(t.uri)
  try {
    conn.send(opMsg({ ping: 1, $db: 'admin' }))
    expect((await conn.next())?.doc.ok).toBe(1)
  } finally {
    conn.close()
  }
  expect((await t.db.command({ ping: 1 })).ok).toBe(1)
}

function header(length: number, opCode: number): Buffer {
  const b = Buffer.alloc(16)
  b.writeInt32LE(length, 0)
  b.writeInt32LE(1, 4)
  b.writeInt32LE(0, 8)
  b.writeInt32LE(opCode, 12)
  return b
}

describe('wire protocol', () => {
  it('answers a legacy OP_QUERY handshake with OP_REPLY', async () => {
    const conn = await RawConnection.open(t.uri)
    conn.send(opQuery('admin', { isMaster: 1, client: { driver: { name: 'raw', version: '0' } } }))
    const reply = await conn.next()
    conn.close()
    expect(reply?.opCode).toBe(1)
    expect(reply?.doc.ismaster).toBe(true)
    expect(reply?.doc.maxWireVersion).toBeGreaterThanOrEqual(9)
    expect(typeof reply?.doc.setName).toBe('string')
  })

  it('accepts OP_MSG document sequences and the checksum flag', async () => {
    const conn = await RawConnection.open(t.uri)
    conn.send(
      opMsg(
        { insert: 'seq', $db: t.dbName },
        { sequences: [['documents', [{ a: 1 }, { a: 2 }]]], checksum: true },
      ),
    )
    const reply = await conn.next()
    expect(reply?.doc).toMatchObject({ n: 2, ok: 1 })
    conn.send(opMsg({ count: 'seq', $db: t.dbName }))
    expect((await conn.next())?.doc.n).toBe(2)
    conn.close()
  })

  it('sends no reply to moreToCome (w:0) writes but applies them', async () => {
    const conn = await RawConnection.open(t.uri)
    conn.send(
      opMsg({ insert: 'fire', documents: [{ x: 1 }], writeConcern: { w: 0 }, $db: t.dbName }, { flags: 2 }),
    )
    conn.send(opMsg({ count: 'fire', $db: t.dbName }))
    const reply = await conn.next()
    conn.close()
    expect(reply?.doc.n).toBe(1)
  })

  it('reports unknown commands as CommandNotFound', async () => {
    const err = await t.db
      .command({ definitelyNotACommand: 1 })
      .catch((e: { code: number; codeName: string }) => e)
    expect(err).toMatchObject({ code: 59, codeName: 'CommandNotFound' })
  })

  it('answers garbage BSON with an error or closes, and keeps serving', async () => {
    const conn = await RawConnection.open(t.uri)
    const body = Buffer.from([0x20, 0, 0, 0, 0x02, 0x61, 0, 0xff, 0xff, 0xff, 0x7f, 0x61, 0x62, 0])
    const flags = Buffer.alloc(4)
    const msg = Buffer.concat([header(16 + 4 + 1 + body.length, 2013), flags, Buffer.from([0]), body])
    conn.send(msg)
    const reply = await conn.next()
    if (reply) expect(reply.doc.ok).toBe(0)
    else expect(conn.closed).toBe(true)
    conn.close()
    await stillServing()
  })

  it('closes connections that send oversized, undersized or unknown-opcode messages', async () => {
    const cases = [
      header(64 * 1024 * 1024, 2013),
      header(8, 2013),
      Buffer.concat([header(20, 9999), Buffer.alloc(4)]),
    ]
    for (const bytes of cases) {
      const conn = await RawConnection.open(t.uri)
      conn.send(bytes)
      expect(await conn.waitClosed()).toBe(true)
    }
    await stillServing()
  })

  it('survives a client that disconnects mid-message', async () => {
    for (let i = 0; i < 5; i++) {
      const conn = await RawConnection.open(t.uri)
      const full = opMsg({ insert: 'partial', documents: [{ big: 'x'.repeat(10_000) }], $db: t.dbName })
      conn.send(full.subarray(0, 1000 + i * 100))
      conn.close()
    }
    await stillServing()
    expect(await t.db.collection('partial').countDocuments()).toBe(0)
  })

  it('survives corrupted messages and nonsense command arguments', async () => {
    let seed = 12345
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff
      return seed / 0x7fffffff
    }
    const valid = opMsg({
      insert: 'fuzz',
      documents: [{ a: 1, b: 'text', c: [1, 2, { d: null }] }],
      $db: t.dbName,
    })
    for (let round = 0; round < 40; round++) {
      const conn = await RawConnection.open(t.uri)
      const bytes = Buffer.from(valid)
      for (let k = 0; k < 3; k++)
        bytes[21 + Math.floor(random() * (bytes.length - 21))] = Math.floor(random() * 256)
      conn.send(bytes)
      const reply = await conn.next(1000)
      if (reply) expect(typeof reply.doc.ok).toBe('number')
      conn.close()
    }
    const nonsense = [
      { find: 123 },
      { insert: 'c', documents: 5 },
      { update: 'c', updates: [{ q: 5, u: 'x' }] },
      { delete: 'c', deletes: [{ q: { $where: 'x' }, limit: 0 }] },
      { aggregate: 'c', pipeline: [{ $bogus: 1 }], cursor: {} },
      { aggregate: 'c', pipeline: [{ $group: { _id: { $nope: 1 } } }], cursor: {} },
      { findAndModify: 'c', query: [], update: 7 },
      { createIndexes: 'c', indexes: [{ key: 'a' }] },
      { getMore: 'x', collection: 'c' },
      { count: 'c', query: { a: { $regex: '(' } } },
    ]
    for (const cmd of nonsense) {
      const r = await t.db.command(cmd).catch((e: { code?: number }) => ({ failed: true, code: e.code }))
      expect({
        cmd,
        ok: 'failed' in r || (Array.isArray(r.writeErrors) && r.writeErrors.length > 0),
      }).toEqual({ cmd, ok: true })
    }
    let deep: Record<string, unknown> = { leaf: 1 }
    for (let i = 0; i < 5000; i++) deep = { d: deep }
    const conn = await RawConnection.open(t.uri)
    conn.send(opMsg({ insert: 'deep', documents: [deep], $db: t.dbName }))
    const reply = await conn.next(3000)
    if (reply)
      expect(reply.doc.ok === 0 || (reply.doc.writeErrors as unknown[] | undefined)?.length).toBeTruthy()
    conn.close()
    expect(await t.db.collection('deep').countDocuments()).toBe(0)
    await stillServing()
  })

  it('waits up to maxAwaitTimeMS before answering an awaitable hello, streaming with exhaust', async () => {
    const conn = await RawConnection.open(t.uri)
    conn.send(opMsg({ hello: 1, $db: 'admin' }))
    const first = await conn.next()
    const topologyVersion = first?.doc.topologyVersion as { processId: ObjectId; counter: Long }
    expect(topologyVersion.processId).toBeInstanceOf(ObjectId)
    const started = Date.now()
    conn.send(opMsg({ hello: 1, topologyVersion, maxAwaitTimeMS: 400, $db: 'admin' }, { flags: 1 << 16 }))
    const awaited = await conn.next(3000)
    expect(Date.now() - started).toBeGreaterThanOrEqual(350)
    expect(awaited?.doc.isWritablePrimary).toBe(true)
    expect((awaited?.flags ?? 0) & 2).toBe(2)
    const streamed = await conn.next(3000)
    expect(streamed?.doc.ok).toBe(1)
    expect(Date.now() - started).toBeGreaterThanOrEqual(750)
    conn.close()
  })
})
