import type { Binary, BSONRegExp, Long, ObjectId, Timestamp } from 'bson'
import { compareNumbers, isNumeric, numericKey } from './numbers.ts'

/** Canonical BSON type order used by sorts and comparisons (MongoDB "comparison/sort order"). */
export const TypeOrder = {
  MinKey: 1,
  Undefined: 2,
  Null: 3,
  Number: 4,
  String: 5,
  Object: 6,
  Array: 7,
  Binary: 8,
  ObjectId: 9,
  Boolean: 10,
  Date: 11,
  Timestamp: 12,
  RegExp: 13,
  Code: 14,
  MaxKey: 15,
} as const

/** Returns the canonical type-order class of a value; null, undefined and missing share one class. */
export function typeOrder(v: unknown): number {
  switch (typeof v) {
    case 'number':
      return TypeOrder.Number
    case 'string':
      return TypeOrder.String
    case 'boolean':
      return TypeOrder.Boolean
    case 'undefined':
      return TypeOrder.Null
    case 'bigint':
      return TypeOrder.Number
    case 'object':
      break
    default:
      return TypeOrder.Null
  }
  if (v === null) return TypeOrder.Null
  if (Array.isArray(v)) return TypeOrder.Array
  if (v instanceof Date) return TypeOrder.Date
  const tag = (v as { _bsontype?: string })._bsontype
  if (tag === undefined) return v instanceof RegExp ? TypeOrder.RegExp : TypeOrder.Object
  switch (tag) {
    case 'Double':
    case 'Int32':
    case 'Long':
    case 'Decimal128':
      return TypeOrder.Number
    case 'ObjectId':
      return TypeOrder.ObjectId
    case 'Binary':
      return TypeOrder.Binary
    case 'Timestamp':
      return TypeOrder.Timestamp
    case 'BSONRegExp':
      return TypeOrder.RegExp
    case 'MinKey':
      return TypeOrder.MinKey
    case 'MaxKey':
      return TypeOrder.MaxKey
    case 'BSONSymbol':
      return TypeOrder.String
    case 'Code':
      return TypeOrder.Code
    case 'DBRef':
      return TypeOrder.Object
    default:
      return TypeOrder.Object
  }
}

function cmpBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number)
    if (d !== 0) return d < 0 ? -1 : 1
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1
}

interface OidWords {
  i0?: number
  i1?: number
  i2?: number
  i3?: number
}

/** A compact canonical key for an ObjectId (its four 24-bit words as UTF-16 code units). */
function objectIdKey(id: ObjectId): string {
  const w = id as unknown as OidWords
  if (typeof w.i0 !== 'number') return 'o' + id.toHexString()
  const i0 = w.i0
  const i1 = w.i1 as number
  const i2 = w.i2 as number
  const i3 = w.i3 as number
  return String.fromCharCode(
    111,
    i0 >>> 12,
    i0 & 0xfff,
    i1 >>> 12,
    i1 & 0xfff,
    i2 >>> 12,
    i2 & 0xfff,
    i3 >>> 12,
    i3 & 0xfff,
  )
}

/** Compares ObjectIds by their bytes; bson 7 keeps them as four 24-bit words, compared directly. */
function compareObjectIds(a: ObjectId, b: ObjectId): number {
  const x = a as unknown as OidWords
  const y = b as unknown as OidWords
  if (typeof x.i0 === 'number' && typeof y.i0 === 'number') {
    if (x.i0 !== y.i0) return x.i0 < y.i0 ? -1 : 1
    if (x.i1 !== y.i1) return (x.i1 as number) < (y.i1 as number) ? -1 : 1
    if (x.i2 !== y.i2) return (x.i2 as number) < (y.i2 as number) ? -1 : 1
    if (x.i3 !== y.i3) return (x.i3 as number) < (y.i3 as number) ? -1 : 1
    return 0
  }
  return cmpBytes(a.id, b.id)
}

function cmpStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

function regexParts(v: unknown): [string, string] {
  if (v instanceof RegExp) return [v.source, v.flags]
  const r = v as BSONRegExp
  return [r.pattern, r.options]
}

/** Compares two BSON values in MongoDB's order: first by canonical type, then by value. */
export function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') {
    return a < b ? -1 : a > b ? 1 : a === b ? 0 : compareNumbers(a, b)
  }
  if (typeof a === 'string' && typeof b === 'string') return cmpStr(a, b)
  // Index ranges over createdAt compare dates most of all: skip the type dispatch for them.
  if (a instanceof Date && b instanceof Date) return Math.sign(a.getTime() - b.getTime())
  const ta = typeOrder(a)
  const tb = typeOrder(b)
  if (ta !== tb) return ta < tb ? -1 : 1
  switch (ta) {
    case TypeOrder.Null:
    case TypeOrder.MinKey:
    case TypeOrder.MaxKey:
      return 0
    case TypeOrder.Number:
      return compareNumbers(a, b)
    case TypeOrder.String:
      return cmpStr(String(a), String(b))
    case TypeOrder.Boolean:
      return a === b ? 0 : a ? 1 : -1
    case TypeOrder.Date:
      return Math.sign((a as Date).getTime() - (b as Date).getTime())
    case TypeOrder.ObjectId:
      return compareObjectIds(a as ObjectId, b as ObjectId)
    case TypeOrder.Binary: {
      const x = a as Binary
      const y = b as Binary
      if (x.position !== y.position) return x.position < y.position ? -1 : 1
      if (x.sub_type !== y.sub_type) return x.sub_type < y.sub_type ? -1 : 1
      return cmpBytes(x.buffer.subarray(0, x.position), y.buffer.subarray(0, y.position))
    }
    case TypeOrder.Timestamp: {
      const x = a as Timestamp
      const y = b as Timestamp
      return (x as unknown as Long).compare(y as unknown as Long)
    }
    case TypeOrder.RegExp: {
      const [pa, fa] = regexParts(a)
      const [pb, fb] = regexParts(b)
      return cmpStr(pa, pb) || cmpStr(fa, fb)
    }
    case TypeOrder.Array:
      return compareArrays(a as unknown[], b as unknown[])
    case TypeOrder.Object:
      return compareObjects(a as Record<string, unknown>, b as Record<string, unknown>)
    default:
      return cmpStr(String(a), String(b))
  }
}

function compareArrays(a: unknown[], b: unknown[]): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const c = compareValues(a[i], b[i])
    if (c !== 0) return c
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1
}

function compareObjects(a: Record<string, unknown>, b: Record<string, unknown>): number {
  const ka = Object.keys(a)
  const kb = Object.keys(b)
  const n = Math.min(ka.length, kb.length)
  for (let i = 0; i < n; i++) {
    const fa = ka[i] as string
    const fb = kb[i] as string
    const va = a[fa]
    const vb = b[fb]
    const t = typeOrder(va) - typeOrder(vb)
    if (t !== 0) return t < 0 ? -1 : 1
    const f = cmpStr(fa, fb)
    if (f !== 0) return f
    const c = compareValues(va, vb)
    if (c !== 0) return c
  }
  return ka.length === kb.length ? 0 : ka.length < kb.length ? -1 : 1
}

/** MongoDB equality: numerically equal numbers of different types are equal; null equals missing. */
export function valuesEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  return compareValues(a, b) === 0
}

/**
 * A canonical string for a value such that two values are equal in MongoDB's sense exactly when their
 * keys are equal. Used for hash lookups (group keys, `$addToSet`, `distinct`).
 */
export function valueKey(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return 's' + v
    case 'number':
      return 'n' + numericKey(v)
    case 'boolean':
      return v ? 'bt' : 'bf'
    case 'undefined':
      return 'z'
  }
  if (v === null) return 'z'
  if (isNumeric(v)) return 'n' + numericKey(v)
  if (v instanceof Date) return 'd' + v.getTime()
  if (Array.isArray(v)) return '[' + v.map(valueKey).join(',') + ']'
  const tag = (v as { _bsontype?: string })._bsontype
  if (tag === 'ObjectId') return objectIdKey(v as ObjectId)
  if (tag === undefined && !(v instanceof RegExp)) {
    const obj = v as Record<string, unknown>
    let out = '{'
    for (const k in obj) out += JSON.stringify(k) + ':' + valueKey(obj[k]) + ','
    return out + '}'
  }
  if (tag === 'Binary') {
    const b = v as Binary
    return 'x' + b.sub_type + ':' + Buffer.from(b.buffer.subarray(0, b.position)).toString('base64')
  }
  if (tag === 'Timestamp') return 't' + (v as Timestamp).toString()
  if (tag === 'MinKey') return 'm-'
  if (tag === 'MaxKey') return 'm+'
  const [p, f] = regexParts(v)
  if (v instanceof RegExp || tag === 'BSONRegExp') return 'r/' + p + '/' + f
  return 'u' + String(v)
}
