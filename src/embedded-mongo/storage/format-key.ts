import { isNumeric, toNumber } from '../bson/numbers.ts'
import { isPlainObject } from '../query/paths.ts'

/** Formats a value the way mongod prints it in error messages (`"x"`, `123`, `ObjectId('...')`). */
export function formatValue(v: unknown): string {
  if (v === null || v === undefined) return 'null'
  if (typeof v === 'string') return JSON.stringify(v)
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  if (v instanceof Date) return `new Date(${v.getTime()})`
  if (Array.isArray(v)) return `[ ${v.map(formatValue).join(', ')} ]`
  const tag = (v as { _bsontype?: string })._bsontype
  if (tag === 'ObjectId') return `ObjectId('${String(v)}')`
  if (tag === 'Long') return `${String(v)}`
  if (tag === 'Decimal128') return `NumberDecimal("${String(v)}")`
  if (isNumeric(v)) return String(toNumber(v))
  if (isPlainObject(v)) {
    const parts = Object.entries(v).map(([k, x]) => `${k}: ${formatValue(x)}`)
    return parts.length ? `{ ${parts.join(', ')} }` : '{}'
  }
  return String(v)
}

/** Formats a key document, e.g. `{ name: "x" }`. */
export function formatKeyDoc(doc: Record<string, unknown>): string {
  const parts = Object.entries(doc).map(([k, x]) => `${k}: ${formatValue(x)}`)
  return `{ ${parts.join(', ')} }`
}
