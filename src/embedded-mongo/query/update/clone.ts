import { isPlainObject } from '../paths.ts'

/** Deep-copies plain objects and arrays; bson values (immutable in the engine) are shared. */
export function cloneDeep<T>(v: T): T {
  if (Array.isArray(v)) {
    const out = new Array(v.length)
    for (let i = 0; i < v.length; i++) out[i] = cloneDeep(v[i])
    return out as T
  }
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {}
    for (const k in v) out[k] = cloneDeep(v[k])
    return out as T
  }
  return v
}

/** Strict structural equality: same BSON types and values (1 and 1.0 differ), same field order. */
export function strictEqual(a: unknown, b: unknown): boolean {
  if (a === b) return typeof a !== 'number' || Object.is(a, b) || a === b
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') {
    return typeof a === 'number' && Number.isNaN(a) && Number.isNaN(b)
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false
    for (let i = 0; i < a.length; i++) if (!strictEqual(a[i], b[i])) return false
    return true
  }
  if (Array.isArray(b)) return false
  if (a instanceof Date) return b instanceof Date && a.getTime() === b.getTime()
  const ta = (a as { _bsontype?: string })._bsontype
  const tb = (b as { _bsontype?: string })._bsontype
  if (ta !== tb) return false
  if (ta === undefined) {
    if (a instanceof RegExp || b instanceof RegExp) return String(a) === String(b)
    const ka = Object.keys(a as object)
    const kb = Object.keys(b as object)
    if (ka.length !== kb.length) return false
    for (let i = 0; i < ka.length; i++) {
      const k = ka[i] as string
      if (k !== kb[i]) return false
      if (!strictEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false
    }
    return true
  }
  if (ta === 'Double') return Object.is((a as { value: number }).value, (b as { value: number }).value)
  if (ta === 'Binary') {
    const x = a as { sub_type: number; position: number; buffer: Uint8Array }
    const y = b as { sub_type: number; position: number; buffer: Uint8Array }
    return (
      x.sub_type === y.sub_type &&
      Buffer.compare(x.buffer.subarray(0, x.position), y.buffer.subarray(0, y.position)) === 0
    )
  }
  if (ta === 'ObjectId') return (a as { equals(o: unknown): boolean }).equals(b)
  return String(a) === String(b)
}
