import { deserialize, serialize } from 'bson'
import type { Double, Int32 } from 'bson'

/** A stored document: a plain object whose values are normalised BSON values (see {@link normalize}). */
export type Doc = Record<string, unknown>

const DECODE_OPTIONS = {
  promoteValues: false,
  promoteLongs: false,
  promoteBuffers: false,
  bsonRegExp: true,
  validation: { utf8: false },
} as const

/** mongod refuses documents nested deeper than this (and deep recursion could exhaust the stack). */
const MAX_DEPTH = 180
const INT32_MIN = -2147483648
const INT32_MAX = 2147483647

/**
 * Turns the output of a non-promoting BSON decode into the engine's value representation:
 * Int32 and most Doubles become JS numbers (they re-encode to the same BSON type), while a Double
 * holding an integer in the int32 range stays a `Double` so it does not come back as an Int32.
 * Long, Decimal128, Binary, ObjectId, Date and the rest are kept as bson objects.
 */
export function normalize(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object') return value
  if (depth > MAX_DEPTH) throw new Error(`BSON document nested deeper than ${MAX_DEPTH} levels`)
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = normalize(value[i], depth + 1)
    return value
  }
  const tag = (value as { _bsontype?: string })._bsontype
  if (tag === undefined) {
    if (value instanceof Date) return value
    const obj = value as Record<string, unknown>
    for (const key in obj) obj[key] = normalize(obj[key], depth + 1)
    return obj
  }
  if (tag === 'Int32') return (value as Int32).value
  if (tag === 'Double') {
    const n = (value as Double).value
    if (Number.isInteger(n) && n >= INT32_MIN && n <= INT32_MAX && !Object.is(n, -0)) return value
    return n
  }
  return value
}

/** Decodes BSON bytes into a normalised document. Throws on malformed input. */
export function decodeDocument(bytes: Uint8Array): Doc {
  return normalize(deserialize(bytes, DECODE_OPTIONS)) as Doc
}

/** Encodes a document to BSON bytes. `_id` is written first when present, as MongoDB does. */
export function encodeDocument(doc: Doc): Uint8Array {
  return serialize(doc, { checkKeys: false, ignoreUndefined: false })
}
