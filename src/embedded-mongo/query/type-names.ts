import { typeOrder, TypeOrder } from '../bson/compare.ts'
import { badValue } from '../errors.ts'
import { isNumeric, toNumber } from '../bson/numbers.ts'

const ALIASES: Record<string, number> = {
  double: 1,
  string: 2,
  object: 3,
  array: 4,
  binData: 5,
  undefined: 6,
  objectId: 7,
  bool: 8,
  date: 9,
  null: 10,
  regex: 11,
  dbPointer: 12,
  javascript: 13,
  symbol: 14,
  javascriptWithScope: 15,
  int: 16,
  timestamp: 17,
  long: 18,
  decimal: 19,
  minKey: -1,
  maxKey: 127,
}

/** The BSON type number of a value (1 double, 2 string, 16 int, 18 long, ...). 0 for missing. */
export function bsonTypeNumber(v: unknown): number {
  if (typeof v === 'number') {
    return Number.isInteger(v) && v >= -2147483648 && v <= 2147483647 && !Object.is(v, -0) ? 16 : 1
  }
  if (typeof v === 'string') return 2
  if (typeof v === 'boolean') return 8
  if (v === null) return 10
  if (v === undefined || typeof v === 'symbol') return 0
  if (Array.isArray(v)) return 4
  if (v instanceof Date) return 9
  if (v instanceof RegExp) return 11
  switch ((v as { _bsontype?: string })._bsontype) {
    case 'Double':
      return 1
    case 'Int32':
      return 16
    case 'Long':
      return 18
    case 'Decimal128':
      return 19
    case 'ObjectId':
      return 7
    case 'Binary':
      return 5
    case 'Timestamp':
      return 17
    case 'BSONRegExp':
      return 11
    case 'MinKey':
      return -1
    case 'MaxKey':
      return 127
    case 'BSONSymbol':
      return 14
    case 'Code':
      return (v as { scope?: unknown }).scope ? 15 : 13
    default:
      return 3
  }
}

const NAMES_BY_NUMBER = Object.fromEntries(Object.entries(ALIASES).map(([k, n]) => [n, k]))

/** The `$type` aggregation name of a value ("missing" when absent). */
export function bsonTypeName(v: unknown): string {
  const n = bsonTypeNumber(v)
  return n === 0 ? 'missing' : (NAMES_BY_NUMBER[n] ?? 'object')
}

/** Compiles a `$type` argument (number, alias or list) to a value test. */
export function compileTypeTest(arg: unknown): (v: unknown) => boolean {
  const list = Array.isArray(arg) ? arg : [arg]
  const wanted = new Set<number>()
  let anyNumber = false
  for (const t of list) {
    if (t === 'number') anyNumber = true
    else if (typeof t === 'string') {
      const n = ALIASES[t]
      if (n === undefined) throw badValue(`Unknown type name alias: ${t}`)
      wanted.add(n)
    } else if (isNumeric(t)) wanted.add(toNumber(t))
    else throw badValue('type must be represented as a number or a string')
  }
  return (v) => (anyNumber && typeOrder(v) === TypeOrder.Number) || wanted.has(bsonTypeNumber(v))
}
