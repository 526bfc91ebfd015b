import { compareValues, TypeOrder, typeOrder, valueKey } from '../bson/compare.ts'
import { compareNumbers, isNumeric, toNumber } from '../bson/numbers.ts'
import { badValue } from '../errors.ts'
import { evaluateExpression, validateExpression } from '../aggregate/expression.ts'
import { collectPathValues, isPlainObject, MISSING, splitPath } from './paths.ts'
import { compileRegex, isRegexValue, toJsRegex } from './regex.ts'
import { compileTypeTest } from './type-names.ts'

/** A compiled query filter. */
export type Predicate = (doc: unknown) => boolean
/** Tests the values found at one path (see {@link collectPathValues}). */
type ValuesMatcher = (values: unknown[]) => boolean
type ValueTest = (v: unknown) => boolean

const TRUE: Predicate = () => true

/** Compiles a MongoDB query filter into a predicate over documents. Throws BadValue on invalid filters. */
export function compileFilter(filter: unknown, variables?: Record<string, unknown>): Predicate {
  if (filter === undefined || filter === null) return TRUE
  if (!isPlainObject(filter)) throw badValue('filter must be an object')
  const preds: Predicate[] = []
  for (const key of Object.keys(filter)) {
    const spec = filter[key]
    if (key.startsWith('$')) preds.push(compileTopLevel(key, spec, variables))
    else preds.push(compileField(key, spec))
  }
  if (preds.length === 0) return TRUE
  if (preds.length === 1) return preds[0] as Predicate
  return (doc) => {
    for (const p of preds) if (!p(doc)) return false
    return true
  }
}

function compileTopLevel(op: string, spec: unknown, variables?: Record<string, unknown>): Predicate {
  switch (op) {
    case '$and':
    case '$or':
    case '$nor': {
      if (!Array.isArray(spec) || spec.length === 0) throw badValue(`${op} must be a nonempty array`)
      const parts = spec.map((s) => compileFilter(s, variables))
      if (op === '$and') return (d) => parts.every((p) => p(d))
      if (op === '$or') return (d) => parts.some((p) => p(d))
      return (d) => !parts.some((p) => p(d))
    }
    case '$expr':
      validateExpression(spec)
      return (d) => truthy(evaluateExpression(d as Record<string, unknown>, spec, variables))
    case '$comment':
      return TRUE
    case '$alwaysTrue':
      return TRUE
    case '$alwaysFalse':
      return () => false
    default:
      throw badValue(`unknown top level operator: ${op}`)
  }
}

function truthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === MISSING) return false
  if (isNumeric(v)) return toNumber(v) !== 0
  return true
}

/** True when `spec` is an operator object such as `{$gt: 1}` rather than a literal to compare with. */
export function isOperatorObject(spec: unknown): spec is Record<string, unknown> {
  if (!isPlainObject(spec)) return false
  for (const k in spec) return k.startsWith('$')
  return false
}

function compileField(path: string, spec: unknown): Predicate {
  const matcher = isOperatorObject(spec) ? compileOperators(spec) : expanding(equalsTest(spec))
  if (path.indexOf('.') < 0) {
    return (doc) => {
      const v = (doc as Record<string, unknown>)[path]
      return matcher([v === undefined && !(path in (doc as object)) ? MISSING : v])
    }
  }
  const parts = splitPath(path)
  return (doc) => {
    const values: unknown[] = []
    collectPathValues(doc, parts, values)
    return matcher(values)
  }
}

function expanding(test: ValueTest): ValuesMatcher {
  return (values) => {
    for (const v of values) {
      if (test(v)) return true
      if (Array.isArray(v)) for (const el of v) if (test(el)) return true
    }
    return false
  }
}

function direct(test: ValueTest): ValuesMatcher {
  return (values) => values.some(test)
}

function compileOperators(ops: Record<string, unknown>): ValuesMatcher {
  const matchers: ValuesMatcher[] = []
  for (const op of Object.keys(ops)) {
    if (op === '$options') {
      if (!('$regex' in ops)) throw badValue('$options needs a $regex')
      continue
    }
    matchers.push(compileOperator(op, ops[op], ops))
  }
  if (matchers.length === 1) return matchers[0] as ValuesMatcher
  return (values) => matchers.every((m) => m(values))
}

function compileOperator(op: string, arg: unknown, ops: Record<string, unknown>): ValuesMatcher {
  switch (op) {
    case '$eq':
      return expanding(equalsTest(arg))
    case '$ne': {
      const m = expanding(equalsTest(arg))
      return (values) => !m(values)
    }
    case '$gt':
    case '$gte':
    case '$lt':
    case '$lte':
      return expanding(compareTest(op, arg))
    case '$in':
      return expanding(inTest(arg))
    case '$nin': {
      const m = expanding(inTest(arg))
      return (values) => !m(values)
    }
    case '$exists': {
      const want = truthy(arg)
      return (values) => values.some((v) => v !== MISSING) === want
    }
    case '$type':
      return expandingType(compileTypeTest(arg))
    case '$size': {
      if (!isNumeric(arg)) throw badValue('$size needs a number')
      const n = toNumber(arg)
      return direct((v) => Array.isArray(v) && v.length === n)
    }
    case '$regex': {
      const re = isRegexValue(arg) ? toJsRegex(arg) : compileRegex(String(arg), String(ops.$options ?? ''))
      return expanding(regexTest(re))
    }
    case '$not': {
      if (isRegexValue(arg)) {
        const m = expanding(regexTest(toJsRegex(arg)))
        return (values) => !m(values)
      }
      if (!isPlainObject(arg) || Object.keys(arg).length === 0)
        throw badValue('$not needs a regex or a document')
      const m = compileOperators(arg)
      return (values) => !m(values)
    }
    case '$elemMatch':
      return compileElemMatch(arg)
    case '$all':
      return compileAll(arg)
    case '$mod': {
      if (!Array.isArray(arg) || arg.length !== 2) throw badValue('malformed mod, needs to be an array of 2')
      const d = Math.trunc(toNumber(arg[0]))
      const r = Math.trunc(toNumber(arg[1]))
      if (d === 0) throw badValue('divisor cannot be 0')
      return expanding((v) => isNumeric(v) && Math.trunc(toNumber(v)) % d === r)
    }
    case '$comment':
      return () => true
    default:
      throw badValue(`unknown operator: ${op}`)
  }
}

function expandingType(test: ValueTest): ValuesMatcher {
  return (values) => {
    for (const v of values) {
      if (v === MISSING) continue
      if (test(v)) return true
      if (Array.isArray(v)) for (const el of v) if (test(el)) return true
    }
    return false
  }
}

function regexTest(re: RegExp): ValueTest {
  return (v) => {
    if (typeof v === 'string') {
      re.lastIndex = 0
      return re.test(v)
    }
    if (isRegexValue(v)) {
      const r = toJsRegex(v)
      return r.source === re.source && r.flags === re.flags
    }
    return false
  }
}

/** Equality in MongoDB's sense for one value (null also matches missing; a regex matches strings). */
export function equalsTest(x: unknown): ValueTest {
  if (x === null || x === undefined) return (v) => v === null || v === undefined || v === MISSING
  if (isRegexValue(x)) return regexTest(toJsRegex(x))
  if (typeof x === 'string') return (v) => v === x
  if (typeof x === 'number') {
    return (v) =>
      typeof v === 'number' ? v === x || (v !== v && x !== x) : isNumeric(v) && compareNumbers(v, x) === 0
  }
  const t = typeOrder(x)
  return (v) => typeOrder(v) === t && compareValues(v, x) === 0
}

function compareTest(op: string, x: unknown): ValueTest {
  const t = typeOrder(x)
  const check =
    op === '$gt'
      ? (c: number) => c > 0
      : op === '$gte'
        ? (c: number) => c >= 0
        : op === '$lt'
          ? (c: number) => c < 0
          : (c: number) => c <= 0
  if (t === TypeOrder.MinKey || t === TypeOrder.MaxKey) return (v) => check(compareValues(v, x))
  if (t === TypeOrder.Null) {
    const inclusive = op === '$gte' || op === '$lte'
    return (v) => inclusive && (v === null || v === undefined || v === MISSING)
  }
  if (typeof x === 'number') {
    return (v) =>
      typeof v === 'number'
        ? check(v < x ? -1 : v > x ? 1 : v === x ? 0 : compareNumbers(v, x))
        : typeOrder(v) === t && check(compareNumbers(v, x))
  }
  return (v) => typeOrder(v) === t && check(compareValues(v, x))
}

function inTest(arg: unknown): ValueTest {
  if (!Array.isArray(arg)) throw badValue('$in needs an array')
  const keys = new Set<string>()
  const regexes: ValueTest[] = []
  let matchNull = false
  for (const x of arg) {
    if (isRegexValue(x)) regexes.push(regexTest(toJsRegex(x)))
    else if (isPlainObject(x) && isOperatorObject(x)) throw badValue('cannot nest $ under $in')
    else {
      if (x === null) matchNull = true
      keys.add(valueKey(x))
    }
  }
  return (v) => {
    if (v === MISSING || v === undefined) return matchNull
    if (keys.has(valueKey(v))) return true
    for (const r of regexes) if (r(v)) return true
    return false
  }
}

function compileElemMatch(arg: unknown): ValuesMatcher {
  if (!isPlainObject(arg)) throw badValue('$elemMatch needs an Object')
  const keys = Object.keys(arg)
  const valueForm =
    keys.length > 0 && keys.every((k) => k.startsWith('$') && !['$and', '$or', '$nor', '$expr'].includes(k))
  let test: ValueTest
  if (valueForm) {
    const m = compileOperators(arg)
    test = (el) => m([el])
  } else {
    const p = compileFilter(arg)
    test = (el) => (isPlainObject(el) || Array.isArray(el)) && p(el)
  }
  return (values) => values.some((v) => Array.isArray(v) && v.some(test))
}

function compileAll(arg: unknown): ValuesMatcher {
  if (!Array.isArray(arg)) throw badValue('$all needs an array')
  if (arg.length === 0) return () => false
  const parts = arg.map((x) =>
    isPlainObject(x) && '$elemMatch' in x ? compileElemMatch(x.$elemMatch) : expanding(equalsTest(x)),
  )
  return (values) => parts.every((m) => m(values))
}
