import { serialize } from 'bson'
import { decodeDocument } from '../bson/codec.ts'
import type { Doc } from '../bson/codec.ts'
import type { IndexSpec } from './index-store.ts'

/** One logged change. A journal record is a sequence of these, applied atomically on replay. */
export type LogOp =
  | { t: 'i'; ns: string; d: Doc }
  | { t: 'u'; ns: string; d: Doc }
  | { t: 'd'; ns: string; id: unknown }
  | { t: 'cc'; ns: string; o: Record<string, unknown> }
  | { t: 'dc'; ns: string }
  | { t: 'ci'; ns: string; spec: IndexSpec }
  | { t: 'di'; ns: string; name: string }
  | { t: 'rn'; from: string; to: string }
  | { t: 'dd'; db: string }
  | { t: 'clr'; ns: string }
  /** Marks record k of n of one unit that was too large for a single record. */
  | { t: 'part'; k: number; n: number }

const SERIALIZE_OPTIONS = { checkKeys: false, ignoreUndefined: false } as const

/** Records stay below this size; larger units are split into parts (the journal takes up to 48 MiB). */
export const RECORD_TARGET_BYTES = 8 * 1024 * 1024

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0] as Uint8Array
  let total = 0
  for (const p of parts) total += p.length
  const out = new Uint8Array(total)
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

/** Encodes a list of ops as one journal record: the ops' BSON documents back to back. */
export function encodeRecord(ops: LogOp[]): Uint8Array {
  return concat(ops.map((op) => serialize(op as Doc, SERIALIZE_OPTIONS)))
}

/**
 * Encodes the ops of one unit as journal records of about `targetBytes` at most. A unit that needs
 * several records gets a `part` marker at the head of each, so replay applies all or none of it.
 */
export function encodeRecords(ops: LogOp[], targetBytes = RECORD_TARGET_BYTES): Uint8Array[] {
  const groups: Uint8Array[][] = [[]]
  let size = 0
  for (const op of ops) {
    const bytes = serialize(op as Doc, SERIALIZE_OPTIONS)
    const current = groups[groups.length - 1] as Uint8Array[]
    if (current.length > 0 && size + bytes.length > targetBytes) {
      groups.push([bytes])
      size = bytes.length
    } else {
      current.push(bytes)
      size += bytes.length
    }
  }
  if (groups.length === 1) return [concat(groups[0] as Uint8Array[])]
  const n = groups.length
  return groups.map((g, k) => concat([serialize({ t: 'part', k, n }, SERIALIZE_OPTIONS), ...g]))
}

/**
 * Turns replayed records back into units of ops: multi-part units are held back until their last
 * part, and a unit whose parts were cut off by a crash is dropped (it was never acknowledged).
 */
export class Replayer {
  private pending: LogOp[] = []
  private expected = 0

  /** Ops to apply now for this record (empty while a multi-part unit is incomplete). */
  feed(record: Uint8Array): LogOp[] {
    const ops = decodeRecord(record)
    const head = ops[0]
    if (head?.t !== 'part') {
      this.pending = []
      this.expected = 0
      return ops
    }
    if (head.k === 0) this.pending = []
    else if (head.k !== this.expected) {
      this.pending = []
      this.expected = 0
      return []
    }
    this.pending.push(...ops.slice(1))
    this.expected = head.k + 1
    if (this.expected < head.n) return []
    const unit = this.pending
    this.pending = []
    this.expected = 0
    return unit
  }

  /** True when the log ended inside a multi-part unit (which is then discarded). */
  get incomplete(): boolean {
    return this.expected > 0
  }
}

/** Decodes a journal record back into its ops. Throws on malformed bytes. */
export function decodeRecord(bytes: Uint8Array): LogOp[] {
  const ops: LogOp[] = []
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let at = 0
  while (at < bytes.length) {
    if (at + 5 > bytes.length) throw new Error('truncated journal record')
    const len = view.getInt32(at, true)
    if (len < 5 || at + len > bytes.length) throw new Error('malformed journal record')
    ops.push(decodeDocument(bytes.subarray(at, at + len)) as unknown as LogOp)
    at += len
  }
  return ops
}

/** Splits a namespace into database and collection names. */
export function splitNs(ns: string): [string, string] {
  const dot = ns.indexOf('.')
  return [ns.slice(0, dot), ns.slice(dot + 1)]
}
