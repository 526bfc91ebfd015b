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

const SERIALIZE_OPTIONS = { checkKeys: false, ignoreUndefined: false } as const

/** Encodes a list of ops as one journal record: the ops' BSON documents back to back. */
export function encodeRecord(ops: LogOp[]): Uint8Array {
  if (ops.length === 1) return serialize(ops[0] as Doc, SERIALIZE_OPTIONS)
  const parts = ops.map((op) => serialize(op as Doc, SERIALIZE_OPTIONS))
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
