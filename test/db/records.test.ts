import { describe, expect, it } from 'vitest'
import { decodeRecord, encodeRecords, Replayer } from '../../src/embedded-mongo/storage/records.ts'
import type { LogOp } from '../../src/embedded-mongo/storage/records.ts'

function inserts(n: number, size: number): LogOp[] {
  return Array.from(
    { length: n },
    (_, i) => ({ t: 'i', ns: 'db.c', d: { _id: i, pad: 'x'.repeat(size) } }) as LogOp,
  )
}

describe('journal records of the embedded engine', () => {
  it('keeps a small unit in one record', () => {
    const records = encodeRecords(inserts(3, 10))
    expect(records).toHaveLength(1)
    expect(
      decodeRecord(records[0] as Uint8Array).map((op) => (op as unknown as { d: { _id: number } }).d._id),
    ).toEqual([0, 1, 2])
  })

  it('splits a large unit into marked parts that replay all together', () => {
    const ops = inserts(50, 1000)
    const records = encodeRecords(ops, 10_000)
    expect(records.length).toBeGreaterThan(3)
    for (const r of records) expect(r.length).toBeLessThan(12_000)
    const replayer = new Replayer()
    const applied: LogOp[][] = records.map((r) => replayer.feed(r))
    expect(applied.slice(0, -1).every((a) => a.length === 0)).toBe(true)
    expect(applied[applied.length - 1]).toHaveLength(50)
    expect(replayer.incomplete).toBe(false)
  })

  it('drops a multi-part unit whose tail was cut off, and carries on with later units', () => {
    const big = encodeRecords(inserts(50, 1000), 10_000)
    const replayer = new Replayer()
    for (const r of big.slice(0, -1)) expect(replayer.feed(r)).toEqual([])
    expect(replayer.incomplete).toBe(true)
    const next = encodeRecords([{ t: 'd', ns: 'db.c', id: 1 }])
    expect(replayer.feed(next[0] as Uint8Array)).toHaveLength(1)
    expect(replayer.incomplete).toBe(false)
  })
})
