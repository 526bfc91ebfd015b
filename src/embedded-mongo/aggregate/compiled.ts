import type { Doc } from '../bson/codec.ts'
import { evaluateExpression } from './expression.ts'
import { isValidTimezone, offsetMinutes } from './timezone.ts'

/**
 * Aggregation expressions compiled once per stage into plain functions, for the shapes reports use
 * on every document (`"$field"`, `$cond`, `$and`/`$or`, comparisons, `$dateToString` by day in a
 * zone). Going through mingo cost about 70 µs a document for a `$group` with a few of these.
 *
 * The fast path only answers when the answer cannot differ from the general evaluator's: field
 * values must be strings, JS numbers, booleans, null or Dates reached through plain objects, and
 * comparisons must compare two values of the same kind. Anything else (arrays on the path, wrapped
 * BSON numbers, missing fields, mixed types, variables, other operators) returns {@link SLOW}, and
 * the caller evaluates the whole expression for that document with {@link evaluateExpression}.
 */
type Compiled = (doc: Doc) => unknown

/** "Cannot tell here": evaluate this document the general way. */
const SLOW: unique symbol = Symbol('slow')

function isSimple(value: unknown): boolean {
  const type = typeof value
  return (
    type === 'string' || type === 'number' || type === 'boolean' || value === null || value instanceof Date
  )
}

function fieldPath(path: string): Compiled | null {
  if (path.startsWith('$$') || path.length < 2) return null
  const parts = path.slice(1).split('.')
  if (parts.some((part) => part === '' || /^\d+$/.test(part))) return null
  return (doc) => {
    let value: unknown = doc
    for (const part of parts) {
      if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof Date)
        return SLOW
      if ((value as { _bsontype?: unknown })._bsontype !== undefined) return SLOW
      value = (value as Record<string, unknown>)[part]
    }
    return isSimple(value) ? value : SLOW
  }
}

const COMPARE: Record<string, (order: number) => boolean> = {
  $eq: (order) => order === 0,
  $ne: (order) => order !== 0,
  $gt: (order) => order > 0,
  $gte: (order) => order >= 0,
  $lt: (order) => order < 0,
  $lte: (order) => order <= 0,
}

/** Order of two values of the same kind; null when they are not of one kind (the general path decides). */
function orderOf(a: unknown, b: unknown): number | null {
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a) || Number.isNaN(b)) return null
    return a < b ? -1 : a > b ? 1 : 0
  }
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b)
  if (a instanceof Date && b instanceof Date) return Math.sign(a.getTime() - b.getTime())
  return null
}

const pad = (value: number, width = 2) => String(value).padStart(width, '0')
const YEAR_1900 = Date.UTC(1900, 0, 2)
const YEAR_10000 = Date.UTC(9999, 11, 31)

function dayOfDate(spec: Record<string, unknown>): Compiled | null {
  const keys = Object.keys(spec)
  if (keys.some((key) => key !== 'format' && key !== 'date' && key !== 'timezone')) return null
  if (spec.format !== '%Y-%m-%d' || typeof spec.timezone !== 'string' || !isValidTimezone(spec.timezone))
    return null
  const zone = spec.timezone
  const date = compile(spec.date)
  if (!date) return null
  return (doc) => {
    const value = date(doc)
    // Outside 1900-9999 the general path's quirks (two-digit years, historic offsets) decide.
    if (!(value instanceof Date) || !(value.getTime() >= YEAR_1900 && value.getTime() < YEAR_10000))
      return SLOW
    const local = new Date(value.getTime() + offsetMinutes(zone, value) * 60_000)
    return `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`
  }
}

function operator(name: string, arg: unknown): Compiled | null {
  if (name in COMPARE) {
    if (!Array.isArray(arg) || arg.length !== 2) return null
    const [left, right] = [compile(arg[0]), compile(arg[1])]
    const test = COMPARE[name]!
    if (!left || !right) return null
    return (doc) => {
      const a = left(doc)
      const b = right(doc)
      if (a === SLOW || b === SLOW) return SLOW
      const order = orderOf(a, b)
      return order === null ? SLOW : test(order)
    }
  }
  if (name === '$and' || name === '$or') {
    if (!Array.isArray(arg) || arg.length === 0) return null
    const parts = arg.map(compile)
    if (parts.some((part) => !part)) return null
    const all = name === '$and'
    return (doc) => {
      let result = all
      for (const part of parts as Compiled[]) {
        const value = part(doc)
        if (typeof value !== 'boolean') return SLOW
        if (value !== all) result = value
      }
      return result
    }
  }
  if (name === '$cond') {
    const [test, then, otherwise] = Array.isArray(arg)
      ? arg
      : arg !== null && typeof arg === 'object'
        ? [(arg as Doc).if, (arg as Doc).then, (arg as Doc).else]
        : []
    if (Array.isArray(arg) && arg.length !== 3) return null
    const [t, a, b] = [compile(test), compile(then), compile(otherwise)]
    if (!t || !a || !b) return null
    return (doc) => {
      const value = t(doc)
      if (typeof value !== 'boolean') return SLOW
      return value ? a(doc) : b(doc)
    }
  }
  if (name === '$dateToString' && arg !== null && typeof arg === 'object' && !Array.isArray(arg)) {
    return dayOfDate(arg as Record<string, unknown>)
  }
  return null
}

function compile(expr: unknown): Compiled | null {
  if (typeof expr === 'string') return expr.startsWith('$') ? fieldPath(expr) : () => expr
  if (typeof expr === 'number' || typeof expr === 'boolean' || expr === null || expr instanceof Date)
    return () => expr
  if (typeof expr !== 'object' || Array.isArray(expr)) return null
  if ((expr as { _bsontype?: unknown })._bsontype !== undefined) return null
  const keys = Object.keys(expr)
  if (keys.length !== 1 || !keys[0]!.startsWith('$')) return null
  return operator(keys[0]!, (expr as Record<string, unknown>)[keys[0]!])
}

/**
 * `expr` as a function of a document, with the same results as {@link evaluateExpression}:
 * compiled when its shape allows, and falling back per document when a value is unusual.
 */
export function compileExpression(expr: unknown, variables?: Record<string, unknown>): Compiled {
  const fast = variables && Object.keys(variables).length > 0 ? null : compile(expr)
  if (!fast) return (doc) => evaluateExpression(doc, expr, variables)
  return (doc) => {
    const value = fast(doc)
    return value === SLOW ? evaluateExpression(doc, expr, variables) : value
  }
}
